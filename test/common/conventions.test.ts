/**
 * The conventions of emitted objects (src/common/conventions.ts, src/common/api-object.ts):
 * who manages them, one label domain, how kube-prometheus-stack selects them, and one way
 * for every construct to expose its objects.
 */
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import * as lib from '../../src';
import {
  BackupHooks,
  BackupSchedule,
  BackupStorageLocation,
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosPlatform,
  ChaosSchedule,
  ChaosTarget,
  ChaosWorkflow,
  MinioCredentials,
  MinioStorage,
  ObjectStorageProvider,
  PhysicalMachine,
  RemoteCluster,
  RestoreSource,
  SelfServiceBackup,
  Sli,
  SloDashboard,
  SloThresholdRules,
  SloOutput,
  SloSpec,
  SnapshotProvider,
  StatusCheck,
  VeleroBackup,
  VeleroBackupPlan,
  VeleroHelmValues,
  VeleroMonitoring,
  VeleroRestore,
  VolumeSnapshotLocation,
  WorkflowStep,
} from '../../src';
import { buildPlatform } from '../../examples/platform';
import {
  DEFAULT_PROMETHEUS_SELECTOR_LABELS,
  LABEL_DOMAIN,
  LIBRARY_LABELS,
  MANAGED_BY,
  objectLabels,
  prometheusSelection,
  prometheusSelectorLabels,
} from '../../src/common/conventions';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const MANAGED = { 'app.kubernetes.io/managed-by': 'cdk8s-resilience' };
const libraryClasses = Object.values(lib).filter(
  (v) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Construct,
) as unknown as Array<abstract new (...a: never[]) => IConstruct>;

function madeByLibrary(o: ApiObject): boolean {
  return o.node.scopes.some((s) => s !== o && libraryClasses.some((c) => s instanceof c));
}

test('every object the library emits in the chapter platform is managed by cdk8s-resilience', () => {
  const app = Testing.app();
  buildPlatform(app);
  const ours = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && madeByLibrary(c));
  expect(ours.length).toBeGreaterThan(40);
  const unmanaged = ours
    .filter((o) => o.toJson().metadata?.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY)
    .map((o) => `${o.kind} ${o.name}`);
  expect(unmanaged).toEqual([]);
  // The kinds that had no manager label before: Velero Schedules, locations, MinIO's objects.
  const kinds = new Set(ours.map((o) => o.kind));
  for (const k of [
    'Schedule',
    'BackupStorageLocation',
    'VolumeSnapshotLocation',
    'Deployment',
    'Job',
    'NetworkPolicy',
    'ServiceMonitor',
    'PrometheusRule',
    'ChaosEngine',
  ])
    expect(kinds).toContain(k);
});

test("one label domain for the library's own labels", () => {
  expect(LABEL_DOMAIN).toBe('resilience.cdk8s.io');
  expect(LIBRARY_LABELS).toEqual({
    backupTier: 'backup.resilience.cdk8s.io/tier',
    insecureDemoCredentials: 'resilience.cdk8s.io/insecure-demo-credentials',
    chaosExperiment: 'chaos.resilience.cdk8s.io/experiment',
    chaosRun: 'chaos.resilience.cdk8s.io/run',
    drAcknowledged: 'dr.resilience.cdk8s.io/acknowledged',
    drRun: 'dr.resilience.cdk8s.io/run',
    simulated: 'sim.resilience.cdk8s.io/simulated',
    simulatedDeployment: 'sim.resilience.cdk8s.io/deployment',
  });
  const app = Testing.app();
  buildPlatform(app);
  const keys = new Set(app.charts.flatMap((c) => Testing.synth(c)).flatMap((o: Json) => Object.keys(o.metadata?.labels ?? {})));
  const own = [...keys].filter((k) => /resilience/.test(k));
  expect(own.length).toBeGreaterThan(0);
  for (const k of own) expect(k).toMatch(/^([a-z]+\.)?resilience\.cdk8s\.io\//);
});

test("labels: the manager first, the library's own next, the user's last and winning", () => {
  expect(Object.entries(objectLabels({ 'app.kubernetes.io/part-of': 'chaos' }, { team: 'a', 'app.kubernetes.io/part-of': 'mine' }))).toEqual([
    ['app.kubernetes.io/managed-by', 'cdk8s-resilience'],
    ['app.kubernetes.io/part-of', 'mine'],
    ['team', 'a'],
  ]);
});

describe('one prop and one default for kube-prometheus-stack selection', () => {
  const chart = () => new Chart(Testing.app(), 'test');
  const slo = { service: 'svc', slos: [{ name: 'avail', objective: 99.9, sli: Sli.availability(), alerting: { name: 'A' } }] };
  const selected = (objs: Json[], kind: string) => objs.filter((o) => o.kind === kind).map((o) => o.metadata.labels.release);

  test('the default is release: monitoring everywhere, the Velero rules and ServiceMonitor included', () => {
    expect(DEFAULT_PROMETHEUS_SELECTOR_LABELS).toEqual({ release: 'monitoring' });
    const c = chart();
    new SloSpec(c, 'slo', slo);
    new SloThresholdRules(c, 'defs', { output: SloOutput.prometheusRule() });
    new VeleroMonitoring(c, 'mon');
    const objs = Testing.synth(c);
    expect(selected(objs, 'PrometheusRule')).toEqual(['monitoring', 'monitoring', 'monitoring']);
    expect(selected(objs, 'ServiceMonitor')).toEqual(['monitoring']);
  });

  test('prometheusSelectorLabels sets them on each; {} sets none; the former names still work', () => {
    const c = chart();
    new SloSpec(c, 'slo', { ...slo, prometheusSelectorLabels: { release: 'kps' } });
    new SloThresholdRules(c, 'defs', { output: SloOutput.prometheusRule(), prometheusSelectorLabels: { release: 'kps' } });
    new VeleroMonitoring(c, 'mon', { prometheusSelectorLabels: {} });
    const objs = Testing.synth(c);
    expect(objs.filter((o) => o.kind === 'PrometheusRule').map((o) => o.metadata.labels.release)).toEqual(['kps', 'kps', undefined]);
    const old = chart();
    new SloSpec(old, 'slo', { ...slo, ruleSelectorLabels: { release: 'old' } });
    new VeleroMonitoring(old, 'mon', { selectorLabels: { release: 'old' } });
    expect(selected(Testing.synth(old), 'PrometheusRule')).toEqual(['old', 'old']);
    expect(prometheusSelectorLabels(undefined)).toEqual({ release: 'monitoring' });
    // Problems are reported at the prop that was set.
    expect(prometheusSelection(undefined, 'selectorLabels', { 'a b': 'c' }).problems.map((p) => p.field)).toEqual(['selectorLabels.a b']);
    expect(prometheusSelection({ 'a b': 'c' }, 'selectorLabels', undefined).problems.map((p) => p.field)).toEqual(['prometheusSelectorLabels.a b']);
    expect(prometheusSelection(undefined, 'selectorLabels', undefined)).toEqual({ labels: { release: 'monitoring' }, problems: [] });
  });

  test("the Helm chart's ServiceMonitor and PrometheusRule get the same default", () => {
    const c = chart();
    const plan = new VeleroBackupPlan(c, 'plan', { delivery: lib.ScheduleDelivery.helmChart() });
    const storage = new MinioStorage(c, 'minio', { credentials: MinioCredentials.fromExistingSecret('s3') });
    const metrics = new VeleroHelmValues(c, 'values', { plan, storage }).values.metrics as Json;
    expect([metrics.serviceMonitor.additionalLabels, metrics.prometheusRule.additionalLabels]).toEqual([
      { release: 'monitoring' },
      { release: 'monitoring' },
    ]);
  });
});

describe('apiObject and apiObjects on every construct, and ApiObject.of()', () => {
  const c = new Chart(Testing.app(), 'test', { namespace: 'chaos-testing' });
  const target = ChaosTarget.labels('team-alpha', { app: 'web' });
  const workload = new kplus.Deployment(c, 'web', { containers: [{ image: 'nginx' }] });
  const plan = new VeleroBackupPlan(c, 'plan', {
    schedules: [
      { name: 'a', schedule: BackupSchedule.daily() },
      { name: 'b', schedule: BackupSchedule.hourly() },
    ],
  });
  const minio = new MinioStorage(c, 'minio', { credentials: MinioCredentials.insecureDemo() });
  const constructs: Array<[string, IConstruct & { apiObject: ApiObject; apiObjects: readonly ApiObject[] }, number]> = [
    [
      'SloSpec',
      new SloSpec(c, 'slo', { service: 'svc', slos: [{ name: 'avail', objective: 99, sli: Sli.availability(), alerting: { name: 'A' } }] }),
      1,
    ],
    ['SloThresholdRules', new SloThresholdRules(c, 'defs'), 1],
    ['SloDashboard', new SloDashboard(c, 'dash'), 1],
    ['VeleroBackupPlan', plan, 2],
    ['VeleroBackup', new VeleroBackup(c, 'backup'), 1],
    ['VeleroRestore', new VeleroRestore(c, 'restore', { from: RestoreSource.backup('x') }), 1],
    [
      'BackupStorageLocation',
      new BackupStorageLocation(c, 'bsl', { provider: ObjectStorageProvider.aws({ region: 'eu-west-1' }), bucket: 'team-backups' }),
      1,
    ],
    ['VolumeSnapshotLocation', new VolumeSnapshotLocation(c, 'vsl', { provider: SnapshotProvider.aws({ region: 'eu-west-1' }) }), 1],
    ['MinioStorage', minio, 8],
    ['SelfServiceBackup', new SelfServiceBackup(c, 'self'), 3],
    ['VeleroMonitoring', new VeleroMonitoring(c, 'mon'), 3],
    ['ChaosExperiment', new ChaosExperiment(c, 'exp', { action: ChaosAction.podKill(), target, mode: ChaosMode.one() }), 1],
    ['ChaosExperiment (scheduled)', new ChaosExperiment(c, 'sched', { action: ChaosAction.podKill(), target, schedule: ChaosSchedule.daily() }), 1],
    [
      'ChaosExperiment (Litmus)',
      new ChaosExperiment(c, 'lit', { action: ChaosAction.podKill(), target, duration: Duration.seconds(30), platform: ChaosPlatform.litmus() }),
      4,
    ],
    ['ChaosWorkflow', new ChaosWorkflow(c, 'wf', { entry: WorkflowStep.suspend('wait', Duration.seconds(10)) }), 1],
    ['StatusCheck', new StatusCheck(c, 'check', { url: 'http://web/health' }), 1],
    ['RemoteCluster', new RemoteCluster(c, 'remote', { kubeconfig: { name: 'kc', namespace: 'chaos-mesh' }, version: '2.8.3' }), 1],
    ['PhysicalMachine', new PhysicalMachine(c, 'machine', { address: 'https://10.0.0.1:31768' }), 1],
  ];
  test.each(constructs)('%s', (_name, construct, count) => {
    expect(ApiObject.of(construct)).toBe(construct.apiObject);
    expect(construct.apiObjects).toHaveLength(count);
    expect(construct.apiObjects).toContain(construct.apiObject);
    expect(construct.apiObjects).toEqual(construct.node.findAll().filter((x) => x instanceof ApiObject));
  });

  test('the main object of each multi-object construct', () => {
    expect(plan.apiObject).toBe(plan.schedule('a'));
    expect(minio.apiObject).toBe(minio.deployment);
    const kinds = constructs.map(([n, k]) => [n, k.apiObject.kind]);
    expect(Object.fromEntries(kinds)).toMatchObject({
      VeleroMonitoring: 'PrometheusRule',
      SelfServiceBackup: 'Schedule',
      'ChaosExperiment (scheduled)': 'Schedule',
      'ChaosExperiment (Litmus)': 'ChaosEngine',
      SloDashboard: 'ConfigMap',
    });
  });

  test('constructs that make no object of their own say so', () => {
    const hooks = new BackupHooks(c, 'hooks', { workload, preBackup: { command: ['/bin/true'] } });
    const values = new VeleroHelmValues(c, 'values', {
      plan: new VeleroBackupPlan(c, 'helm-plan', { delivery: lib.ScheduleDelivery.helmChart() }),
      storage: minio,
    });
    expect([hooks.apiObjects, values.apiObjects]).toEqual([[], []]);
  });
});

test("the managed-by label is the library's", () => {
  expect(MANAGED).toEqual({ 'app.kubernetes.io/managed-by': MANAGED_BY });
});
