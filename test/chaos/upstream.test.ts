import { Duration, Testing } from 'cdk8s';
import {
  ChaosAction,
  ChaosExperiment,
  ChaosKind,
  HttpTarget,
  ChaosMode,
  ChaosSchedule,
  ChaosTarget,
  ChaosWorkflow,
  GoDuration,
  MemorySize,
  PhysicalMachine,
  RemoteCluster,
  StatusCheck,
  StatusCheckMode,
  WorkflowStep,
  workflowProblems,
} from '../../src';
import { expectValidManifests } from '../support/schema';
import { Json, newChart, specOf, synthExperiment, validationError } from './helpers';

const shop = ChaosTarget.labels('shop', { app: 'checkout' });
const base = { target: shop, duration: Duration.minutes(3) };
const sel = { namespaces: ['shop'], labelSelectors: { app: 'checkout' } };

function synthWorkflow(entry: WorkflowStep): Json {
  const chart = newChart();
  new ChaosWorkflow(chart, 'wf', { entry });
  const objs = Testing.synth(chart);
  expectValidManifests(objs);
  return objs[0].spec;
}

describe('JVMChaos', () => {
  const m = { className: 'com.acme.shop.CartService', method: 'checkout', containerNames: ['app'] };
  test.each([
    [
      'exception',
      ChaosAction.jvmException({ ...m, exception: 'java.io.IOException("disk gone")', port: 9288 }),
      { action: 'exception', class: m.className, method: 'checkout', exception: 'java.io.IOException("disk gone")', port: 9288 },
    ],
    [
      'return',
      ChaosAction.jvmReturn({ ...m, value: '"out-of-stock"' }),
      { action: 'return', class: m.className, method: 'checkout', value: '"out-of-stock"' },
    ],
    [
      'latency',
      ChaosAction.jvmLatency({ ...m, latency: Duration.millis(750), ruleName: 'slow-checkout' }),
      { action: 'latency', class: m.className, method: 'checkout', latency: 750, name: 'slow-checkout' },
    ],
    ['stress cpu', ChaosAction.jvmStress({ cpuCount: 2, containerNames: ['app'] }), { action: 'stress', cpuCount: 2 }],
    ['stress heap', ChaosAction.jvmStress({ memoryType: 'heap', pid: 1 }), { action: 'stress', memType: 'heap', pid: 1 }],
    ['gc', ChaosAction.jvmGc(), { action: 'gc' }],
    [
      'rule data',
      ChaosAction.jvmRuleData({ ruleData: 'RULE slow\nCLASS com.acme.Db\nMETHOD query\nAT ENTRY\nIF true\nDO Thread.sleep(500)\nENDRULE' }),
      { action: 'ruleData', ruleData: expect.stringContaining('ENDRULE') },
    ],
    [
      'mysql',
      ChaosAction.jvmMysql({ mysqlConnectorVersion: '8', database: 'orders', table: 'payments', sqlType: 'select', latency: Duration.seconds(2) }),
      { action: 'mysql', mysqlConnectorVersion: '8', database: 'orders', table: 'payments', sqlType: 'select', latency: 2000 },
    ],
  ])('%s', (_name, action, expected) => {
    const spec = specOf(synthExperiment({ ...base, action }), 'JVMChaos');
    expect(spec).toMatchObject({ ...expected, mode: 'one', duration: '3m', selector: sel });
  });

  test('problems: class and method names, exactly one stress kind, one MySQL effect, a complete rule', () => {
    const err = validationError(
      (s) =>
        new ChaosExperiment(s, 'exp', {
          ...base,
          action: ChaosAction.jvmLatency({ className: 'not a class', method: 'checkout()', latency: Duration.millis(100), port: 70000 }),
        }),
    );
    expect(err.problems.map((p) => p.field)).toEqual(['action.className', 'action.method', 'action.port']);
    expect(validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.jvmStress({}) })).message).toMatch(
      /neither cpuCount nor memoryType/,
    );
    expect(
      validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.jvmMysql({ mysqlConnectorVersion: '5' }) })).message,
    ).toMatch(/exactly one of exception and latency/);
    expect(
      validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.jvmRuleData({ ruleData: 'sleep' }) })).message,
    ).toMatch(/no RULE \.\.\. ENDRULE block/);
  });
});

describe('BlockChaos', () => {
  test('delay of a block volume', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.blockDelay({ volumeName: 'db-data', latency: Duration.millis(40), jitter: Duration.millis(5), correlation: 50 }),
      }),
      'BlockChaos',
    );
    expect(spec).toEqual({
      action: 'delay',
      volumeName: 'db-data',
      delay: { latency: '40ms', jitter: '5ms', correlation: '50' },
      mode: 'one',
      duration: '3m',
      selector: sel,
    });
  });
});

describe('PhysicalMachineChaos and PhysicalMachine', () => {
  test('typed parameters of any action, machines selected by name, objects in chaos-mesh with the opt-in', () => {
    const chart = newChart();
    new PhysicalMachine(chart, 'db-host-1', {
      address: 'https://10.20.0.11:31768',
      namespace: 'chaos-mesh',
      allowChaosMeshNamespace: true,
      labels: { role: 'db' },
    });
    new ChaosExperiment(chart, 'db-host-latency', {
      action: ChaosAction.physicalMachine('network-delay', {
        networkDelay: { device: 'eth0', latency: '150ms', jitter: '10ms', ipAddress: '10.20.0.0/16' },
      }),
      target: ChaosTarget.physicalMachines('chaos-mesh', ['db-host-1']),
      namespace: 'chaos-mesh',
      allowChaosMeshNamespace: true,
      duration: Duration.minutes(5),
    });
    new ChaosExperiment(chart, 'db-host-cpu', {
      action: ChaosAction.physicalMachine('stress-cpu', { stressCpu: { workers: 2, load: 70 } }),
      target: ChaosTarget.labels('machines', { role: 'db' }),
      duration: Duration.minutes(2),
    });
    new ChaosExperiment(chart, 'kill-by-address', {
      action: ChaosAction.physicalMachine('process', { process: { process: 'postgres', signal: 9 }, address: ['https://10.20.0.12:31768'] }),
      duration: Duration.seconds(30),
    });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0]).toMatchObject({
      kind: 'PhysicalMachine',
      metadata: { name: 'db-host-1', namespace: 'chaos-mesh', labels: { role: 'db' } },
      spec: { address: 'https://10.20.0.11:31768' },
    });
    expect(objs[1].metadata.namespace).toBe('chaos-mesh');
    expect(objs[1].spec).toEqual({
      action: 'network-delay',
      'network-delay': { device: 'eth0', latency: '150ms', jitter: '10ms', 'ip-address': '10.20.0.0/16' },
      selector: { namespaces: ['chaos-mesh'], physicalMachines: { 'chaos-mesh': ['db-host-1'] } },
      mode: 'one',
      duration: '5m',
    });
    expect(objs[2].spec['stress-cpu']).toEqual({ workers: 2, load: 70 });
    expect(objs[3].spec).toEqual({
      action: 'process',
      process: { process: 'postgres', signal: 9 },
      address: ['https://10.20.0.12:31768'],
      selector: {},
      mode: 'one',
      duration: '30s',
    });
    expect(objs).toHaveLength(4);
  });

  test('the chaos-mesh namespace stays protected without the opt-in, and the opt-in is only for physical machines', () => {
    const pm = ChaosAction.physicalMachine('clock', { clock: { pid: 1, timeOffset: '-5m' } });
    expect(
      validationError(
        (s) =>
          new ChaosExperiment(s, 'exp', { action: pm, target: ChaosTarget.physicalMachines('chaos-mesh', ['m1']), duration: Duration.minutes(1) }),
      ).message,
    ).toMatch(/breaks rule protected-namespace: namespace "chaos-mesh" is protected/);
    expect(
      validationError(
        (s) =>
          new ChaosExperiment(s, 'exp', {
            ...base,
            action: ChaosAction.podFailure(),
            target: ChaosTarget.labels('chaos-mesh', { app: 'x' }),
            allowChaosMeshNamespace: true,
          }),
      ).message,
    ).toMatch(/allowChaosMeshNamespace: experiment "exp": the opt-in is only for PhysicalMachineChaos, not PodChaos/);
    expect(validationError((s) => new PhysicalMachine(s, 'm', { address: 'https://10.0.0.1:31768', namespace: 'chaos-mesh' })).message).toMatch(
      /namespace: "chaos-mesh" is protected/,
    );
    expect(validationError((s) => new PhysicalMachine(s, 'm', { address: '10.0.0.1' })).message).toMatch(
      /address: chaosd address "10.0.0.1" is not an http\(s\) URL/,
    );
  });

  test('an action needs its own parameter block and no other', () => {
    const err = validationError(
      (s) =>
        new ChaosExperiment(s, 'exp', {
          ...base,
          target: ChaosTarget.physicalMachines('machines', ['m1']),
          action: ChaosAction.physicalMachine('network-loss', { networkDelay: { latency: '1s' } }),
        }),
    );
    expect(err.problems.map((p) => `${p.field}: ${p.problem}`)).toEqual([
      'action.networkLoss: experiment "exp": action "network-loss" needs its parameters in "networkLoss"',
      'action.networkDelay: experiment "exp": "networkDelay" does not belong to action "network-loss"',
    ]);
  });
});

describe('RemoteCluster and remoteCluster on every kind', () => {
  const one: Record<ChaosKind, ChaosAction> = {
    PodChaos: ChaosAction.podFailure(),
    NetworkChaos: ChaosAction.networkLoss({ percent: 5 }),
    StressChaos: ChaosAction.stressCpu(),
    IOChaos: ChaosAction.ioLatency({ volumePath: '/data', delay: Duration.millis(20) }),
    TimeChaos: ChaosAction.timeShift({ offset: Duration.minutes(5) }),
    DNSChaos: ChaosAction.dnsError({ patterns: ['api.example.com'] }),
    HTTPChaos: ChaosAction.httpAbort({ port: 8080 }),
    JVMChaos: ChaosAction.jvmGc(),
    BlockChaos: ChaosAction.blockDelay({ volumeName: 'data', latency: Duration.millis(10) }),
    PhysicalMachineChaos: ChaosAction.physicalMachine('stress-mem', { stressMem: { size: '1GB' } }),
    KernelChaos: ChaosAction.kernelFailRequest({ failType: 'slab', probability: 10 }),
    AWSChaos: ChaosAction.awsEc2Stop({ region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' }),
    GCPChaos: ChaosAction.gcpNodeStop({ project: 'shop-staging', zone: 'europe-west1-b', instance: 'shop-node-1' }),
    AzureChaos: ChaosAction.azureVmStop({
      subscriptionId: '6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b',
      resourceGroup: 'shop-rg',
      vmName: 'shop-vm-1',
      credentialsSecret: 'azure-sp',
    }),
  };

  test('a RemoteCluster object, and every chaos kind (alone, scheduled, in a workflow) runs there', () => {
    const chart = newChart();
    const remote = new RemoteCluster(chart, 'edge-eu-1', {
      kubeconfig: { name: 'edge-eu-1-kubeconfig', namespace: 'chaos-testing' },
      version: '2.8.3',
      configOverride: { dashboard: { create: false } },
    });
    for (const [kind, action] of Object.entries(one)) {
      const target = kind === 'PhysicalMachineChaos' ? ChaosTarget.physicalMachines('machines', ['m1']) : action.selectsPods ? shop : undefined;
      new ChaosExperiment(chart, kind.toLowerCase(), { action, target, duration: Duration.minutes(2), remoteCluster: remote });
      new ChaosExperiment(chart, `${kind.toLowerCase()}-weekly`, {
        action,
        target,
        duration: Duration.minutes(2),
        remoteCluster: 'edge-eu-1',
        schedule: ChaosSchedule.daily({ hour: 4 }),
      });
    }
    new ChaosWorkflow(chart, 'remote-wf', {
      entry: WorkflowStep.serial('main', [
        WorkflowStep.experiment('remote-loss', { action: one.NetworkChaos, target: shop, duration: Duration.minutes(1), remoteCluster: remote }),
      ]),
    });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0]).toEqual({
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'RemoteCluster',
      metadata: { name: 'edge-eu-1', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience', 'app.kubernetes.io/part-of': 'chaos' } },
      spec: {
        namespace: 'chaos-mesh',
        version: '2.8.3',
        kubeConfig: { secretRef: { name: 'edge-eu-1-kubeconfig', namespace: 'chaos-testing', key: 'kubeconfig' } },
        configOverride: { dashboard: { create: false } },
      },
    });
    const kinds = Object.keys(one);
    for (const kind of kinds) {
      expect(objs.find((o: Json) => o.kind === kind).spec.remoteCluster).toBe('edge-eu-1');
      const sched = objs.find((o: Json) => o.kind === 'Schedule' && o.spec.type === kind);
      const key =
        kind === 'PhysicalMachineChaos'
          ? 'physicalmachineChaos'
          : kind === 'IOChaos'
            ? 'ioChaos'
            : kind === 'DNSChaos'
              ? 'dnsChaos'
              : kind === 'HTTPChaos'
                ? 'httpChaos'
                : kind === 'JVMChaos'
                  ? 'jvmChaos'
                  : ['AWSChaos', 'GCPChaos'].includes(kind)
                    ? kind.slice(0, 3).toLowerCase() + 'Chaos'
                    : kind[0].toLowerCase() + kind.slice(1);
      expect(sched.spec[key].remoteCluster).toBe('edge-eu-1');
    }
    expect(objs.find((o: Json) => o.kind === 'Workflow').spec.templates[1].networkChaos.remoteCluster).toBe('edge-eu-1');
  });

  test('RemoteCluster problems', () => {
    const err = validationError((s) => new RemoteCluster(s, 'Edge', { kubeconfig: { name: 'k', namespace: 'Bad_Ns' }, version: 'latest' }));
    expect(err.problems.map((p) => p.field)).toEqual(['name', 'kubeconfig.namespace', 'version']);
  });
});

describe('standalone StatusCheck', () => {
  test('synchronous with headers and a status range; continuous with and without a duration', () => {
    const chart = newChart();
    new StatusCheck(chart, 'checkout-health', {
      url: 'https://checkout.shop.svc:8443/healthz',
      headers: { Authorization: ['Bearer token'] },
      expectStatus: { from: 200, to: 299 },
      interval: Duration.seconds(10),
      timeout: Duration.seconds(3),
      failureThreshold: 2,
      successThreshold: 3,
      recordsHistoryLimit: 50,
      duration: Duration.seconds(400),
    });
    new StatusCheck(chart, 'watch', { url: 'http://cart.shop.svc/health', mode: StatusCheckMode.continuous(), duration: Duration.minutes(10) });
    new StatusCheck(chart, 'watch-forever', { url: 'http://cart.shop.svc/health', mode: StatusCheckMode.continuousUntilStopped() });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0].spec).toEqual({
      type: 'HTTP',
      duration: '400s',
      intervalSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 2,
      successThreshold: 3,
      recordsHistoryLimit: 50,
      http: { url: 'https://checkout.shop.svc:8443/healthz', headers: { Authorization: ['Bearer token'] }, criteria: { statusCode: '200-299' } },
    });
    expect(objs[1].spec).toEqual({
      mode: 'Continuous',
      type: 'HTTP',
      duration: '10m',
      http: { url: 'http://cart.shop.svc/health', criteria: { statusCode: '200' } },
    });
    expect(objs[2].spec.mode).toBe('Continuous');
    expect(objs[2].spec.duration).toBeUndefined();
    const err = validationError(
      (s) => new StatusCheck(s, 'bad', { url: 'cart/health', expectStatus: 700, recordsHistoryLimit: 0, interval: Duration.millis(500) }),
    );
    expect(err.problems.map((p) => p.field)).toEqual(['url', 'expectStatus', 'interval', 'recordsHistoryLimit']);
  });
});

describe('more fields and actions', () => {
  test('StressChaos: stress-ng options, oomScoreAdj, a combined stress and raw stress-ng stressors', () => {
    const mem = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.stressMemory({ size: MemorySize.gigabytes(1), oomScoreAdj: -1000, options: ['--vm-hang', '0'] }),
      }),
      'StressChaos',
    );
    expect(mem.stressors).toEqual({ memory: { workers: 1, size: '1GB', oomScoreAdj: -1000, options: ['--vm-hang', '0'] } });
    const cpu = specOf(
      synthExperiment({ ...base, action: ChaosAction.stressCpu({ workers: 2, load: 50, options: ['--cpu-method', 'matrixprod'] }) }),
      'StressChaos',
    );
    expect(cpu.stressors.cpu).toEqual({ workers: 2, load: 50, options: ['--cpu-method', 'matrixprod'] });
    const both = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.stress({
          cpu: { workers: 1, load: 30 },
          memory: { size: MemorySize.percent(40) },
          stressngStressors: '--hdd 1 --hdd-bytes 256M',
          containerNames: ['app'],
        }),
      }),
      'StressChaos',
    );
    expect(both).toMatchObject({
      stressors: { cpu: { workers: 1, load: 30 }, memory: { workers: 1, size: '40%' } },
      stressngStressors: '--hdd 1 --hdd-bytes 256M',
      containerNames: ['app'],
    });
    const ng = specOf(synthExperiment({ ...base, action: ChaosAction.stress({ stressngStressors: '--sock 2' }) }), 'StressChaos');
    expect(ng).toEqual({ stressngStressors: '--sock 2', mode: 'one', duration: '3m', selector: sel });
    expect(validationError((s) => new ChaosExperiment(s, 'e', { ...base, action: ChaosAction.stressMemory({ oomScoreAdj: 2000 }) })).message).toMatch(
      /action.oomScoreAdj: experiment "e": 2000 is outside -1000 to 1000/,
    );
    expect(validationError((s) => new ChaosExperiment(s, 'e', { ...base, action: ChaosAction.stress({}) })).message).toMatch(
      /the stress has no stressor/,
    );
  });

  test('NetworkChaos netem: delay, loss, duplicate, corrupt and rate in one object', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkNetem({
          delay: { latency: Duration.millis(80), jitter: Duration.millis(20), correlation: 10 },
          loss: { percent: 2 },
          duplicate: { percent: 1, correlation: 5 },
          corrupt: { percent: 0.5 },
        }),
      }),
      'NetworkChaos',
    );
    expect(spec).toEqual({
      action: 'netem',
      direction: 'to',
      mode: 'one',
      duration: '3m',
      selector: sel,
      delay: { latency: '80ms', jitter: '20ms', correlation: '10' },
      loss: { loss: '2' },
      duplicate: { duplicate: '1', correlation: '5' },
      corrupt: { corrupt: '0.5' },
    });
    expect(validationError((s) => new ChaosExperiment(s, 'e', { ...base, action: ChaosAction.networkNetem({}) })).message).toMatch(
      /the netem fault changes nothing/,
    );
  });

  test('HTTPChaos on an HTTPS port, responses by status code; NetworkChaos peer device', () => {
    const http = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.httpReplace({
          port: 8443,
          target: HttpTarget.response(),
          statusCode: 200,
          code: 503,
          tls: { secretName: 'checkout-tls', secretNamespace: 'shop', caName: 'ca.crt' },
        }),
      }),
      'HTTPChaos',
    );
    const q = specOf(synthExperiment({ ...base, action: ChaosAction.httpReplace({ port: 80, replaceQueries: { page: '1' } }) }), 'HTTPChaos');
    expect(q.replace).toEqual({ queries: { page: '1' } });
    expect(http).toMatchObject({
      target: 'Response',
      port: 8443,
      code: 200,
      replace: { code: 503 },
      tls: { secretName: 'checkout-tls', secretNamespace: 'shop', certName: 'tls.crt', keyName: 'tls.key', caName: 'ca.crt' },
    });
    expect(
      validationError((s) => new ChaosExperiment(s, 'e', { ...base, action: ChaosAction.httpAbort({ port: 80, statusCode: 500 }) })).message,
    ).toMatch(/a status code selects responses, but the target is requests/);
    const net = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkDelay({
          latency: Duration.millis(30),
          peers: ChaosTarget.labels('shop', { app: 'db' }),
          device: 'eth0',
          peersDevice: 'eth1',
        }),
      }),
      'NetworkChaos',
    );
    expect(net).toMatchObject({
      device: 'eth0',
      targetDevice: 'eth1',
      target: { mode: 'all', selector: { namespaces: ['shop'], labelSelectors: { app: 'db' } } },
    });
  });

  test('TimeChaos: offsets below a millisecond as Go durations, written as given', () => {
    const back = specOf(synthExperiment({ ...base, action: ChaosAction.timeShift({ offset: GoDuration.parse('-10m100ns') }) }), 'TimeChaos');
    expect(back.timeOffset).toBe('-10m100ns');
    const fwd = specOf(
      synthExperiment({ ...base, action: ChaosAction.timeShift({ offset: GoDuration.parse('250us'), backwards: true }) }),
      'TimeChaos',
    );
    expect(fwd.timeOffset).toBe('-250us');
    expect(GoDuration.parse('-10m100ns').nanoseconds).toBe(-(600e9 + 100));
    expect(() => GoDuration.parse('10 minutes')).toThrow(/"10 minutes" is not a Go duration/);
    expect(
      validationError((s) => new ChaosExperiment(s, 'e', { ...base, action: ChaosAction.timeShift({ offset: GoDuration.parse('0') }) })).message,
    ).toMatch(/the offset is zero/);
  });
});

describe('workflow steps', () => {
  test('a continuous status check without a forced duration', () => {
    const spec = synthWorkflow(
      WorkflowStep.parallel('p', [
        WorkflowStep.experiment('cpu', { action: ChaosAction.stressCpu(), target: shop, duration: Duration.minutes(2) }),
        WorkflowStep.statusCheck('watch', {
          url: 'http://checkout.shop.svc/health',
          mode: StatusCheckMode.continuousUntilStopped(),
          deadline: Duration.minutes(2),
        }),
        WorkflowStep.statusCheck('watch-90s', {
          url: 'http://checkout.shop.svc/health',
          mode: StatusCheckMode.continuous(),
          duration: Duration.seconds(90),
          deadline: Duration.minutes(2),
        }),
      ]),
    );
    expect(spec.templates[2].statusCheck.mode).toBe('Continuous');
    expect(spec.templates[2].statusCheck.duration).toBeUndefined();
    expect(spec.templates[3].statusCheck.duration).toBe('90s');
  });

  test('a status check step can write only what is given', () => {
    const spec = synthWorkflow(
      WorkflowStep.statusCheck('probe', {
        url: 'http://checkout.shop.svc/health',
        mode: StatusCheckMode.continuousUntilStopped(),
        method: 'GET',
        explicitDefaults: false,
        deadline: Duration.seconds(20),
      }),
    );
    expect(spec.templates[0]).toEqual({
      name: 'probe',
      templateType: 'StatusCheck',
      deadline: '20s',
      abortWithStatusCheck: true,
      statusCheck: {
        mode: 'Continuous',
        type: 'HTTP',
        http: { url: 'http://checkout.shop.svc/health', method: 'GET', criteria: { statusCode: '200' } },
      },
    });
  });

  test('a Task with conditional branches, a Schedule step, and a Suspend', () => {
    const spec = synthWorkflow(
      WorkflowStep.serial(
        'main',
        [
          WorkflowStep.task('pick', {
            container: {
              name: 'probe',
              image: 'curlimages/curl:8.10.1',
              command: ['sh', '-c', 'curl -fs http://checkout.shop.svc/mode'],
              env: { TARGET: 'checkout' },
            },
            deadline: Duration.minutes(1),
            branches: [
              {
                when: 'exitCode == 0 && stdout == "busy"',
                then: WorkflowStep.experiment('light-cpu', {
                  action: ChaosAction.stressCpu({ load: 20 }),
                  target: shop,
                  duration: Duration.minutes(2),
                }),
              },
              { when: 'exitCode != 0', then: WorkflowStep.suspend('skip', Duration.seconds(240)) },
            ],
          }),
          WorkflowStep.schedule('kill-every-5m', {
            action: ChaosAction.podKill(),
            target: shop,
            duration: Duration.seconds(30),
            schedule: ChaosSchedule.cron('*/5 * * * *'),
            deadline: Duration.minutes(20),
          }),
        ],
        { deadline: Duration.minutes(30) },
      ),
    );
    const byName = Object.fromEntries(spec.templates.map((t: Json) => [t.name, t]));
    expect(byName.main).toEqual({ name: 'main', templateType: 'Serial', children: ['pick', 'kill-every-5m'], deadline: '30m' });
    expect(byName.pick).toEqual({
      name: 'pick',
      templateType: 'Task',
      deadline: '1m',
      task: {
        container: {
          name: 'probe',
          image: 'curlimages/curl:8.10.1',
          command: ['sh', '-c', 'curl -fs http://checkout.shop.svc/mode'],
          env: [{ name: 'TARGET', value: 'checkout' }],
        },
      },
      conditionalBranches: [
        { target: 'light-cpu', expression: 'exitCode == 0 && stdout == "busy"' },
        { target: 'skip', expression: 'exitCode != 0' },
      ],
    });
    expect(byName.skip).toEqual({ name: 'skip', templateType: 'Suspend', deadline: '240s' });
    expect(byName['kill-every-5m']).toEqual({
      name: 'kill-every-5m',
      templateType: 'Schedule',
      deadline: '20m',
      schedule: {
        schedule: '*/5 * * * *',
        concurrencyPolicy: 'Forbid',
        historyLimit: 3,
        type: 'PodChaos',
        podChaos: { action: 'pod-kill', mode: 'one', duration: '30s', selector: sel },
      },
    });
  });

  test('a Task without a deadline is fine alone, but a stage holding it needs its own', () => {
    const task = WorkflowStep.task('t', { container: { name: 'c', image: 'busybox:1.36', command: ['true'] } });
    expect(synthWorkflow(task).templates[0].deadline).toBeUndefined();
    expect(validationError((s) => new ChaosWorkflow(s, 'wf', { entry: WorkflowStep.serial('main', [task]) })).message).toMatch(
      /templates.main.deadline: workflow "wf": Serial step "main" is unbounded/,
    );
  });

  test('WorkflowStep.of carries task, schedule and conditionalBranches; branch targets must exist', () => {
    const spec = synthWorkflow(
      WorkflowStep.of(
        {
          name: 'raw-task',
          templateType: 'Task',
          deadline: '2m',
          task: { container: { name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo go'] } },
          conditionalBranches: [{ target: 'later', expression: 'stdout == "go"' }],
        },
        [
          WorkflowStep.of({
            name: 'later',
            templateType: 'Schedule',
            deadline: '5m',
            schedule: {
              schedule: '@every 1m',
              type: 'PodChaos',
              concurrencyPolicy: 'Forbid',
              historyLimit: 1,
              podChaos: { action: 'pod-kill' as never, mode: 'one' as never, selector: sel },
            },
          }),
        ],
      ),
    );
    expect(spec.templates[0].conditionalBranches).toEqual([{ target: 'later', expression: 'stdout == "go"' }]);
    expect(spec.templates[1].schedule.podChaos.action).toBe('pod-kill');
    const { problems } = workflowProblems('wf', {
      entry: 't',
      templates: [
        { name: 't', templateType: 'Task', task: { container: { name: 'c', image: 'x' } }, conditionalBranches: [{ target: 'ghost' }] },
        { name: 's', templateType: 'Schedule', deadline: '1m' },
      ],
    });
    expect(problems.map((p) => p.problem)).toEqual([
      'workflow "wf": branch target "ghost" of "t" is not one of the templates',
      'workflow "wf": Schedule step "s" has no schedule',
    ]);
  });

  test('the modes of an instantaneous fault in a scheduled step keep the guardrails', () => {
    const err = validationError(
      (s) =>
        new ChaosWorkflow(s, 'wf', {
          entry: WorkflowStep.schedule('all-pods', {
            action: ChaosAction.podKill(),
            target: shop,
            mode: ChaosMode.all(),
            duration: Duration.seconds(10),
            schedule: ChaosSchedule.cron('* * * * *'),
            deadline: Duration.minutes(5),
          }),
        }),
    );
    expect(err.message).toMatch(/steps.all-pods.mode: experiment "all-pods" breaks rule small-blast-radius/);
  });
});
