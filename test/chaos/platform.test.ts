import { App, Chart, Testing } from 'cdk8s';
import { addChaosCharts } from '../../examples/platform/chaos';
import { expectValidManifests } from '../support/schema';
import { Json } from './helpers';

const app: App = Testing.app();
addChaosCharts(app);
const charts = new Map(app.charts.map((c: Chart) => [c.node.id, Testing.synth(c) as Json[]]));
const byName = (id: string, kind: string, name: string): Json => {
  const found = charts.get(id)!.find((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toBeDefined();
  return found;
};

describe('chapter chaos manifests', () => {
  test('one chart per chapter manifest', () => {
    expect([...charts.keys()].sort()).toEqual([
      'chaos-experiment-network',
      'chaos-experiment-pod-kill',
      'chaos-mesh-pod-failure',
      'chaos-network-delay',
      'chaos-workflow',
    ]);
  });

  test.each(['chaos-network-delay', 'chaos-mesh-pod-failure', 'chaos-experiment-pod-kill', 'chaos-experiment-network', 'chaos-workflow'])(
    '%s: every object schema-valid, explicitly named, no v1 scheduler; snapshot',
    (id) => {
      const objs = charts.get(id)!;
      expectValidManifests(objs);
      for (const o of objs) {
        expect(o.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
        expect(o.spec?.scheduler).toBeUndefined();
        if (o.apiVersion === 'chaos-mesh.org/v1alpha1') expect(o.metadata.namespace).toBe('chaos-testing');
      }
      expect(objs).toMatchSnapshot();
    },
  );

  test('chaos-network-delay: 100ms latency, 10ms jitter, Mondays 09:00, for 5 minutes', () => {
    const s = byName('chaos-network-delay', 'Schedule', 'network-delay').spec;
    expect(s.schedule).toBe('0 9 * * 1');
    expect(s.type).toBe('NetworkChaos');
    expect(s.concurrencyPolicy).toBe('Forbid');
    expect(s.historyLimit).toBe(3);
    expect(s.networkChaos.delay).toMatchObject({ latency: '100ms', jitter: '10ms' });
    expect(s.networkChaos.duration).toBe('5m');
    expect(s.networkChaos.selector).toEqual({ namespaces: ['production'], labelSelectors: { app: 'api-service' } });
  });

  test('chaos-mesh-pod-failure: single kill, 25%, all replicas, container kill, scheduled', () => {
    const id = 'chaos-mesh-pod-failure';
    expect(byName(id, 'PodChaos', 'pod-kill-single').spec).toMatchObject({
      action: 'pod-kill',
      mode: 'one',
      selector: { namespaces: ['team-alpha'], labelSelectors: { app: 'demo-app' } },
    });
    expect(byName(id, 'PodChaos', 'pod-failure-demo').spec).toMatchObject({
      action: 'pod-failure',
      mode: 'fixed-percent',
      value: '25',
      duration: '1m',
    });
    expect(byName(id, 'PodChaos', 'pod-failure-all-replicas').spec).toMatchObject({ action: 'pod-failure', mode: 'all' });
    expect(byName(id, 'PodChaos', 'container-kill').spec).toMatchObject({ action: 'container-kill', containerNames: ['demo-app'] });
    expect(byName(id, 'Schedule', 'pod-failure-scheduled').spec).toMatchObject({
      type: 'PodChaos',
      schedule: '0 10 * * 1-5',
      historyLimit: 5,
      startingDeadlineSeconds: 300,
      podChaos: { action: 'pod-failure' },
    });
  });

  test('chaos-experiment-pod-kill: Chaos Mesh and Litmus pod kill, advanced variants', () => {
    const id = 'chaos-experiment-pod-kill';
    expect(byName(id, 'PodChaos', 'pod-kill-demo-app').spec).toMatchObject({ action: 'pod-kill', mode: 'fixed-percent', value: '33' });
    const engine = byName(id, 'ChaosEngine', 'pod-kill-demo-app');
    expect(engine.metadata.namespace).toBe('team-alpha');
    expect(engine.spec.experiments[0].name).toBe('pod-delete');
    expect(engine.spec.experiments[0].spec.probe[0].type).toBe('httpProbe');
    byName(id, 'ServiceAccount', 'pod-kill-demo-app-sa');
    byName(id, 'Role', 'pod-kill-demo-app-sa');
    byName(id, 'RoleBinding', 'pod-kill-demo-app-sa');
    expect(byName(id, 'PodChaos', 'pod-kill-graceful').spec).toMatchObject({ gracePeriod: 30, mode: 'fixed', value: '2' });
    expect(byName(id, 'Schedule', 'pod-kill-api-service-canary').spec).toMatchObject({
      schedule: '@every 2h',
      podChaos: { mode: 'random-max-percent', value: '50' },
    });
    expect(byName(id, 'ChaosEngine', 'container-kill-litmus').spec.experiments[0].name).toBe('container-kill');
  });

  test('chaos-experiment-network: latency, loss, bandwidth, corruption, duplication and targeted variants', () => {
    const id = 'chaos-experiment-network';
    const actions = charts
      .get(id)!
      .filter((o) => o.kind === 'NetworkChaos')
      .map((o) => o.spec.action);
    expect(actions).toEqual(['delay', 'loss', 'bandwidth', 'corrupt', 'duplicate', 'delay', 'loss', 'partition']);
    expect(byName(id, 'NetworkChaos', 'network-latency-to-api-service').spec.target.selector).toEqual({
      namespaces: ['production'],
      labelSelectors: { app: 'api-service' },
    });
    expect(byName(id, 'NetworkChaos', 'network-loss-external').spec).toMatchObject({
      direction: 'to',
      externalTargets: ['api.example.com', '203.0.113.0/24'],
    });
    expect(byName(id, 'HTTPChaos', 'http-latency-port-8080').spec).toMatchObject({ port: 8080, path: '/api/*', method: 'GET', delay: '500ms' });
  });

  test('chaos-workflow: resilience-test (pod failure, network delay, recovery check), cascading, comprehensive', () => {
    const id = 'chaos-workflow';
    const rt = byName(id, 'Workflow', 'resilience-test-workflow').spec;
    expect(rt.entry).toBe('resilience-test');
    expect(rt.templates[0].children).toEqual(['pod-failure', 'network-delay', 'recovery-wait', 'recovery-check']);
    expect(rt.templates.find((t: Json) => t.name === 'recovery-check')).toMatchObject({ templateType: 'StatusCheck', abortWithStatusCheck: true });
    const cascade = byName(id, 'Workflow', 'cascading-failure-workflow').spec;
    expect(cascade.templates.find((t: Json) => t.name === 'downstream-degradation').templateType).toBe('Parallel');
    const comp = byName(id, 'Schedule', 'comprehensive-resilience-workflow').spec;
    expect(comp).toMatchObject({ type: 'Workflow', schedule: '0 10 * * 3', concurrencyPolicy: 'Forbid' });
    expect(comp.workflow.templates.map((t: Json) => t.templateType)).toEqual(
      expect.arrayContaining(['StatusCheck', 'Parallel', 'PodChaos', 'NetworkChaos', 'StressChaos', 'HTTPChaos', 'DNSChaos', 'Suspend']),
    );
  });
});
