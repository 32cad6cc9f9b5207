/**
 * Guardrails that a hostile or mistaken input must not get past, and inputs they must not
 * refuse: each case asserts the whole message (construct path, field, problem, fix).
 */
import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Bandwidth,
  ChaosAction,
  ChaosExperiment,
  ChaosExperimentProps,
  ChaosPlatform,
  ChaosSchedule,
  ChaosTarget,
  ChaosWorkflow,
  LitmusProbe,
  MemorySize,
  NetworkDirection,
  parseChaosSchedule,
  PhysicalMachine,
  StatusCheck,
  timeZoneProblem,
  WorkflowStep,
} from '../../src';
import { expectValidManifests } from '../support/schema';
import { Json, newChart, specOf, synthExperiment, validationError } from './helpers';

const shop = ChaosTarget.labels('shop', { app: 'cart' });
const base = { target: shop, duration: Duration.minutes(2) };

/** The message lines of the error an experiment with these props throws. */
function lines(props: Partial<ChaosExperimentProps> & Pick<ChaosExperimentProps, 'action'>, id = 'exp'): string[] {
  const err = validationError((s) => new ChaosExperiment(s, id, { ...base, ...props } as ChaosExperimentProps));
  return err.message
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
}

/** The validation messages of a chart (cross-construct checks run at synth). */
function synthErrors(build: (scope: Construct) => void): string[] {
  const chart = newChart();
  build(chart);
  try {
    Testing.synth(chart);
  } catch (e) {
    return String((e as Error).message)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('['));
  }
  throw new Error('expected synth to fail');
}

describe('bypasses', () => {
  test('NetworkChaos peers in a protected namespace are refused, for every network action', () => {
    const peers = ChaosTarget.labels('monitoring', { app: 'prometheus' });
    const expected =
      '[test/exp] action.peers: experiment "exp" breaks rule protected-namespace: the peers are in namespace "monitoring", which is protected: the fault would hit its traffic too. Fix: choose peers in an application namespace instead of "monitoring".';
    expect(lines({ action: ChaosAction.networkDelay({ latency: Duration.millis(80), peers }) })).toEqual([expected]);
    expect(lines({ action: ChaosAction.networkLoss({ percent: 20, peers, direction: NetworkDirection.both() }) })).toEqual([expected]);
    expect(lines({ action: ChaosAction.networkBandwidth({ rate: Bandwidth.megabitsPerSecond(5), peers }) })).toEqual([expected]);
    // Explicit pods of a protected namespace count too.
    expect(
      lines({
        action: ChaosAction.networkCorrupt({ percent: 3, peers: ChaosTarget.selector({ namespaces: ['shop'], pods: { velero: ['velero-0'] } }) }),
      }),
    ).toContain(
      '[test/exp] action.peers: experiment "exp" breaks rule protected-namespace: the peers are in namespace "velero", which is protected: the fault would hit its traffic too. Fix: choose peers in an application namespace instead of "velero".',
    );
    // Peers in an application namespace are fine.
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkDelay({ latency: Duration.millis(80), peers: ChaosTarget.labels('payments', { app: 'api' }) }),
      }),
      'NetworkChaos',
    );
    expect(spec.target).toEqual({ mode: 'all', selector: { namespaces: ['payments'], labelSelectors: { app: 'api' } } });
  });

  test('ChaosAction.of is checked too: a raw peer target in a protected namespace, and the fields the experiment owns', () => {
    const raw = ChaosAction.of('NetworkChaos', 'raw-delay', {
      action: 'delay',
      delay: { latency: '50ms' },
      target: { mode: 'all', selector: { namespaces: ['kube-system'], labelSelectors: { k8s: 'dns' } } },
    });
    expect(raw.peerNamespaces).toEqual(['kube-system']);
    expect(lines({ action: raw })).toEqual([
      '[test/exp] action.peers: experiment "exp" breaks rule protected-namespace: the peers are in namespace "kube-system", which is protected: the fault would hit its traffic too. Fix: choose peers in an application namespace instead of "kube-system".',
    ]);
    const sneaky = ChaosAction.of('PodChaos', 'raw-failure', {
      action: 'pod-failure',
      selector: { namespaces: ['kube-system'] },
      mode: 'all',
      duration: '10h',
    });
    expect(lines({ action: sneaky })).toEqual([
      '[test/exp] action.selector: experiment "exp": the raw fields set "selector", which the experiment writes from its target prop (the raw value would be replaced, or would bypass the guardrails). Fix: drop "selector" from the fields and set the experiment\'s target instead.',
      '[test/exp] action.mode: experiment "exp": the raw fields set "mode", which the experiment writes from its mode prop (the raw value would be replaced, or would bypass the guardrails). Fix: drop "mode" from the fields and set the experiment\'s mode instead.',
      '[test/exp] action.duration: experiment "exp": the raw fields set "duration", which the experiment writes from its duration prop (the raw value would be replaced, or would bypass the guardrails). Fix: drop "duration" from the fields and set the experiment\'s duration instead.',
    ]);
    expect(lines({ action: ChaosAction.of('CronChaos' as never, 'x', {}) })).toEqual([
      '[test/exp] action: experiment "exp": "CronChaos" is not a Chaos Mesh chaos kind. Fix: use one of PodChaos, NetworkChaos, StressChaos, IOChaos, TimeChaos, DNSChaos, HTTPChaos, AWSChaos, GCPChaos, AzureChaos, JVMChaos, KernelChaos, BlockChaos, PhysicalMachineChaos.',
    ]);
  });

  test('Litmus tunables cannot override the duration bound, the blast radius or the target', () => {
    const litmus = (env: Record<string, string>) =>
      lines({ action: ChaosAction.podKill(), platform: ChaosPlatform.litmus(), duration: Duration.minutes(5), litmus: { env } });
    expect(litmus({ TOTAL_CHAOS_DURATION: '86400' })).toEqual([
      '[test/exp] litmus.env.TOTAL_CHAOS_DURATION: experiment "exp": TOTAL_CHAOS_DURATION is set from the experiment\'s duration, and setting it here would bypass the maximum duration. Fix: drop TOTAL_CHAOS_DURATION from litmus.env and set the experiment\'s duration.',
    ]);
    expect(litmus({ PODS_AFFECTED_PERC: '100', APP_NAMESPACE: 'kube-system' })).toEqual([
      '[test/exp] litmus.env.PODS_AFFECTED_PERC: experiment "exp": PODS_AFFECTED_PERC is set from the experiment\'s mode, and setting it here would bypass the blast-radius rule. Fix: drop PODS_AFFECTED_PERC from litmus.env and set the experiment\'s mode.',
      '[test/exp] litmus.env.APP_NAMESPACE: experiment "exp": APP_NAMESPACE is set from the experiment\'s target, and setting it here would bypass the protected-namespace rule. Fix: drop APP_NAMESPACE from litmus.env and set the experiment\'s target.',
    ]);
    expect(litmus({ RAMP_TIME: '3600', CHAOS_INTERVAL: '1m', 'BAD-NAME': 'x' })).toEqual([
      '[test/exp] litmus.env.RAMP_TIME: experiment "exp": RAMP_TIME is 3600s, longer than the maximum duration of 1800s. Fix: shorten it, or raise maxDuration if a longer experiment is intended.',
      '[test/exp] litmus.env.CHAOS_INTERVAL: experiment "exp": CHAOS_INTERVAL is "1m", but Litmus reads it as whole seconds. Fix: give CHAOS_INTERVAL as a whole number of seconds, such as "60".',
      '[test/exp] litmus.env.BAD-NAME: experiment "exp": "BAD-NAME" is not an environment variable name. Fix: use letters, digits and "_", not starting with a digit.',
    ]);
    // Fault tunables of one's own stay allowed.
    const objs = synthExperiment({
      ...base,
      action: ChaosAction.podKill(),
      platform: ChaosPlatform.litmus(),
      litmus: { env: { CHAOS_INTERVAL: '10', SEQUENCE: 'serial' } },
    });
    const env = objs.find((o: Json) => o.kind === 'ChaosEngine').spec.experiments[0].spec.components.env;
    expect(env).toContainEqual({ name: 'CHAOS_INTERVAL', value: '10' });
    expect(env).toContainEqual({ name: 'TOTAL_CHAOS_DURATION', value: '120' });
  });

  test('two chaos objects of one name in one namespace are refused across the app, whatever their kind', () => {
    expect(
      synthErrors((chart) => {
        new ChaosExperiment(chart, 'kill', { ...base, name: 'cart-chaos', action: ChaosAction.podKill() });
        new ChaosExperiment(chart, 'stress', { ...base, name: 'cart-chaos', action: ChaosAction.stressCpu() });
        new ChaosWorkflow(chart, 'nightly', {
          name: 'cart-chaos',
          schedule: ChaosSchedule.daily({ hour: 2 }),
          entry: WorkflowStep.serial('main', [WorkflowStep.suspend('wait', Duration.minutes(1))]),
        });
        // Another namespace is another name space.
        new ChaosExperiment(chart, 'elsewhere', { ...base, name: 'cart-chaos', namespace: 'chaos-staging', action: ChaosAction.podKill() });
      }),
    ).toEqual([
      '[test/kill] name: the PodChaos "cart-chaos" in namespace "chaos-testing" has the name of a chaos object of test/stress (StressChaos), test/nightly (Schedule): applying both, one overwrites the other or the two cannot be told apart by name. Fix: give each experiment, schedule and workflow of a namespace its own name.',
      '[test/stress] name: the StressChaos "cart-chaos" in namespace "chaos-testing" has the name of a chaos object of test/kill (PodChaos), test/nightly (Schedule): applying both, one overwrites the other or the two cannot be told apart by name. Fix: give each experiment, schedule and workflow of a namespace its own name.',
      '[test/nightly] name: the Schedule "cart-chaos" in namespace "chaos-testing" has the name of a chaos object of test/kill (PodChaos), test/stress (StressChaos): applying both, one overwrites the other or the two cannot be told apart by name. Fix: give each experiment, schedule and workflow of a namespace its own name.',
    ]);
  });

  test('two Litmus engines or service accounts of one name in the application namespace are refused, also from different chaos namespaces', () => {
    const litmus = { action: ChaosAction.podKill(), platform: ChaosPlatform.litmus(), ...base };
    expect(
      synthErrors((chart) => {
        new ChaosExperiment(chart, 'a', { ...litmus, name: 'cart-kill', namespace: 'chaos-a' });
        new ChaosExperiment(chart, 'b', { ...litmus, name: 'cart-kill', namespace: 'chaos-b', litmus: { serviceAccountName: 'cart-kill-b' } });
      }),
    ).toEqual([
      '[test/a] name: the ChaosEngine "cart-kill" in namespace "shop" is also emitted by test/b (ChaosEngine), and one would overwrite the other. Fix: give each its own name.',
      '[test/b] name: the ChaosEngine "cart-kill" in namespace "shop" is also emitted by test/a (ChaosEngine), and one would overwrite the other. Fix: give each its own name.',
    ]);
    // Distinct names pass, and the same name may serve a StatusCheck and an experiment (different kinds).
    const chart = newChart();
    new ChaosExperiment(chart, 'a', { ...litmus, name: 'cart-kill-a' });
    new ChaosExperiment(chart, 'b', { ...litmus, name: 'cart-kill-b' });
    new StatusCheck(chart, 'cart-kill-a-check', { name: 'cart-kill-a', url: 'http://cart.shop.svc/health' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test("labels: invalid ones, and the library's own, are refused", () => {
    expect(lines({ action: ChaosAction.podKill(), labels: { team: 'shop floor', 'app.kubernetes.io/managed-by': 'helm' } })).toEqual([
      "[test/exp] labels.team: label value \"shop floor\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit). Fix: use valid label keys and values.",
      '[test/exp] labels.app.kubernetes.io/managed-by: label "app.kubernetes.io/managed-by" is set by the library (the runtime finds its objects by it), and a value here would replace it. Fix: drop "app.kubernetes.io/managed-by" from labels, or use a label key of your own.',
    ]);
    expect(lines({ action: ChaosAction.podKill(), labels: { 'chaos.resilience.cdk8s.io/experiment': 'other' } })[0]).toMatch(
      /labels.chaos.resilience.cdk8s.io\/experiment: label "chaos.resilience.cdk8s.io\/experiment" is set by the library/,
    );
  });

  test('Litmus service-account names and probes are checked', () => {
    const litmus = (o: Json) => lines({ action: ChaosAction.podKill(), platform: ChaosPlatform.litmus(), litmus: o });
    expect(litmus({ serviceAccountName: 'Litmus Admin' })).toEqual([
      '[test/exp] litmus.serviceAccountName: experiment "exp": service account name "Litmus Admin" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: name the service account with lower-case letters, digits, "-" and ".".',
    ]);
    expect(
      litmus({
        probes: [
          LitmusProbe.http({ name: 'cart-health', url: 'http://cart.shop.svc:8080/health"}; rm -rf /' }),
          LitmusProbe.http({ name: 'cart-health', url: 'ftp://cart.shop.svc/health', retry: -1, expectStatus: 42 }),
        ],
      }),
    ).toEqual([
      '[test/exp] litmus.probes[0].url: experiment "exp": probe URL "http://cart.shop.svc:8080/health"}; rm -rf /" holds """, which a URL cannot hold unescaped. Fix: give the full URL the probe requests, such as http://demo-app.team-alpha.svc:8080/health.',
      '[test/exp] litmus.probes[1].name: experiment "exp": probe name "cart-health" is used twice. Fix: give each probe its own name.',
      '[test/exp] litmus.probes[1].url: experiment "exp": probe URL "ftp://cart.shop.svc/health" is not an http(s) URL. Fix: give the full URL the probe requests, such as http://demo-app.team-alpha.svc:8080/health.',
      '[test/exp] litmus.probes[1].retry: experiment "exp": -1 is not a whole number of retries. Fix: give 0 or more retries.',
      '[test/exp] litmus.probes[1].expectStatus: experiment "exp": 42 is not an HTTP status code. Fix: give a code such as 200.',
    ]);
  });

  test('status-check URLs and thresholds (0, -1) are checked, in workflows and standalone', () => {
    const wf = (props: Json) =>
      validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', [WorkflowStep.statusCheck('probe', props)]) }))
        .message.split('\n')
        .slice(1)
        .map((l) => l.trim());
    expect(wf({ url: 'http://cart shop/health', failureThreshold: 0, successThreshold: -1 })).toEqual([
      '[test/wf] steps.probe.url: "http://cart shop/health" holds U+0020, which a URL cannot hold unescaped. Fix: give the full URL, such as http://demo-app.team-alpha.svc:8080/health.',
      '[test/wf] steps.probe.failureThreshold: 0 is not a positive whole number. Fix: give at least 1.',
      '[test/wf] steps.probe.successThreshold: -1 is not a positive whole number. Fix: give at least 1.',
    ]);
    const err = validationError((s) => new StatusCheck(s, 'check', { url: 'http://user:secret@cart.shop.svc/health', failureThreshold: -1 }));
    expect(
      err.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual([
      '[test/check] url: "http://user:secret@cart.shop.svc/health" holds credentials, which would be stored in the manifest in plain text. Fix: give the full URL, such as http://demo-app.team-alpha.svc:8080/health.',
      '[test/check] failureThreshold: -1 is not a positive whole number. Fix: give at least 1.',
    ]);
    expect(validationError((s) => new PhysicalMachine(s, 'm', { address: 'https://10.0.3.7:31768/api?x=1' })).message).toContain(
      '[test/m] address: chaosd address "https://10.0.3.7:31768/api?x=1" has a path, query or fragment, but only a scheme, host and port are used. Fix: give the chaosd server URL, such as https://10.0.3.7:31768.',
    );
  });

  test('memory sizes are checked by the rules Chaos Mesh applies', () => {
    const size = (s: MemorySize) => lines({ action: ChaosAction.stressMemory({ size: s }) });
    expect(size(MemorySize.of('lots'))).toEqual([
      '[test/exp] action.size: experiment "exp": "lots" is not a memory size. Fix: give a size such as MemorySize.megabytes(256), MemorySize.percent(25) or MemorySize.of("1GiB").',
    ]);
    expect(size(MemorySize.percent(150))[0]).toBe(
      '[test/exp] action.size: experiment "exp": 150% is not a share from 1% to 100%. Fix: give a size such as MemorySize.megabytes(256), MemorySize.percent(25) or MemorySize.of("1GiB").',
    );
    expect(size(MemorySize.megabytes(0))[0]).toMatch(/action.size: experiment "exp": the size "0MB" is zero, so the stressor takes no memory/);
    expect(lines({ action: ChaosAction.stress({ memory: { size: MemorySize.of('12.5%') } }) })[0]).toMatch(
      /action.memory.size: experiment "exp": "12.5%" is not a whole percentage/,
    );
    for (const ok of ['512MB', '1GiB', '2 GB', '1024', '30%', '100%']) {
      const spec = specOf(synthExperiment({ ...base, action: ChaosAction.stressMemory({ size: MemorySize.of(ok) }) }), 'StressChaos');
      expect(spec.stressors.memory.size).toBe(ok);
    }
  });

  test("DNS patterns follow Chaos Mesh's rules; no patterns means every name, said so", () => {
    expect(lines({ action: ChaosAction.dnsError({ patterns: ['*.example.com', 'api..example.com', 'api example.com'] }) })).toEqual([
      '[test/exp] action.patterns[0]: experiment "exp": "*.example.com" has a "*" before its end, but Chaos Mesh takes "*" only as the last character. Fix: write a domain name, with "?" for any one character and "*" only at the end (such as "api-?.example.*").',
      '[test/exp] action.patterns[1]: experiment "exp": "api..example.com" has an empty label (two dots in a row, or a dot at the start or end). Fix: write a domain name, with "?" for any one character and "*" only at the end (such as "api-?.example.*").',
      '[test/exp] action.patterns[2]: experiment "exp": "api example.com" has the label "api example", which holds characters other than letters, digits, "-", "_", "?" and a final "*". Fix: write a domain name, with "?" for any one character and "*" only at the end (such as "api-?.example.*").',
    ]);
    expect(lines({ action: ChaosAction.dnsRandom({ patterns: [] }) })).toEqual([
      '[test/exp] action.patterns: experiment "exp": no DNS name patterns are given, and without patterns Chaos Mesh applies the fault to every domain name. Fix: give the names to hit, such as "api.example.com" or "api.example.*" ("*" only at the end), or ["*"] for every name on purpose.',
    ]);
    // Chaos Mesh's own e2e patterns stay accepted.
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.dnsError({ patterns: ['not_exist?host.abc', '16?.co*', '*'] }) }), 'DNSChaos');
    expect(spec.patterns).toEqual(['not_exist?host.abc', '16?.co*', '*']);
  });

  test('external targets are hosts, IPs or CIDRs, each optionally with a port', () => {
    const fix = 'Fix: give a host such as api.example.com, an IP or a CIDR such as 10.0.0.0/8, each optionally with a port (":443").';
    expect(
      lines({
        action: ChaosAction.networkLoss({
          percent: 10,
          externalTargets: ['10.0.0.0/33', 'https://api.example.com', 'pay_ments.example.com', 'api.example.com:99999'],
        }),
      }),
    ).toEqual([
      `[test/exp] action.externalTargets[0]: experiment "exp": "10.0.0.0/33" is not an IP address, a CIDR or a host name. ${fix}`,
      '[test/exp] action.externalTargets[1]: experiment "exp": "https://api.example.com" is a URL, not a host. Fix: give the host alone: a host such as api.example.com, an IP or a CIDR such as 10.0.0.0/8, each optionally with a port (":443").',
      `[test/exp] action.externalTargets[2]: experiment "exp": "pay_ments.example.com" has the label "pay_ments", which is not letters, digits and "-" (not at either end). ${fix}`,
      `[test/exp] action.externalTargets[3]: experiment "exp": "api.example.com:99999" has the port "99999", which is not a port number (1-65535). ${fix}`,
    ]);
    // The forms Chaos Mesh's own partition example uses stay accepted.
    const upstream = ['8.8.8.8', 'www.google.com', '8.8.0.0/16', '1.1.1.1:80', 'example.com:443', '10.0.0.0/8:22', 'fd00::1', '[fd00::1]:53'];
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.networkPartition({ externalTargets: upstream }) }), 'NetworkChaos');
    expect(spec.externalTargets).toEqual(upstream);
  });
});

describe('fields Chaos Mesh passes on as written', () => {
  test('I/O methods, mount paths, container names, devices, pod phases, nodes, HTTP methods and paths are checked', () => {
    expect(lines({ action: ChaosAction.ioFault({ volumePath: 'data', errno: 5, methods: ['READ', 'sync'], containerNames: ['Cart_API'] }) })).toEqual(
      [
        '[test/exp] action.volumePath: experiment "exp": "data" is not an absolute path. Fix: give the mount point inside the container, such as /var/lib/data.',
        '[test/exp] action.methods[0]: experiment "exp": "READ" is not an I/O method Chaos Mesh knows. Fix: write "read" (Chaos Mesh names methods in lower case).',
        expect.stringMatching(
          /^\[test\/exp\] action.methods\[1\]: experiment "exp": "sync" is not an I\/O method Chaos Mesh knows. Fix: use some of lookup, forget, /,
        ),
        '[test/exp] action.containerNames[0]: experiment "exp": container name "Cart_API" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit). Fix: name the pod\'s containers as their spec does.',
      ],
    );
    expect(lines({ action: ChaosAction.networkLoss({ percent: 5, device: 'eth0; reboot' }) })).toEqual([
      '[test/exp] action.device: experiment "exp": "eth0; reboot" is not a network interface name. Fix: give an interface such as eth0 (at most 15 characters, no spaces or "/").',
    ]);
    expect(
      lines({ action: ChaosAction.podFailure(), target: ChaosTarget.selector({ namespaces: ['shop'], podPhases: ['running'], nodes: ['Node 1'] }) }),
    ).toEqual([
      '[test/exp] target.podPhases[0]: experiment "exp" breaks rule selects-something: "running" is not a pod phase. Fix: use Pending, Running, Succeeded, Failed, Unknown.',
      '[test/exp] target.nodes[0]: experiment "exp" breaks rule selects-something: node name "Node 1" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: name existing nodes.',
    ]);
    expect(lines({ action: ChaosAction.httpAbort({ port: 8080, method: 'GET /', path: 'api/orders' }) })).toEqual([
      '[test/exp] action.method: experiment "exp": "GET /" is not an HTTP method. Fix: give a method such as GET or POST.',
      '[test/exp] action.path: experiment "exp": "api/orders" is not a URI path. Fix: give a path starting with "/", such as /api/orders or /api/*.',
    ]);
    expect(
      lines({
        action: ChaosAction.httpReplace({
          port: 8443,
          code: 503,
          headers: { 'X Forwarded': 'a' },
          tls: { secretName: 'Cart TLS', secretNamespace: 'shop' },
        }),
      }),
    ).toEqual([
      '[test/exp] action.headers.X Forwarded: experiment "exp": "X Forwarded" is not an HTTP header name. Fix: use letters, digits and "-", such as X-Request-Id.',
      '[test/exp] action.tls.secretName: experiment "exp": Secret name "Cart TLS" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: name the Secret holding the certificate and key.',
    ]);
  });
});

describe('misfires', () => {
  test('a partition from external targets only is not a partition from everything', () => {
    const action = ChaosAction.networkPartition({ externalTargets: ['203.0.113.0/24', 'payments.example.com'] });
    expect(action.partition).toEqual({ peers: undefined, externalTargets: ['203.0.113.0/24', 'payments.example.com'] });
    const spec = specOf(synthExperiment({ ...base, action }), 'NetworkChaos');
    expect(spec).toMatchObject({ action: 'partition', direction: 'to', externalTargets: ['203.0.113.0/24', 'payments.example.com'] });
    expect(spec.target).toBeUndefined();
    // Without peers or external targets it still is, and says why.
    expect(lines({ action: ChaosAction.networkPartition() })).toEqual([
      '[test/exp] action: experiment "exp" breaks rule namespace-partition: the partition cuts the pods off from everything (it names neither peers nor external targets). Fix: partition selected pods from selected peers (labels) or external targets, or opt in with allowFullBlastRadius: true.',
    ]);
    // A whole namespace cut off from external hosts is still a whole-namespace partition.
    expect(lines({ action, target: ChaosTarget.namespaces('shop') })[0]).toMatch(/namespace-partition: the partition partitions a whole namespace/);
  });

  test('bandwidth: bits and bytes are named, and written as tc reads them', () => {
    const cases: Array<[Bandwidth, string, number]> = [
      [Bandwidth.megabitsPerSecond(10), '10mbit', 10e6],
      [Bandwidth.kilobitsPerSecond(512), '512kbit', 512e3],
      [Bandwidth.gigabitsPerSecond(1), '1gbit', 1e9],
      [Bandwidth.bitsPerSecond(9600), '9600bit', 9600],
      [Bandwidth.megabytesPerSecond(1), '1mbps', 8e6],
      [Bandwidth.kilobytesPerSecond(500), '500kbps', 4e6],
      [Bandwidth.gigabytesPerSecond(2), '2gbps', 16e9],
      [Bandwidth.bytesPerSecond(1000), '1000bps', 8000],
      // The deprecated names keep their documented meaning (bits) and now write it correctly.
      [Bandwidth.mbps(1), '1mbit', 1e6],
      [Bandwidth.kbps(100), '100kbit', 100e3],
      [Bandwidth.gbps(1), '1gbit', 1e9],
      [Bandwidth.of('20MBps'), '20MBps', 160e6],
    ];
    for (const [b, value, bits] of cases) {
      expect([b.value, b.bitsPerSecond]).toEqual([value, bits]);
      const spec = specOf(synthExperiment({ ...base, action: ChaosAction.networkBandwidth({ rate: b }) }), 'NetworkChaos');
      expect(spec.bandwidth.rate).toBe(value);
    }
    expect(lines({ action: ChaosAction.networkBandwidth({ rate: Bandwidth.megabitsPerSecond(1.5) }) })).toEqual([
      '[test/exp] action.rate: experiment "exp": "1.5mbit" is not a whole number of mbit, and Chaos Mesh takes whole numbers only. Fix: use a smaller unit, such as Bandwidth.kilobitsPerSecond(1500) for 1.5 megabits per second.',
    ]);
    expect(lines({ action: ChaosAction.networkNetem({ rate: Bandwidth.of('fast') }) })[0]).toBe(
      '[test/exp] action.rate: experiment "exp": "fast" is not a rate Chaos Mesh accepts. Fix: use a factory such as Bandwidth.megabitsPerSecond(10) or Bandwidth.kilobytesPerSecond(500), or write a whole number and one of bit, kbit, mbit, gbit, tbit (bits per second) or bps, kbps, mbps, gbps, tbps (bytes per second).',
    );
    expect(lines({ action: ChaosAction.networkBandwidth({ rate: Bandwidth.kilobitsPerSecond(0) }) })[0]).toMatch(
      /action.rate: experiment "exp": the rate "0kbit" is zero, so no traffic would pass/,
    );
  });

  test('pod-kill and container-kill need no duration: alone, scheduled, and as a scheduled workflow step', () => {
    const kill = ChaosAction.podKill();
    expect(specOf(synthExperiment({ target: shop, action: kill }), 'PodChaos').duration).toBeUndefined();
    const sched = specOf(
      synthExperiment({
        target: shop,
        action: ChaosAction.containerKill({ containerNames: ['cart'] }),
        schedule: ChaosSchedule.cron('*/15 * * * *'),
      }),
      'Schedule',
    );
    expect(sched.podChaos.duration).toBeUndefined();
    const chart = newChart();
    const wf = new ChaosWorkflow(chart, 'kills', {
      entry: WorkflowStep.serial('main', [
        WorkflowStep.schedule('every-minute-kill', {
          action: kill,
          target: shop,
          schedule: ChaosSchedule.every(Duration.minutes(1)),
          deadline: Duration.minutes(10),
        }),
      ]),
    });
    expectValidManifests(Testing.synth(chart));
    const step = wf.spec.templates.find((t) => t.name === 'every-minute-kill')!;
    expect(step.schedule).toMatchObject({ schedule: '@every 1m', type: 'PodChaos', podChaos: { action: 'pod-kill', mode: 'one' } });
    expect((step.schedule as Json).podChaos.duration).toBeUndefined();
    // A continuous fault in a schedule step still needs one.
    expect(
      validationError(
        (s) =>
          new ChaosWorkflow(s, 'wf', {
            entry: WorkflowStep.schedule('cpu', {
              action: ChaosAction.stressCpu(),
              target: shop,
              schedule: ChaosSchedule.daily(),
              deadline: Duration.minutes(5),
            }),
          }),
      ).message,
    ).toContain(
      '[test/wf] steps.cpu.duration: experiment "cpu" breaks rule bounded-duration: no duration is set, so the stress-cpu fault would last until someone deletes it. Fix: set duration, such as Duration.minutes(5), or opt in with allowUnboundedDuration: true if it should last until deleted.',
    );
  });

  test('schedules: @every, CRON_TZ/TZ prefixes and six fields are accepted as Chaos Mesh accepts them, for chaos and workflows alike', () => {
    const accepted = [
      '@every 2s',
      '@every 10m',
      '@every 60s',
      'CRON_TZ=Europe/Berlin 0 9 * * 1',
      'TZ=America/New_York 30 6 * * mon-fri',
      'CRON_TZ=UTC @daily',
      'CRON_TZ=Asia/Kolkata @every 1h',
      '15 0 9 * * *',
      '0 */2 * * ?',
      '0 0 1 jan,jul *',
    ];
    for (const expression of accepted) {
      expect([expression, parseChaosSchedule(expression).ok]).toEqual([expression, true]);
      const chart = newChart();
      new ChaosExperiment(chart, 'exp', { target: shop, action: ChaosAction.podKill(), schedule: ChaosSchedule.cron(expression) });
      new ChaosWorkflow(chart, 'wf', { schedule: ChaosSchedule.cron(expression), entry: WorkflowStep.suspend('pause', Duration.seconds(1)) });
      const objs = Testing.synth(chart);
      expectValidManifests(objs);
      expect(objs.map((o: Json) => o.spec.schedule)).toEqual([expression, expression]);
    }
  });

  test('schedules Chaos Mesh would refuse are refused with the reason', () => {
    const problem = (expression: string) => {
      const r = parseChaosSchedule(expression);
      return r.ok ? 'accepted' : `${r.problem} | ${r.fix}`;
    };
    expect(problem('CRON_TZ=europe/berlin 0 9 * * 1')).toBe(
      'the zone of "CRON_TZ=europe/berlin 0 9 * * 1": time zone "europe/berlin" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "europe/berlin") | did you mean Europe/Berlin?',
    );
    expect(problem('TZ=Mars/Olympus_Mons @hourly')).toBe(
      'the zone of "TZ=Mars/Olympus_Mons @hourly": "Mars/Olympus_Mons" is not a known IANA time zone | use a tz database name, spelled exactly, such as "Europe/Berlin", "America/New_York" or "UTC"',
    );
    expect(problem('CRON_TZ=Europe/Berlin')).toBe(
      '"CRON_TZ=Europe/Berlin" names a zone but no schedule after it | write the schedule after the zone and a space, such as "CRON_TZ=Europe/Berlin 0 9 * * 1"',
    );
    expect(problem('@every 1500ms')).toBe(
      '"@every 1500ms" is not a whole number of seconds, and Chaos Mesh drops the fraction | give the interval in whole seconds',
    );
    expect(problem('@every 500ms')).toBe(
      '"@every 500ms" is shorter than a second, and Chaos Mesh would run it every second | give an interval of at least one second',
    );
    expect(problem('@Daily')).toBe(
      '"@Daily" is not a descriptor Chaos Mesh knows | use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or "@every <duration>" (lower case)',
    );
    expect(problem('0 9 * * 7')).toMatch(/^"0 9 \* \* 7": the day-of-week field "7" is outside 0-6 \|/);
    expect(problem('0 9 L * *')).toMatch(/the day-of-month field "L" has "L", which is not a number \(no L, W, # or H\)/);
    expect(problem(' @daily')).toBe('" @daily" starts with whitespace, which Chaos Mesh\'s parser does not skip | remove the leading whitespace');
    expect(timeZoneProblem('US/Eastern')).toBeUndefined();
    expect(timeZoneProblem('us/eastern')?.fix).toBe('did you mean US/Eastern?');
    // Through a construct: path, field, problem and fix.
    expect(
      validationError(
        (s) => new ChaosWorkflow(s, 'wf', { schedule: ChaosSchedule.cron('0 9 30 2 *'), entry: WorkflowStep.suspend('p', Duration.seconds(1)) }),
      ).message,
    ).toContain(
      '[test/wf] schedule: workflow "wf": "0 9 30 2 *" never runs (no date matches every field). Fix: check the day-of-month and month fields, such as "0 9 30 2 *" (30 February).',
    );
  });

  test('a schedule written as in a migrated manifest: no concurrency policy or history limit unless given; @every keeps its unit', () => {
    const spec = specOf(
      synthExperiment({
        target: shop,
        action: ChaosAction.podKill(),
        schedule: ChaosSchedule.every(Duration.seconds(400), { explicitDefaults: false }),
      }),
      'Schedule',
    );
    expect(spec.schedule).toBe('@every 400s');
    expect(spec.concurrencyPolicy).toBeUndefined();
    expect(spec.historyLimit).toBeUndefined();
    const kept = specOf(
      synthExperiment({
        target: shop,
        action: ChaosAction.podKill(),
        schedule: ChaosSchedule.cron('@hourly', { explicitDefaults: false, historyLimit: 5 }),
      }),
      'Schedule',
    );
    expect([kept.concurrencyPolicy, kept.historyLimit]).toEqual([undefined, 5]);
  });

  test('durations that are not whole seconds are reported, not thrown', () => {
    expect(lines({ action: ChaosAction.podKill({ gracePeriod: Duration.millis(1500) }) })).toEqual([
      '[test/exp] action.gracePeriod: experiment "exp": 1500ms is not a whole number of seconds. Fix: give the grace period in whole seconds, such as Duration.seconds(30).',
    ]);
    expect(lines({ action: ChaosAction.podKill(), schedule: ChaosSchedule.daily({}, { startingDeadline: Duration.millis(90500) }) })).toEqual([
      '[test/exp] schedule.startingDeadline: experiment "exp": 90500ms is not a whole number of seconds (startingDeadlineSeconds). Fix: give the starting deadline in whole seconds, such as Duration.minutes(2).',
    ]);
  });
});

describe('numbers and spans cdk8s cannot read', () => {
  const unreadable =
    'the duration is not a whole number of milliseconds (it is NaN, infinite, or a fraction of a millisecond). Fix: give a whole number of a unit, such as Duration.seconds(30) or Duration.millis(250).';
  test('NaN, infinite and sub-millisecond Durations are reported with their field, never as a bare cdk8s error', () => {
    expect(lines({ action: ChaosAction.podFailure(), duration: Duration.minutes(NaN) })).toEqual([
      `[test/exp] duration: experiment "exp": ${unreadable}`,
    ]);
    expect(lines({ action: ChaosAction.networkDelay({ latency: Duration.millis(0.5) }) })).toEqual([
      `[test/exp] action.latency: experiment "exp": ${unreadable}`,
    ]);
    expect(lines({ action: ChaosAction.podFailure(), maxDuration: Duration.hours(Infinity) })).toEqual([
      `[test/exp] maxDuration: experiment "exp": ${unreadable}`,
    ]);
    expect(lines({ action: ChaosAction.podKill(), schedule: ChaosSchedule.every(Duration.seconds(NaN)) })).toEqual([
      '[test/exp] schedule: experiment "exp": the @every interval is not a whole number of milliseconds (it is NaN, infinite, or a fraction of a millisecond). Fix: give ChaosSchedule.every a Duration such as Duration.minutes(30).',
    ]);
    const wf = validationError(
      (s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', [WorkflowStep.suspend('wait', Duration.seconds(NaN))]) }),
    );
    expect(
      wf.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual([`[test/wf] steps.wait.duration: ${unreadable}`]);
    expect(
      lines({
        action: ChaosAction.podKill(),
        platform: ChaosPlatform.litmus(),
        litmus: { probes: [LitmusProbe.podsPresent({ timeout: Duration.millis(NaN) })] },
      }),
    ).toEqual([`[test/exp] litmus.probes[0].timeout: experiment "exp": ${unreadable}`]);
  });

  test('NaN and out-of-range numbers are reported', () => {
    expect(lines({ action: ChaosAction.networkLoss({ percent: NaN }) })).toEqual([
      '[test/exp] action.percent: experiment "exp": NaN is outside 0-100. Fix: give a percentage from 0 to 100.',
    ]);
    expect(lines({ action: ChaosAction.podKill(), schedule: ChaosSchedule.daily({ hour: 24, minute: 1.5 }) })).toEqual([
      '[test/exp] schedule.hour: experiment "exp": 24 is not an hour from 0 to 23. Fix: give a whole hour from 0 to 23 (UTC).',
      '[test/exp] schedule.minute: experiment "exp": 1.5 is not a minute from 0 to 59. Fix: give a whole minute from 0 to 59 (UTC).',
    ]);
    expect(lines({ action: ChaosAction.podKill(), schedule: ChaosSchedule.daily({}, { historyLimit: Infinity }) })).toEqual([
      '[test/exp] schedule.historyLimit: experiment "exp": Infinity is not a positive whole number. Fix: keep at least one finished run, such as 3.',
    ]);
  });
});

describe('workflow cycles', () => {
  test('a stage that contains itself, directly or deeper, is a cycle with a message, not a stack overflow', () => {
    const children: WorkflowStep[] = [WorkflowStep.suspend('settle', Duration.seconds(30))];
    const loop = WorkflowStep.serial('loop', children);
    children.push(loop);
    expect(
      validationError((s) => new ChaosWorkflow(s, 'wf', { entry: loop }))
        .message.split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual([
      '[test/wf] steps.loop: step "loop" contains itself ("loop" -> "loop"), so the workflow could never finish. Fix: remove the step from its own children (build a new step for an inner stage).',
    ]);
    const inner: WorkflowStep[] = [];
    const outer = WorkflowStep.parallel('outer', [WorkflowStep.serial('middle', inner)]);
    inner.push(
      WorkflowStep.task('decide', { container: { name: 'decide', image: 'busybox:1.36' }, branches: [{ when: 'exitCode == 1', then: outer }] }),
    );
    const err = validationError((s) => new ChaosWorkflow(s, 'wf', { entry: outer }));
    expect(err.message).toContain(
      '[test/wf] steps.outer: step "outer" contains itself ("outer" -> "middle" -> "decide" -> "outer"), so the workflow could never finish. Fix: remove the step from its own children (build a new step for an inner stage).',
    );
  });
});
