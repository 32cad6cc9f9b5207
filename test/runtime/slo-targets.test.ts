/**
 * Reading SLO targets: from Sloth/OpenSLO spec files, from rules Sloth itself generated (the
 * golden cases: the same SLOs either way), from a PrometheusRule or rules ConfigMap that
 * SloSpec synthesizes, from a dist/ directory; selecting them; and the errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { resolveSloTargets, SloUsageError } from '../../src/runtime/slo/gate';
import {
  latencyThresholdOf,
  loadSloTargetsFromDirectory,
  loadSloTargetsFromFile,
  selectSloTargets,
  SloSelectionError,
  SloTarget,
} from '../../src/runtime/slo/targets';
import { formatSpecProblem, SpecLoadError } from '../../src/slo/spec-files';
import { Sli, SloOutput, SloSpec } from '../../src/slo';
import { caseFlags, slothFixtureCases } from '../slo/sloth-fixtures';
import { demoAppSloSpec } from '../support/demo-slos';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-targets-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

const strip = (ts: SloTarget[]) => ts.map(({ source: _s, ...rest }) => rest);

describe('the SLOs of a spec equal the SLOs of the rules Sloth generated from it', () => {
  test.each(slothFixtureCases().map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const flags = caseFlags(c.args);
    const periodMs = Duration.days(Number(flags.period.replace('d', ''))).toMilliseconds();
    const fromSpec = loadSloTargetsFromFile(c.inputPath, { defaultPeriodMs: periodMs });
    const fromRules = loadSloTargetsFromFile(write(`${c.name}/expected.yaml`, c.expected));
    expect(fromSpec.length).toBeGreaterThan(0);
    const expected = strip(fromSpec).map((t) => (flags.disableAlerts ? { ...t, pageAlert: undefined, ticketAlert: undefined } : t));
    expect(strip(fromRules)).toEqual(expected.map((t) => JSON.parse(JSON.stringify(t)) as unknown));
  });
});

test('the base case in figures: ids, objectives, period, windows, alert names, sources', () => {
  const c = slothFixtureCases().find((x) => x.name === 'base')!;
  const ts = loadSloTargetsFromFile(c.inputPath);
  expect(ts).toEqual([
    {
      id: 'svc01-slo1',
      service: 'svc01',
      name: 'slo1',
      objective: 99.9,
      periodMs: 30 * 86400000,
      windowsMs: [300000, 1800000, 3600000, 7200000, 21600000, 86400000, 259200000, 2592000000],
      pageAlert: 'myServiceAlert',
      ticketAlert: 'myServiceAlert',
      source: `${c.inputPath}:1`,
    },
    expect.objectContaining({ id: 'svc01-slo02', objective: 95 }),
  ]);
  // Both of slo02's alerts are disabled.
  expect(['pageAlert' in ts[1], 'ticketAlert' in ts[1]]).toEqual([false, false]);
});

test('a PrometheusRule and a rules ConfigMap synthesized by SloSpec, and a plain rules file', () => {
  const spec = demoAppSloSpec();
  const prFile = write(
    'pr.yaml',
    Testing.synth(spec.node.scope as Chart)
      .map((o) => YAML.stringify(o))
      .join('---\n'),
  );
  const rulesFile = write('rules.yaml', spec.toRulesFile());
  const chart = Testing.chart();
  new SloSpec(chart, 'cm', {
    service: 'checkout',
    output: SloOutput.rulesConfigMap(),
    slos: [
      {
        name: 'latency',
        objective: 99,
        sli: Sli.latency({ selector: { job: 'checkout' }, thresholdBucket: '0.25' }),
        alerting: { name: 'CheckoutLatency' },
      },
    ],
  });
  const cmFile = write(
    'cm.yaml',
    Testing.synth(chart)
      .map((o) => YAML.stringify(o))
      .join('---\n'),
  );
  const a = loadSloTargetsFromFile(prFile);
  expect(strip(a)).toEqual(strip(loadSloTargetsFromFile(rulesFile)));
  expect(a.map((t) => [t.id, t.objective, t.periodMs, t.pageAlert, t.latencyThresholdSeconds])).toEqual([
    ['demo-app-availability', 99, 3600000, 'DemoAppAvailability', undefined],
    ['demo-app-latency', 95, 3600000, 'DemoAppLatency', 0.3],
  ]);
  expect(a[0].source).toBe(`${prFile}:1`);
  expect(loadSloTargetsFromFile(cmFile).map((t) => [t.id, t.objective, t.periodMs, t.latencyThresholdSeconds])).toEqual([
    ['checkout-latency', 99, 30 * 86400000, 0.25],
  ]);
});

test('a dist/ directory: SLO rules and specs are found, other manifests ignored, duplicates merged', () => {
  const d = path.join(dir, 'dist');
  const spec = demoAppSloSpec();
  write(
    'dist/sloth-slo-spec.yaml',
    Testing.synth(spec.node.scope as Chart)
      .map((o) => YAML.stringify(o))
      .join('---\n'),
  );
  write('dist/copy/again.yaml', spec.toRulesFile());
  write('dist/chaos.yaml', 'apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata: {name: x}\nspec: {action: pod-kill}\n');
  write('dist/slo-dashboard.json', '{}');
  write('dist/openslo.yml', fs.readFileSync(path.join(__dirname, '..', 'slo', 'fixtures', 'openslo', 'checkout.yaml'), 'utf8'));
  const ts = loadSloTargetsFromDirectory(d);
  expect(ts.map((t) => t.id).sort()).toEqual(
    ['demo-app-availability', 'demo-app-latency', ...loadSloTargetsFromFile(path.join(d, 'openslo.yml')).map((t) => t.id)].sort(),
  );
});

test("the chapter platform's synthesized rules give its SLOs", () => {
  // The example app's SLO charts, synthesized as `npm run synth` does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { addSloCharts } = require('../../examples/platform/slo') as typeof import('../../examples/platform/slo');
  const app = Testing.app();
  addSloCharts(app);
  const d = path.join(dir, 'chapter-dist');
  for (const chart of app.charts)
    write(
      `chapter-dist/${chart.node.id}.yaml`,
      Testing.synth(chart)
        .map((o) => YAML.stringify(o))
        .join('---\n'),
    );
  const ts = loadSloTargetsFromDirectory(d);
  expect(ts.map((t) => [t.id, t.objective, t.pageAlert ?? '-', t.latencyThresholdSeconds ?? '-'])).toEqual([
    ['auth-service-requests-availability', 99.95, 'AuthServiceHighErrorRate', '-'],
    ['auth-service-requests-latency-p95', 95, 'AuthServiceHighLatency', 0.3],
    ['demo-app-availability', 99.9, 'DemoAppAvailabilityBudgetBurn', '-'],
    ['demo-app-latency', 99, 'DemoAppLatencyBudgetBurn', 0.5],
    ['demo-app-throughput', 99, '-', '-'],
  ]);
});

test('selection by service and SLO name (or sloth_id); a name that matches nothing is a usage error', () => {
  const ts = loadSloTargetsFromFile(slothFixtureCases().find((x) => x.name === 'base')!.inputPath);
  expect(selectSloTargets(ts, {}).map((t) => t.id)).toEqual(['svc01-slo1', 'svc01-slo02']);
  expect(selectSloTargets(ts, { services: ['svc01'], slos: ['slo02'] }).map((t) => t.id)).toEqual(['svc01-slo02']);
  expect(selectSloTargets(ts, { slos: ['svc01-slo1'] }).map((t) => t.id)).toEqual(['svc01-slo1']);
  expect(() => selectSloTargets(ts, { services: ['nope'] })).toThrow(new SloSelectionError('--service "nope" matches no SLO (services: svc01)'));
  expect(() => selectSloTargets(ts, { slos: ['nope'] })).toThrow('--slo-name "nope" matches no SLO (SLOs: svc01-slo1, svc01-slo02)');
});

test('bad input: one line per problem naming the file', () => {
  const expectProblem = (fn: () => unknown, re: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecLoadError);
    const lines = (err as SpecLoadError).problems.map(formatSpecProblem);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
  };
  expectProblem(
    () => loadSloTargetsFromFile(path.join(dir, 'missing.yaml')),
    /missing\.yaml: cannot read the file \(no such file or directory\)\. Fix: check the path/,
  );
  expectProblem(
    () => loadSloTargetsFromFile(write('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\n')),
    /deploy\.yaml: the file is neither an SLO spec \(Sloth, OpenSLO\) nor Prometheus rules\. Fix:/,
  );
  expectProblem(
    () => loadSloTargetsFromFile(write('norules.yaml', 'groups:\n- name: x\n  rules:\n  - record: a\n    expr: vector(1)\n')),
    /norules\.yaml: the rules in the file describe no SLO \(no sloth_slo_info recording\)/,
  );
  expectProblem(() => loadSloTargetsFromFile(write('broken.yaml', 'groups: [\n')), /broken\.yaml:\d+: YAML syntax error/);
  const noPeriod =
    'groups:\n- name: x\n  rules:\n  - record: sloth_slo_info\n    expr: vector(1)\n    labels: {sloth_id: a-b, sloth_service: a, sloth_slo: b, sloth_objective: "99"}\n';
  expectProblem(
    () => loadSloTargetsFromFile(write('noperiod.yaml', noPeriod)),
    /noperiod\.yaml:1: document 1: slo:time_period:days\{sloth_id="a-b"\}: the SLO period recording is missing/,
  );
  expectProblem(() => loadSloTargetsFromDirectory(path.join(dir, 'nodir')), /nodir: cannot read the directory \(no such file or directory\)/);
  expect(() => resolveSloTargets({})).toThrow(SloUsageError);
  expect(() => resolveSloTargets({ sloFile: 'a', sloFrom: 'b' })).toThrow('give either --slo FILE or --slo-from DIR, not both');
});

test('latency thresholds are read from the bucket matcher of an SLI', () => {
  expect(latencyThresholdOf('sum(rate(h_bucket{job="x",le="0.3"}[5m]))')).toBe(0.3);
  // +Inf is every request: not a latency threshold.
  expect(latencyThresholdOf('sum(rate(h_bucket{le="+Inf"}[5m]))')).toBeUndefined();
  expect(latencyThresholdOf('sum(rate(http_requests_total{code=~"5.."}[5m]))')).toBeUndefined();
});
