import { Duration, Testing } from 'cdk8s';
import {
  Bandwidth,
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosPlatform,
  ChaosSchedule,
  ChaosTarget,
  LitmusProbe,
  LitmusProbeMode,
  MemorySize,
  NetworkDirection,
  renderLitmus,
  setChaosDefaults,
} from '../../src/chaos';
import { expectValidManifests } from '../support/schema';
import { Json, newChart, specOf, synthExperiment, validationError } from './helpers';

const demo = ChaosTarget.labels('team-alpha', { app: 'demo-app' });
const base = { target: demo, duration: Duration.seconds(60), platform: ChaosPlatform.litmus() };

function env(objs: Json[]): Record<string, string> {
  const e = specOf(objs, 'ChaosEngine').experiments[0].spec.components.env as Array<{ name: string; value: string }>;
  return Object.fromEntries(e.map((x) => [x.name, x.value]));
}

describe('Litmus rendering', () => {
  test('pod-kill becomes a pod-delete ChaosEngine with a probe, a service account and RBAC in the app namespace', () => {
    const objs = synthExperiment({ ...base, action: ChaosAction.podKill(), mode: ChaosMode.fixedPercent(50) });
    expect(objs.map((o) => o.kind)).toEqual(['ChaosEngine', 'ServiceAccount', 'Role', 'RoleBinding']);
    expect(objs.every((o) => o.metadata.namespace === 'team-alpha')).toBe(true);
    const spec = specOf(objs, 'ChaosEngine');
    expect(spec.appinfo).toEqual({ appns: 'team-alpha', applabel: 'app=demo-app', appkind: 'deployment' });
    expect(spec.engineState).toBe('active');
    expect(spec.chaosServiceAccount).toBe('exp-sa');
    expect(spec.experiments[0].name).toBe('pod-delete');
    expect(env(objs)).toEqual({ TOTAL_CHAOS_DURATION: '60', PODS_AFFECTED_PERC: '50', FORCE: 'true' });
    const probes = spec.experiments[0].spec.probe;
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ type: 'k8sProbe', mode: 'Edge', runProperties: { probeTimeout: '5s', interval: '2s', retry: 1 } });
    expect(probes[0]['k8sProbe/inputs']).toEqual({
      group: '',
      version: 'v1',
      resource: 'pods',
      namespace: 'team-alpha',
      labelSelector: 'app=demo-app',
      operation: 'present',
    });
    const binding = objs.find((o) => o.kind === 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exp-sa' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'exp-sa', namespace: 'team-alpha' }]);
    const role = objs.find((o) => o.kind === 'Role');
    expect(role.rules).toContainEqual({
      apiGroups: ['litmuschaos.io'],
      resources: ['chaosengines', 'chaosexperiments', 'chaosresults'],
      verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'],
    });
  });

  test('probe run properties are duration strings; HTTP probe', () => {
    const objs = synthExperiment({
      ...base,
      action: ChaosAction.podKill(),
      litmus: {
        probes: [
          LitmusProbe.http({
            name: 'health',
            url: 'http://demo-app:8080/health',
            timeout: Duration.seconds(3),
            interval: Duration.seconds(1),
            retry: 2,
            mode: LitmusProbeMode.onChaos(),
          }),
        ],
      },
    });
    const probe = specOf(objs, 'ChaosEngine').experiments[0].spec.probe[0];
    expect(probe).toEqual({
      name: 'health',
      type: 'httpProbe',
      'httpProbe/inputs': { url: 'http://demo-app:8080/health', method: { get: { criteria: '==', responseCode: '200' } } },
      mode: 'OnChaos',
      runProperties: { probeTimeout: '3s', interval: '1s', retry: 2 },
    });
  });

  test.each([
    ['container-kill', ChaosAction.containerKill({ containerNames: ['app'] }), { TARGET_CONTAINER: 'app', SIGNAL: 'SIGKILL' }],
    [
      'pod-network-latency',
      ChaosAction.networkDelay({ latency: Duration.millis(100), jitter: Duration.millis(10) }),
      { NETWORK_LATENCY: '100', JITTER: '10' },
    ],
    [
      'pod-network-loss',
      ChaosAction.networkLoss({ percent: 10, externalTargets: ['api.example.com'] }),
      { NETWORK_PACKET_LOSS_PERCENTAGE: '10', DESTINATION_HOSTS: 'api.example.com' },
    ],
    ['pod-network-corruption', ChaosAction.networkCorrupt({ percent: 5 }), { NETWORK_PACKET_CORRUPTION_PERCENTAGE: '5' }],
    ['pod-network-duplication', ChaosAction.networkDuplicate({ percent: 7 }), { NETWORK_PACKET_DUPLICATION_PERCENTAGE: '7' }],
    ['pod-cpu-hog', ChaosAction.stressCpu({ workers: 2, load: 80 }), { CPU_CORES: '2', CPU_LOAD: '80' }],
    [
      'pod-memory-hog',
      ChaosAction.stressMemory({ workers: 2, size: MemorySize.megabytes(500) }),
      { MEMORY_CONSUMPTION: '500', NUMBER_OF_WORKERS: '2' },
    ],
    [
      'pod-dns-error',
      ChaosAction.dnsError({ patterns: ['api.example.com'] }),
      { TARGET_HOSTNAMES: '["api.example.com"]', MATCH_SCHEME: 'substring' },
    ],
    ['pod-http-latency', ChaosAction.httpDelay({ port: 8080, delay: Duration.millis(300) }), { LATENCY: '300', TARGET_SERVICE_PORT: '8080' }],
    ['pod-http-reset-peer', ChaosAction.httpAbort({ port: 8080 }), { TARGET_SERVICE_PORT: '8080' }],
    ['pod-http-status-code', ChaosAction.httpReplace({ port: 8080, code: 503 }), { STATUS_CODE: '503', TARGET_SERVICE_PORT: '8080' }],
  ])('%s: the fault and its tunables', (fault, action, tunables) => {
    const objs = synthExperiment({ ...base, action });
    expect(specOf(objs, 'ChaosEngine').experiments[0].name).toBe(fault);
    expect(env(objs)).toEqual({ TOTAL_CHAOS_DURATION: '60', ...tunables });
  });

  test.each([
    ['pod-failure', ChaosAction.podFailure()],
    ['network-bandwidth', ChaosAction.networkBandwidth({ rate: Bandwidth.mbps(1) })],
    ['network-partition', ChaosAction.networkPartition({ peers: demo })],
    ['time-shift', ChaosAction.timeShift({ offset: Duration.minutes(5) })],
    ['io-latency', ChaosAction.ioLatency({ volumePath: '/data', delay: Duration.millis(10) })],
    ['dns-random', ChaosAction.dnsRandom({ patterns: ['a.example.com'] })],
    ['http-patch', ChaosAction.httpPatch({ port: 80, queries: [['a', 'b']] })],
  ])('%s has no Litmus equivalent: a clear synth error', (name, action) => {
    const err = validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action, allowFullBlastRadius: true }));
    expect(err.message).toContain(`[test/exp] platform: experiment "exp" cannot run on Litmus: the ${name} fault has no Litmus equivalent`);
    expect(err.message).toContain('Fix: render this experiment with ChaosPlatform.chaosMesh().');
  });

  test('network faults with peers or other directions do not map', () => {
    const err = validationError(
      (s) =>
        new ChaosExperiment(s, 'exp', {
          ...base,
          action: ChaosAction.networkDelay({ latency: Duration.millis(1), direction: NetworkDirection.both() }),
        }),
    );
    expect(err.message).toMatch(/egress traffic only/);
  });

  test('targets Litmus cannot express are rejected', () => {
    expect(
      validationError(
        (s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.podKill(), target: ChaosTarget.pods('team-alpha', ['a-0']) }),
      ).message,
    ).toMatch(/Litmus selects pods by labels only/);
    expect(
      validationError(
        (s) =>
          new ChaosExperiment(s, 'exp', {
            ...base,
            action: ChaosAction.podKill(),
            target: ChaosTarget.selector({ namespaces: ['a', 'b'], labels: { app: 'x' } }),
          }),
      ).message,
    ).toMatch(/one application namespace, but the target reaches 2/);
    expect(
      validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.podKill(), mode: ChaosMode.fixed(2) })).message,
    ).toMatch(/mode: .*percentage, not a count/);
  });

  test('both platforms: the Chaos Mesh object and the engine, exactly one of them active', () => {
    const objs = synthExperiment({ ...base, action: ChaosAction.podKill(), platform: ChaosPlatform.chaosMeshWithLitmusStandby() });
    expect(objs.map((o) => o.kind)).toEqual(['PodChaos', 'ChaosEngine', 'ServiceAccount', 'Role', 'RoleBinding']);
    expect(objs[0].metadata.annotations).toBeUndefined();
    expect(objs[1].spec.engineState).toBe('stop');
    const other = synthExperiment({ ...base, action: ChaosAction.podKill(), platform: ChaosPlatform.litmusWithChaosMeshStandby() });
    expect(other[0].metadata.annotations).toEqual({ 'experiment.chaos-mesh.org/pause': 'true' });
    expect(other[1].spec.engineState).toBe('active');
  });

  test('both tools active is a synth error naming the choices', () => {
    const err = validationError((s) => new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.podKill(), platform: ChaosPlatform.both() }));
    expect(err.message).toBe(
      '1 problem in test/exp:\n  [test/exp] platform: experiment "exp": ChaosPlatform.both() renders an active Chaos Mesh object and an active Litmus ChaosEngine, so applying them runs the pod-kill fault twice. ' +
        'Fix: choose the tool that runs it: ChaosPlatform.chaosMeshWithLitmusStandby() or ChaosPlatform.litmusWithChaosMeshStandby() (the other is rendered inactive), or one tool alone.',
    );
  });

  test('a schedule cannot start a Litmus engine', () => {
    const err = validationError(
      (s) =>
        new ChaosExperiment(s, 'exp', { ...base, action: ChaosAction.podKill(), platform: ChaosPlatform.both(), schedule: ChaosSchedule.daily() }),
    );
    expect(err.message).toContain('[test/exp] schedule: experiment "exp": a Chaos Mesh Schedule cannot start a Litmus ChaosEngine');
  });

  test('the platform can be chosen per chart', () => {
    const chart = newChart();
    setChaosDefaults(chart, { platform: ChaosPlatform.litmus() });
    new ChaosExperiment(chart, 'exp', { action: ChaosAction.podKill(), target: demo, duration: Duration.seconds(30) });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs.map((o) => o.kind)).toEqual(['ChaosEngine', 'ServiceAccount', 'Role', 'RoleBinding']);
  });

  test('the pure renderer returns data and no problems for a mappable experiment', () => {
    const r = renderLitmus(
      { name: 'x', action: ChaosAction.podKill(), target: demo, mode: ChaosMode.one(), duration: Duration.seconds(30) },
      { serviceAccountName: 'chaos', jobCleanUpPolicy: 'retain', env: { RAMP_TIME: '5' } },
    );
    expect(r.problems).toEqual([]);
    expect(r.rendering?.env).toEqual([
      { name: 'TOTAL_CHAOS_DURATION', value: '30' },
      { name: 'FORCE', value: 'true' },
      { name: 'RAMP_TIME', value: '5' },
    ]);
    expect((r.rendering?.engine.spec as Json).jobCleanUpPolicy).toBe('retain');
    expect((r.rendering?.engine.spec as Json).chaosServiceAccount).toBe('chaos');
  });
});
