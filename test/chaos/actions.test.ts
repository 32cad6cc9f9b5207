import { Duration, JsonPatch, Testing } from 'cdk8s';
import { Bandwidth, ChaosAction, ChaosExperiment, ChaosMode, ChaosTarget, HttpTarget, MemorySize, NetworkDirection } from '../../src';
import { expectValidManifests } from '../support/schema';
import { newChart, specOf, synthExperiment } from './helpers';

const target = ChaosTarget.labels('team-alpha', { app: 'demo-app' });
const base = { target, duration: Duration.minutes(2) };

describe('PodChaos actions', () => {
  test('pod-kill with grace period', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.podKill({ gracePeriod: Duration.seconds(30) }) }), 'PodChaos');
    expect(spec).toEqual({
      action: 'pod-kill',
      gracePeriod: 30,
      mode: 'one',
      duration: '2m',
      selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } },
    });
  });
  test('pod-failure', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.podFailure(), mode: ChaosMode.fixedPercent(25) }), 'PodChaos');
    expect(spec.action).toBe('pod-failure');
    expect(spec.mode).toBe('fixed-percent');
    expect(spec.value).toBe('25');
    expect(spec.duration).toBe('2m');
  });
  test('container-kill names its containers', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.containerKill({ containerNames: ['app', 'sidecar'] }) }), 'PodChaos');
    expect(spec.action).toBe('container-kill');
    expect(spec.containerNames).toEqual(['app', 'sidecar']);
  });
});

describe('NetworkChaos actions', () => {
  test('delay with jitter, correlation and reorder, direction to by default', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkDelay({
          latency: Duration.millis(100),
          jitter: Duration.millis(10),
          correlation: 25,
          reorder: { percent: 10, gap: 5, correlation: 50 },
        }),
      }),
      'NetworkChaos',
    );
    expect(spec.action).toBe('delay');
    expect(spec.delay).toEqual({ latency: '100ms', jitter: '10ms', correlation: '25', reorder: { reorder: '10', gap: 5, correlation: '50' } });
    expect(spec.direction).toBe('to');
  });
  test('delay latency of whole seconds uses a single unit', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.networkDelay({ latency: Duration.seconds(2) }) }), 'NetworkChaos');
    expect(spec.delay.latency).toBe('2s');
  });
  test('loss, duplicate, corrupt', () => {
    const loss = specOf(synthExperiment({ ...base, action: ChaosAction.networkLoss({ percent: 10, correlation: 25 }) }), 'NetworkChaos');
    expect(loss.action).toBe('loss');
    expect(loss.loss).toEqual({ loss: '10', correlation: '25' });
    const dup = specOf(synthExperiment({ ...base, action: ChaosAction.networkDuplicate({ percent: 15 }) }), 'NetworkChaos');
    expect(dup.action).toBe('duplicate');
    expect(dup.duplicate).toEqual({ duplicate: '15' });
    const cor = specOf(synthExperiment({ ...base, action: ChaosAction.networkCorrupt({ percent: 5, correlation: 10 }) }), 'NetworkChaos');
    expect(cor.action).toBe('corrupt');
    expect(cor.corrupt).toEqual({ corrupt: '5', correlation: '10' });
  });
  test('bandwidth', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkBandwidth({ rate: Bandwidth.megabitsPerSecond(1), limit: 1000, buffer: 500, peakrate: 2000, minburst: 100 }),
      }),
      'NetworkChaos',
    );
    expect(spec.action).toBe('bandwidth');
    expect(spec.bandwidth).toEqual({ rate: '1mbit', limit: 1000, buffer: 500, peakrate: 2000, minburst: 100 });
  });
  test('bandwidth defaults', () => {
    const spec = specOf(
      synthExperiment({ ...base, action: ChaosAction.networkBandwidth({ rate: Bandwidth.kilobytesPerSecond(500) }) }),
      'NetworkChaos',
    );
    expect(spec.bandwidth).toEqual({ rate: '500kbps', limit: 20971520, buffer: 10000 });
  });
  test('partition between selected pods and peers, both directions', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkPartition({ direction: NetworkDirection.both(), peers: ChaosTarget.labels('production', { app: 'api-service' }) }),
      }),
      'NetworkChaos',
    );
    expect(spec.action).toBe('partition');
    expect(spec.direction).toBe('both');
    expect(spec.target).toEqual({ mode: 'all', selector: { namespaces: ['production'], labelSelectors: { app: 'api-service' } } });
  });
  test('external targets and device', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.networkLoss({ percent: 20, externalTargets: ['api.example.com', '10.0.0.0/8'], device: 'eth0' }),
      }),
      'NetworkChaos',
    );
    expect(spec.externalTargets).toEqual(['api.example.com', '10.0.0.0/8']);
    expect(spec.direction).toBe('to');
    expect(spec.device).toBe('eth0');
  });
});

describe('StressChaos, IOChaos, TimeChaos, DNSChaos', () => {
  test('cpu stress', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.stressCpu({ workers: 2, load: 80 }) }), 'StressChaos');
    expect(spec.stressors).toEqual({ cpu: { workers: 2, load: 80 } });
  });
  test('memory stress', () => {
    const spec = specOf(
      synthExperiment({ ...base, action: ChaosAction.stressMemory({ workers: 1, size: MemorySize.megabytes(512), containerNames: ['app'] }) }),
      'StressChaos',
    );
    expect(spec.stressors).toEqual({ memory: { workers: 1, size: '512MB' } });
    expect(spec.containerNames).toEqual(['app']);
  });
  test('io latency, fault, attrOverride, mistake', () => {
    const lat = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.ioLatency({ volumePath: '/data', path: '/data/**', delay: Duration.millis(100), percent: 50, methods: ['read'] }),
      }),
      'IOChaos',
    );
    expect(lat).toMatchObject({ action: 'latency', delay: '100ms', volumePath: '/data', path: '/data/**', percent: 50, methods: ['read'] });
    const fault = specOf(synthExperiment({ ...base, action: ChaosAction.ioFault({ volumePath: '/data', errno: 5 }) }), 'IOChaos');
    expect(fault).toMatchObject({ action: 'fault', errno: 5, volumePath: '/data' });
    const attr = specOf(synthExperiment({ ...base, action: ChaosAction.ioAttrOverride({ volumePath: '/data', attr: { perm: 72 } }) }), 'IOChaos');
    expect(attr).toMatchObject({ action: 'attrOverride', attr: { perm: 72 } });
    const mistake = specOf(
      synthExperiment({ ...base, action: ChaosAction.ioMistake({ volumePath: '/data', filling: 'zero', maxLength: 10, maxOccurrences: 1 }) }),
      'IOChaos',
    );
    expect(mistake).toMatchObject({ action: 'mistake', mistake: { filling: 'zero', maxLength: 10, maxOccurrences: 1 } });
  });
  test('time shift backwards', () => {
    const spec = specOf(
      synthExperiment({ ...base, action: ChaosAction.timeShift({ offset: Duration.minutes(10), backwards: true, clockIds: ['CLOCK_REALTIME'] }) }),
      'TimeChaos',
    );
    expect(spec.timeOffset).toBe('-10m');
    expect(spec.clockIds).toEqual(['CLOCK_REALTIME']);
  });
  test('dns error and random', () => {
    const err = specOf(
      synthExperiment({ ...base, action: ChaosAction.dnsError({ patterns: ['api.example.*', 'cache-?.example.com'] }) }),
      'DNSChaos',
    );
    expect(err).toMatchObject({ action: 'error', patterns: ['api.example.*', 'cache-?.example.com'] });
    const rnd = specOf(synthExperiment({ ...base, action: ChaosAction.dnsRandom({ patterns: ['api.example.com'] }) }), 'DNSChaos');
    expect(rnd.action).toBe('random');
  });
});

describe('HTTPChaos actions', () => {
  test('abort by port, path and method', () => {
    const spec = specOf(synthExperiment({ ...base, action: ChaosAction.httpAbort({ port: 8080, path: '/api/*', method: 'POST' }) }), 'HTTPChaos');
    expect(spec).toMatchObject({ target: 'Request', port: 8080, path: '/api/*', method: 'POST', abort: true });
  });
  test('delay on responses', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.httpDelay({
          port: 8080,
          delay: Duration.millis(500),
          target: HttpTarget.response(),
          headers: { 'content-type': 'application/json' },
        }),
      }),
      'HTTPChaos',
    );
    expect(spec).toMatchObject({ target: 'Response', port: 8080, delay: '500ms', response_headers: { 'content-type': 'application/json' } });
  });
  test('replace code and body (base64)', () => {
    const spec = specOf(
      synthExperiment({ ...base, action: ChaosAction.httpReplace({ port: 8080, target: HttpTarget.response(), code: 503, body: 'down' }) }),
      'HTTPChaos',
    );
    expect(spec.replace).toEqual({ code: 503, body: Buffer.from('down').toString('base64') });
  });
  test('patch JSON body, headers and queries', () => {
    const spec = specOf(
      synthExperiment({
        ...base,
        action: ChaosAction.httpPatch({ port: 8080, jsonBody: { chaos: true }, headersToAdd: [['x-chaos', '1']], queries: [['debug', 'true']] }),
      }),
      'HTTPChaos',
    );
    expect(spec.patch).toEqual({ body: { type: 'JSON', value: '{"chaos":true}' }, headers: [['x-chaos', '1']], queries: [['debug', 'true']] });
  });
});

describe('escape hatches', () => {
  test('ChaosAction.of renders raw fields', () => {
    const spec = specOf(
      synthExperiment({ ...base, action: ChaosAction.of('StressChaos', 'stress-ng', { stressngStressors: '--cpu 1' }) }),
      'StressChaos',
    );
    expect(spec.stressngStressors).toBe('--cpu 1');
  });
});

describe('exposed objects', () => {
  test('addJsonPatch on the chaos object reaches the YAML', () => {
    const chart = newChart();
    const exp = new ChaosExperiment(chart, 'exp', { ...base, action: ChaosAction.podKill() });
    expect(exp.apiObjects).toEqual([exp.chaosObject]);
    exp.chaosObject!.addJsonPatch(JsonPatch.add('/spec/remoteCluster', 'cluster-b'));
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs[0].spec.remoteCluster).toBe('cluster-b');
  });
});
