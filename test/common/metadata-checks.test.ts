/**
 * Every prop that reaches an object's metadata is checked by the shared checks, with the
 * field it came from: one test per place that skipped them before.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  ChaosAction,
  ChaosExperiment,
  ChaosMode,
  ChaosTarget,
  ChaosWorkflow,
  MinioCredentials,
  MinioStorage,
  ResilienceValidationError,
  SpecLoadError,
  ScheduleDelivery,
  VeleroBackupPlan,
  VeleroHelmValues,
  VeleroMonitoring,
  WorkflowStep,
} from '../../src';
import { loadAlertWindowsDirectory, loadSpecFile } from '../../src/slo';

function thrown(build: (c: Chart) => void): string {
  const c = new Chart(Testing.app(), 'test', { namespace: 'chaos-testing' });
  try {
    build(c);
  } catch (e) {
    expect(e).toBeInstanceOf(ResilienceValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ResilienceValidationError');
}

const BAD_KEY = "label key \"team name\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.')";
const podKill = { action: ChaosAction.podKill(), target: ChaosTarget.labels('team-alpha', { app: 'web' }), mode: ChaosMode.one() };

test('VeleroMonitoring reports bad alert labels as alertLabels, checked as Prometheus labels', () => {
  expect(thrown((c) => new VeleroMonitoring(c, 'mon', { alertLabels: { 'team/x': 'a' }, selectorLabels: { release: 'not ok' } }))).toBe(
    '2 problems in test/mon:\n' +
      "  [test/mon] selectorLabels.release: label value \"not ok\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit). Fix: use valid label keys and values.\n" +
      '  [test/mon] alertLabels.team/x: "team/x" is not a valid Prometheus label name (letters, digits and \'_\', not starting with a digit). Fix: use letters, digits and "_", not starting with a digit or "__".',
  );
  // Prometheus label values are free text; a Kubernetes label value rule does not apply to them.
  expect(() => new VeleroMonitoring(new Chart(Testing.app(), 't'), 'mon', { alertLabels: { team: 'Team A' } })).not.toThrow();
});

test('VeleroBackupPlan labels', () => {
  expect(thrown((c) => new VeleroBackupPlan(c, 'plan', { labels: { 'team name': 'a' } }))).toContain(
    `[test/plan] labels.team name: ${BAD_KEY}. Fix: use valid label keys and values.`,
  );
});

test('VeleroHelmValues monitoring labels', () => {
  expect(
    thrown((c) => {
      const plan = new VeleroBackupPlan(c, 'plan', { delivery: ScheduleDelivery.helmChart() });
      const storage = new MinioStorage(c, 'minio', { credentials: MinioCredentials.fromExistingSecret('s3') });
      new VeleroHelmValues(c, 'values', { plan, storage, monitoringLabels: { 'team name': 'a' } });
    }),
  ).toContain(`[test/values] monitoringLabels.team name: ${BAD_KEY}.`);
});

test('ChaosExperiment labels and the Litmus service account name', () => {
  expect(thrown((c) => new ChaosExperiment(c, 'exp', { ...podKill, labels: { 'team name': 'a' } }))).toContain(
    `[test/exp] labels.team name: ${BAD_KEY}. Fix: use valid label keys and values.`,
  );
  const { ChaosPlatform } = jest.requireActual('../../src') as typeof import('../../src');
  expect(
    thrown(
      (c) =>
        new ChaosExperiment(c, 'exp', {
          ...podKill,
          duration: Duration.seconds(30),
          platform: ChaosPlatform.litmus(),
          litmus: { serviceAccountName: 'Chaos_SA' },
        }),
    ),
  ).toContain(
    '[test/exp] litmus.serviceAccountName: experiment "exp": service account name "Chaos_SA" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: name the service account with lower-case letters, digits, "-" and ".".',
  );
});

test('ChaosWorkflow namespace and labels', () => {
  const entry = WorkflowStep.suspend('wait', Duration.seconds(30));
  const msg = thrown((c) => new ChaosWorkflow(c, 'wf', { entry, namespace: 'Chaos_NS', labels: { 'team name': 'a' } }));
  expect(msg).toContain(
    '[test/wf] namespace: namespace "Chaos_NS" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit). Fix: give a valid namespace.',
  );
  expect(msg).toContain(`[test/wf] labels.team name: ${BAD_KEY}.`);
});

test('ChaosTarget pod names, node selectors and annotation selectors', () => {
  const target = ChaosTarget.selector({
    namespaces: ['team-alpha'],
    pods: { 'team-alpha': ['Web_0'] },
    nodeSelectors: { 'zone name': 'a' },
    annotations: { 'bad key!': 'x' },
  });
  const msg = thrown((c) => new ChaosExperiment(c, 'exp', { ...podKill, target }));
  expect(msg).toContain('target.pods.team-alpha[0]: experiment "exp" breaks rule selects-something: pod name "Web_0" is not a DNS-1123 subdomain');
  expect(msg).toContain(
    'target.nodeSelectors.zone name: experiment "exp" breaks rule selects-something: label key "zone name" has an invalid name part',
  );
  expect(msg).toContain(
    'target.annotations.bad key!: experiment "exp" breaks rule selects-something: annotation key "bad key!" has an invalid name part',
  );
});

describe('spec files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-checks-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('PrometheusServiceLevel metadata is checked, with its line', () => {
    const file = path.join(dir, 'psl.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: sloth.slok.dev/v1',
        'kind: PrometheusServiceLevel',
        'metadata:',
        '  name: Bad_Name',
        '  namespace: monitoring',
        '  labels:',
        '    team name: a',
        'spec:',
        '  service: svc',
        '  slos: []',
        '',
      ].join('\n'),
    );
    let err: SpecLoadError | undefined;
    try {
      loadSpecFile(file);
    } catch (e) {
      err = e as SpecLoadError;
    }
    expect(err).toBeInstanceOf(SpecLoadError);
    expect(err!.message.split('\n')).toEqual([
      `${file}:4: document 1: metadata.name: "Bad_Name" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'). Fix: use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit.`,
      `${file}:7: document 1: metadata.labels.team name: ${BAD_KEY}. Fix: use valid label keys and values.`,
    ]);
  });

  test('AlertWindows files: every problem with its field and line', () => {
    const wdir = path.join(dir, 'windows');
    fs.mkdirSync(wdir);
    fs.writeFileSync(
      path.join(wdir, 'w.yaml'),
      [
        'apiVersion: sloth.slok.dev/v1',
        'kind: AlertWindows',
        'spec:',
        '  sloPeriod: 7d',
        '  page:',
        '    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }',
        '    slow: { errorBudgetPercent: 12.5, shortWindow: 30 minutes, longWindow: 6h }',
        '  ticket:',
        '    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }',
        '    slow: { shortWindow: 6h, longWindow: 3d }',
        '',
      ].join('\n'),
    );
    let err: SpecLoadError | undefined;
    try {
      loadAlertWindowsDirectory(wdir);
    } catch (e) {
      err = e as SpecLoadError;
    }
    expect(err!.problems.map((p) => [p.line, p.field, p.problem])).toEqual([
      [
        7,
        'spec.page.slow.shortWindow',
        '"30 minutes" is not a Prometheus duration: " minutes" is not a Prometheus unit (use y, w, d, h, m, s or ms)',
      ],
      [10, 'spec.ticket.slow.errorBudgetPercent', 'the share of the error budget is missing'],
    ]);
  });
});
