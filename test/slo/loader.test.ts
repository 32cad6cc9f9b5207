import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  alertWindowsCatalog,
  detectSpecFormat,
  errorBudgetExhaustedAlert,
  loadAlertWindowsDirectory,
  loadSpecFile,
  openSloTargetProblem,
  openSloToSlothSpec,
  parseSpecDocuments,
  sloSpecsFromDirectory,
  sloSpecsFromFile,
  Sli,
  SloOutput,
  SpecLoadError,
  specProblems,
  specRuleGroups,
} from '../../src/slo';
import { expectValidManifests } from '../support/schema';
import { normaliseOutput, SLOTH_FIXTURES, slothFixtureCases } from './sloth-fixtures';

const FIX = path.join(__dirname, 'fixtures');
const caseInput = (n: string) => path.join(SLOTH_FIXTURES, n, 'input.yaml');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function loadError(fn: () => unknown): SpecLoadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecLoadError) return e;
    throw e;
  }
  throw new Error('expected a SpecLoadError');
}

describe('spec documents', () => {
  test('several documents per file, each with its start line; empty documents skipped', () => {
    const docs = parseSpecDocuments(
      'version: prometheus/v1\nservice: a\n---\n# only a comment\n---\napiVersion: openslo/v1alpha\nkind: SLO\n',
      'x.yaml',
    );
    expect(docs.map((d) => [d.index, d.line])).toEqual([
      [1, 1],
      [2, 6],
    ]);
    expect(docs[1].lineOf(['kind'])).toBe(7);
    expect(docs[1].lineOf(['spec', 'missing'])).toBe(6);
  });

  test('a YAML syntax error names the file and line', () => {
    const e = loadError(() => parseSpecDocuments('service: a\nslos:\n  - name: x\n   bad: [\n', 'broken.yaml'));
    expect(e.problems[0]).toMatchObject({ file: 'broken.yaml', line: 4 });
    expect(e.message).toMatch(/^broken\.yaml:4: YAML syntax error: /);
  });

  test('formats are detected as Sloth detects them', () => {
    expect(detectSpecFormat({ version: 'prometheus/v1' })).toBe('prometheus/v1');
    expect(detectSpecFormat({ apiVersion: 'sloth.slok.dev/v1', kind: 'PrometheusServiceLevel' })).toBe('sloth.slok.dev/v1');
    expect(detectSpecFormat({ apiVersion: 'openslo/v1alpha', kind: 'SLO' })).toBe('openslo/v1alpha');
    expect(detectSpecFormat({ apiVersion: 'sloth.slok.dev/v1', kind: 'AlertWindows' })).toBeUndefined();
    expect(detectSpecFormat({ version: 'prometheus/v2' })).toBeUndefined();
  });

  test('every golden case loads with its format; the Kubernetes one carries its metadata', () => {
    for (const c of slothFixtureCases()) {
      const [spec] = loadSpecFile(c.inputPath);
      expect(spec.format).toBe(c.name.includes('k8s') ? 'sloth.slok.dev/v1' : 'prometheus/v1');
      expect(spec.spec.slos.length).toBeGreaterThan(0);
    }
    const [k8s] = loadSpecFile(caseInput('example-k8s-getting-started'));
    expect(k8s.kubernetes).toMatchObject({ name: 'sloth-slo-my-service', namespace: 'monitoring' });
  });

  test('an unknown spec version is rejected with the formats that are supported', () => {
    const e = loadError(() => loadSpecFile(path.join(FIX, 'bad', 'unknown-version.yaml')));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ line: 1, field: 'version', problem: 'spec version "prometheus/v2" is not supported' });
  });

  test("types Sloth's decoder rejects are problems (a quoted objective), and all problems are reported at once", () => {
    const file = path.join(os.tmpdir(), `slo-types-${process.pid}.yaml`);
    fs.writeFileSync(
      file,
      'version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: "99.9"\n    sli: {plugin: {id: sloth-common/kubernetes/apiserver/availability}}\n    labels: {team: [a, b]}\n',
    );
    const e = loadError(() => loadSpecFile(file));
    fs.rmSync(file);
    expect(e.problems.map((p) => [p.line, p.field])).toEqual([
      [5, 'slos[0].objective'],
      [7, 'slos[0].labels.team'],
      [6, 'slos[0].sli.plugin'],
    ]);
  });
});

describe('OpenSLO', () => {
  test('targets are fractions: 0.999 becomes the objective 99.9; 99.9 is rejected as a percentage; 0 and 150 are out of range', () => {
    expect(openSloTargetProblem(0.999)).toBeUndefined();
    expect(openSloTargetProblem(1)).toBeUndefined();
    expect(openSloTargetProblem(99.9)).toEqual({
      field: 'target',
      problem: '99.9 looks like a percentage, but an OpenSLO target is a fraction in (0, 1]',
      fix: 'write 0.999 (the fraction), or use a Sloth spec, whose objective is in percent',
    });
    expect(openSloTargetProblem(0)?.problem).toBe('0 is outside (0, 1]');
    expect(openSloTargetProblem(150)?.problem).toBe('150 is outside (0, 1]');
    expect(openSloTargetProblem('0.9')?.problem).toBe('the target "0.9" is not a number');
    const [spec] = loadSpecFile(path.join(FIX, 'openslo', 'checkout.yaml'));
    expect(spec.spec.slos.map((s) => [s.name, s.objective])).toEqual([
      ['checkout-availability-0', 0.999 * 100],
      ['checkout-availability-1', 95],
    ]);
    expect(spec.periodMs).toBe(Duration.days(28).toMilliseconds());
  });

  test('what Sloth cannot convert is reported per field: non-ratio objectives, other sources, hour windows', () => {
    const r = openSloToSlothSpec({
      apiVersion: 'openslo/v1alpha',
      kind: 'SLO',
      metadata: { name: 'x' },
      spec: {
        service: 's',
        timeWindows: [{ count: 720, unit: 'Hour' }],
        objectives: [
          { target: 0.9 },
          {
            target: 0.9,
            ratioMetrics: {
              good: { source: 'datadog', queryType: 'promql', query: 'a' },
              total: { source: 'prometheus', queryType: 'sql', query: 'b' },
            },
          },
        ],
      },
    });
    expect(r.mapping).toBeUndefined();
    expect(r.problems.map((p) => p.field)).toEqual([
      'spec.timeWindows[0].unit',
      'spec.objectives[0].ratioMetrics',
      'spec.objectives[1].ratioMetrics.good.source',
      'spec.objectives[1].ratioMetrics.total.queryType',
    ]);
  });
});

describe('alert windows and generation', () => {
  test('an AlertWindows directory replaces the built-in windows', () => {
    const catalog = alertWindowsCatalog(loadAlertWindowsDirectory(path.join(FIX, 'windows-7d')));
    expect(catalog.periods()).toEqual(['1w']);
    expect(catalog.get(Duration.days(7).toMilliseconds())?.ticketSlow).toEqual({
      errorBudgetPercent: 20,
      shortWindowMs: 6 * 3600000,
      longWindowMs: 48 * 3600000,
    });
    expect(alertWindowsCatalog().periods()).toEqual(['4w', '30d']);
  });

  test('two different windows for one period, and a file that is not AlertWindows, are problems with their file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'windows-'));
    const text = fs.readFileSync(path.join(FIX, 'windows-7d', 'weekly.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'a.yaml'), text);
    fs.writeFileSync(path.join(dir, 'b.yaml'), text.replace('errorBudgetPercent: 5', 'errorBudgetPercent: 4'));
    fs.writeFileSync(path.join(dir, 'c.yml'), 'apiVersion: v1\nkind: ConfigMap\n');
    const e = loadError(() => loadAlertWindowsDirectory(dir));
    fs.rmSync(dir, { recursive: true });
    expect(e.problems.map((p) => [path.basename(p.file), p.problem.slice(0, 40)])).toEqual([
      ['b.yaml', 'the 1w period is already defined differe'],
      ['c.yml', 'not a Sloth AlertWindows document (want '],
    ]);
  });

  test('a period without windows is a located problem, not a crash', () => {
    const [spec] = loadSpecFile(path.join(FIX, 'openslo', 'checkout.yaml'));
    const problems = specProblems(spec, alertWindowsCatalog(loadAlertWindowsDirectory(path.join(FIX, 'windows-7d'))));
    expect(problems.map((p) => [p.field, p.slo])).toEqual([
      ['spec.timeWindows', 'checkout-availability-0'],
      ['spec.timeWindows', 'checkout-availability-1'],
    ]);
  });

  test("the exhausted-budget alert is Sloth's rule: remaining budget at or below the threshold, for 5m", () => {
    const [spec] = loadSpecFile(caseInput('base'));
    const groups = specRuleGroups(spec, alertWindowsCatalog(), {
      version: 'v',
      exhaustedAlerts: [{ threshold: 0.1, selectorLabels: { env: 'prod' }, annotations: { summary: 'budget gone' } }],
    });
    const alerts = groups.find((g) => g.name === 'sloth-slo-alerts-svc01-slo1')!;
    expect(alerts.rules[alerts.rules.length - 1]).toEqual({
      alert: 'ErrorBudgetExhausted',
      expr: 'slo:period_error_budget_remaining:ratio{env="prod", global01k1="global01v1", global02k1="global02v1", sloth_id="svc01-slo1", sloth_service="svc01", sloth_slo="slo1"} <= 0.1',
      for: '5m',
      annotations: { summary: 'budget gone' },
    });
    const model = { id: 'a-b', name: 'b', service: 'a', labels: {} } as unknown as Parameters<typeof errorBudgetExhaustedAlert>[0];
    expect(errorBudgetExhaustedAlert(model, { forMs: 3600000, alertName: 'X', alertLabels: { severity: 'info' } })).toEqual({
      alert: 'X',
      expr: 'slo:period_error_budget_remaining:ratio{sloth_id="a-b", sloth_service="a", sloth_slo="b"} <= 0',
      for: '1h',
      labels: { severity: 'info' },
    });
  });
});

describe('sloSpecsFromFile / sloSpecsFromDirectory: spec files in a cdk8s app', () => {
  test("a PrometheusServiceLevel file becomes a schema-valid PrometheusRule with Sloth's groups and the object's name", () => {
    const chart = new Chart(Testing.app(), 'test');
    const [spec] = sloSpecsFromFile(chart, 'my-service', caseInput('example-k8s-getting-started'), {
      extraLabels: { cmd: 'examplesgen.sh' },
      ruleSelectorLabels: {},
    });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs).toHaveLength(1);
    expect(objs[0].metadata).toMatchObject({ name: 'sloth-slo-my-service', namespace: 'monitoring' });
    expect(spec.node.id).toBe('my-service');
    const expected = normaliseOutput(fs.readFileSync(path.join(SLOTH_FIXTURES, 'example-k8s-getting-started', 'expected.yaml'), 'utf8'))[0];
    const actual = normaliseOutput(YAML.stringify(objs[0]))[0];
    expect(actual.spec.groups.map((g: Json) => g.name)).toEqual(expected.spec.groups.map((g: Json) => g.name));
    const infoOf = (d: Json) => d.spec.groups.flatMap((g: Json) => g.rules).find((r: Json) => r.record === 'sloth_slo_info');
    expect(infoOf(actual).labels.sloth_spec).toBe('sloth.slok.dev/v1');
    // Same rules as Sloth except the info rule's generator labels.
    const strip = (d: Json) => d.spec.groups.flatMap((g: Json) => g.rules).filter((r: Json) => r.record !== 'sloth_slo_info');
    expect(strip(actual)).toEqual(strip(expected));
  });

  test('the emitted objects are exposed: addJsonPatch reaches the YAML', () => {
    const chart = new Chart(Testing.app(), 'test');
    const [spec] = sloSpecsFromFile(chart, 'base', caseInput('base'));
    spec.apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/owner': 'sre' }));
    const [obj] = Testing.synth(chart);
    expect(obj.metadata.annotations).toEqual({ 'example.com/owner': 'sre' });
    expectValidManifests([obj]);
  });

  test('an OpenSLO file keeps its 28d window as the period; a multi-document file gives numbered ids', () => {
    const chart = new Chart(Testing.app(), 'test');
    const [open] = sloSpecsFromFile(chart, 'checkout', path.join(FIX, 'openslo', 'checkout.yaml'), { output: SloOutput.rulesConfigMap() });
    expect(open.alertWindows.sloPeriodMs).toBe(Duration.days(28).toMilliseconds());
    const multi = path.join(os.tmpdir(), `multi-${process.pid}.yaml`);
    fs.writeFileSync(multi, `${fs.readFileSync(caseInput('base'), 'utf8')}\n---\n${fs.readFileSync(caseInput('example-home-wifi'), 'utf8')}`);
    const specs = sloSpecsFromFile(chart, 'multi', multi);
    fs.rmSync(multi);
    expect(specs.map((s) => s.node.id)).toEqual(['multi-1', 'multi-2']);
    expectValidManifests(Testing.synth(chart));
  });

  test('moving one SLO at a time: a loaded spec takes typed SLOs with addSlo()', () => {
    const chart = new Chart(Testing.app(), 'test');
    const [checkout] = sloSpecsFromFile(chart, 'checkout', path.join(FIX, 'openslo', 'checkout.yaml'));
    checkout.addSlo({
      name: 'requests-latency',
      objective: 99,
      sli: Sli.latency({ selector: { job: 'checkout' }, thresholdBucket: '0.3' }),
      alerting: { name: 'CheckoutLatency' },
    });
    const [obj] = Testing.synth(chart);
    expectValidManifests([obj]);
    const ids = obj.spec.groups
      .flatMap((g: Json) => g.rules)
      .filter((r: Json) => r.record === 'sloth_slo_info')
      .map((r: Json) => r.labels.sloth_id);
    expect(ids).toEqual(['checkout-checkout-availability-0', 'checkout-checkout-availability-1', 'checkout-requests-latency']);
  });

  test('a directory of specs, filtered, gives one SloSpec per document', () => {
    const chart = new Chart(Testing.app(), 'test');
    const specs = sloSpecsFromDirectory(chart, 'slos', path.join(FIX, 'openslo'), { discovery: { exclude: /as-sloth/ } });
    expect(specs.map((s) => s.node.id)).toEqual(['slos-checkout']);
    expectValidManifests(Testing.synth(chart));
  });

  test('a bad file throws before anything is emitted, naming file, line and field', () => {
    const chart = new Chart(Testing.app(), 'test');
    const e = loadError(() => sloSpecsFromFile(chart, 'x', path.join(FIX, 'bad', 'openslo-percent-target.yaml')));
    expect(e.message).toMatch(/openslo-percent-target\.yaml:9: document 1: spec\.objectives\[0\]\.target: 99\.9 looks like a percentage/);
    expect(chart.node.children).toHaveLength(0);
  });
});
