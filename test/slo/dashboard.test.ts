import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { parser } from '@prometheus-io/lezer-promql';
import * as YAML from 'yaml';
import { findSynthFiles, ResilienceValidationError, writeSynthFiles } from '../../src/common';
import {
  AlertWindows,
  burnRateThresholds,
  DashboardRefresh,
  DashboardTimeRange,
  GrafanaDashboard,
  promqlSyntaxProblem,
  Sli,
  SloDashboard,
  sloDashboard,
  SloDashboardProps,
  SloSpec,
} from '../../src/slo';
import { expectValidManifests } from '../support/schema';
import { testRules } from '../support/promtool';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every PromQL query of a dashboard, with where it comes from. */
function dashboardQueries(d: GrafanaDashboard): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const a of d.annotations.list) if (a.expr) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    // Grafana's label_values(selector, label) is not PromQL; its selector is.
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.query);
    if (!m) throw new Error(`variable ${v.name}: not a label_values() query: ${v.query}`);
    out.push({ where: `variable "${v.name}"`, expr: m[1] });
  }
  return out;
}

/** Replaces Grafana's variables with values, as Grafana does before sending a query. */
function substitute(expr: string, values: Record<string, string> = {}): string {
  const vars: Record<string, string> = {
    service: 'auth-service',
    slo: 'requests-availability',
    datasource: 'prometheus',
    __rate_interval: '1m',
    __interval: '30s',
    __range: '1h',
    ...values,
  };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    if (!(name in vars)) throw new Error(`unknown variable $${name} in ${expr}`);
    return vars[name];
  });
}

interface Selector {
  readonly metric?: string;
  readonly matchers: Array<{ name: string; op: string; value: string }>;
}

/** The vector selectors of a query, from the Prometheus grammar's syntax tree. */
function selectorsOf(expr: string): Selector[] {
  const out: Selector[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name !== 'VectorSelector') return undefined;
      const node = ref.node;
      const id = node.getChild('Identifier');
      const matchers = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((m) => ({
        name: expr.slice(m.getChild('LabelName')!.from, m.getChild('LabelName')!.to),
        op: expr.slice(m.getChild('MatchOp')!.from, m.getChild('MatchOp')!.to),
        value: JSON.parse(expr.slice(m.getChild('StringLiteral')!.from, m.getChild('StringLiteral')!.to)) as string,
      }));
      out.push({ metric: id ? expr.slice(id.from, id.to) : undefined, matchers });
      return false;
    },
  });
  return out;
}

const authSlo = {
  name: 'requests-availability',
  objective: 99.9,
  sli: Sli.availability({ selector: { job: 'auth-service' } }),
  alerting: { name: 'AuthServiceErrorBudgetBurn' },
};

/** What SloSpec generates: rule names and labels, for a 30d and a 28d spec. */
function generated() {
  const specs = [30, 28].map(
    (days) => new SloSpec(Testing.chart(), 'slos', { service: 'auth-service', period: Duration.days(days), slos: [authSlo] }),
  );
  const rules = specs.flatMap((s) => s.ruleGroups.flatMap((g) => g.rules));
  return {
    records: new Set(rules.flatMap((r) => (r.record ? [r.record] : []))),
    recordLabels: new Set(rules.filter((r) => r.record).flatMap((r) => Object.keys(r.labels ?? {}))),
    alertLabels: new Set(rules.filter((r) => r.alert).flatMap((r) => Object.keys(r.labels ?? {}))),
    rulesFile: specs[0].toRulesFile(),
  };
}

describe('sloDashboard (pure core)', () => {
  const d = sloDashboard();
  const queries = dashboardQueries(d);

  test('defaults: title, stable uid, tags, refresh, time range, schema version', () => {
    expect(d).toMatchObject({
      id: null,
      title: 'SLOs',
      uid: 'slo-overview',
      tags: ['slo', 'sloth'],
      refresh: '1m',
      time: { from: 'now-7d', to: 'now' },
      schemaVersion: 39,
    });
    expect(sloDashboard().uid).toBe(d.uid);
    expect(JSON.stringify(sloDashboard())).toBe(JSON.stringify(d));
  });

  test('options are applied', () => {
    const o = sloDashboard({
      title: 'Payments SLOs',
      uid: 'payments-slos',
      tags: ['payments'],
      refresh: DashboardRefresh.every(Duration.seconds(30)),
      timeRange: DashboardTimeRange.last(Duration.days(30)),
      defaultDatasource: 'Prometheus',
    });
    expect(o).toMatchObject({
      title: 'Payments SLOs',
      uid: 'payments-slos',
      tags: ['payments'],
      refresh: '30s',
      time: { from: 'now-30d', to: 'now' },
    });
    expect(o.templating.list[0].current).toEqual({ selected: true, text: 'Prometheus', value: 'Prometheus' });
    expect(sloDashboard({ refresh: DashboardRefresh.off() }).refresh).toBe('');
    // Grafana takes one number and one unit.
    expect(
      sloDashboard({ refresh: DashboardRefresh.every(Duration.seconds(90)), timeRange: DashboardTimeRange.last(Duration.days(28)) }),
    ).toMatchObject({ refresh: '90s', time: { from: 'now-28d' } });
    expect(sloDashboard({ timeRange: DashboardTimeRange.last(Duration.hours(36)) }).time.from).toBe('now-36h');
    expect(sloDashboard({ timeRange: DashboardTimeRange.of({ from: 'now-30d/d', to: 'now' }) }).time).toEqual({ from: 'now-30d/d', to: 'now' });
  });

  test('variables: a Prometheus data source, the service and the SLO from sloth_slo_info', () => {
    const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(Object.keys(vars)).toEqual(['datasource', 'service', 'slo']);
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.service).toMatchObject({
      type: 'query',
      query: 'label_values(sloth_slo_info, sloth_service)',
      datasource: { type: 'prometheus', uid: '${datasource}' },
    });
    expect(vars.slo).toMatchObject({ type: 'query', query: 'label_values(sloth_slo_info{sloth_service="$service"}, sloth_slo)' });
  });

  test('panels: the SLI, objective, budget, burn rates and alerts, as stat, gauge and time series', () => {
    const byTitle = Object.fromEntries(d.panels.map((p) => [p.title, p]));
    const exprs = (title: string) => (byTitle[title]?.targets ?? []).map((t) => t.expr);
    expect(new Set(d.panels.map((p) => p.type))).toEqual(new Set(['stat', 'gauge', 'timeseries']));
    expect(exprs('Availability (5m)')).toEqual(['1 - max(slo:sli_error:ratio_rate5m{sloth_service="$service", sloth_slo="$slo"})']);
    expect(exprs('Objective')).toEqual(['max(slo:objective:ratio{sloth_service="$service", sloth_slo="$slo"})']);
    expect(exprs('SLI: availability').join('\n')).toMatch(/slo:period_burn_rate:ratio[\s\S]*slo:error_budget:ratio/);
    expect(byTitle['Error budget remaining']).toMatchObject({
      type: 'gauge',
      targets: [{ expr: 'max(slo:period_error_budget_remaining:ratio{sloth_service="$service", sloth_slo="$slo"})' }],
    });
    expect(exprs('Burn rate')).toEqual([
      'max(slo:current_burn_rate:ratio{sloth_service="$service", sloth_slo="$slo"})',
      'max(slo:period_burn_rate:ratio{sloth_service="$service", sloth_slo="$slo"})',
    ]);
    expect(exprs('Alerts firing by severity')).toEqual([
      'count by (sloth_severity) (ALERTS{sloth_service="$service", sloth_slo="$slo", alertstate="firing"})',
    ]);
    // Every query goes through the data source variable.
    for (const p of d.panels) for (const t of p.targets ?? []) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  test('panel ids are unique and the grid has no overlaps within 24 columns', () => {
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    const cells = new Set<string>();
    for (const p of d.panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  test('every panel, annotation and variable query parses as PromQL once variables are substituted', () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const q of queries)
      expect({ where: q.where, problem: promqlSyntaxProblem(substitute(q.expr)) }).toEqual({ where: q.where, problem: undefined });
    // The check is not vacuous: a broken query is caught.
    expect(promqlSyntaxProblem(substitute('max(slo:objective:ratio{sloth_service="$service"'))).toBeDefined();
  });

  test("the queries use only what SloSpec generates (and Prometheus' ALERTS series)", () => {
    const g = generated();
    const used = queries.flatMap((q) => selectorsOf(substitute(q.expr)).map((s) => ({ ...s, where: q.where })));
    expect(used.length).toBeGreaterThanOrEqual(queries.length);
    for (const s of used) {
      const nameRegex = s.matchers.find((m) => m.name === '__name__' && m.op === '=~');
      if (s.metric === 'ALERTS') {
        // Alerts carry the SLO labels of the expression and sloth_severity from the rule.
        for (const m of s.matchers.filter((x) => x.name !== 'alertstate')) expect([s.where, g.recordLabels.has(m.name)]).toEqual([s.where, true]);
        expect(g.alertLabels.has('sloth_severity')).toBe(true);
      } else if (nameRegex) {
        const re = new RegExp(`^(?:${nameRegex.value})$`);
        const matched = [...g.records].filter((r) => re.test(r));
        // every SLI window of both periods (Sloth names the 28d period 4w), and nothing else
        expect(matched.sort()).toEqual([...g.records].filter((r) => r.startsWith('slo:sli_error:ratio_rate')).sort());
        expect(matched).toEqual(expect.arrayContaining(['slo:sli_error:ratio_rate5m', 'slo:sli_error:ratio_rate30d', 'slo:sli_error:ratio_rate4w']));
      } else {
        expect([s.where, s.metric, g.records.has(s.metric!)]).toEqual([s.where, s.metric, true]);
      }
      for (const m of s.matchers.filter((x) => x.name !== '__name__' && x.name !== 'alertstate'))
        expect([s.where, m.name, g.recordLabels.has(m.name)]).toEqual([s.where, m.name, true]);
    }
    expect(used.map((s) => s.metric)).toEqual(
      expect.arrayContaining([
        'sloth_slo_info',
        'slo:sli_error:ratio_rate5m',
        'slo:period_error_budget_remaining:ratio',
        'slo:current_burn_rate:ratio',
        'slo:period_burn_rate:ratio',
        'slo:objective:ratio',
        'ALERTS',
      ]),
    );
  });

  test('burn-rate colours are the alert factors of the windows (30d: 1, 3, 6, 14.4; 28d: derived)', () => {
    const burn = d.panels.find((p) => p.title === 'Current burn rate')!;
    const steps = (burn.fieldConfig!.defaults.thresholds as Json).steps.map((s: Json) => s.value);
    expect(steps).toEqual([null, 1, 3, 6, 14.4]);
    const d28 = burnRateThresholds(AlertWindows.twentyEightDays().model).map((s) => s.value);
    expect(d28).toEqual([null, 0.9333, 2.8, 5.6, 13.44]);
    const custom = sloDashboard({ alertWindows: AlertWindows.twentyEightDays().model });
    expect((custom.panels.find((p) => p.title === 'Burn rate')!.fieldConfig!.defaults.thresholds as Json).steps.map((s: Json) => s.value)).toEqual(
      d28,
    );
  });

  test('snapshot of the whole dashboard', () => {
    expect(d).toMatchSnapshot();
  });
});

describe('the dashboard queries against generated rules (promtool)', () => {
  test('at 0.2% errors: availability 99.8%, objective 99.9%, burn rate 2, ticket alert only', () => {
    const g = generated();
    const q = Object.fromEntries(
      sloDashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => [`${p.title}/${t.legendFormat}`, substitute(t.expr)])),
    );
    const series = [
      { series: 'http_requests_total{job="auth-service",code="200"}', values: '0+9980x240' },
      { series: 'http_requests_total{job="auth-service",code="500"}', values: '0+20x240' },
    ];
    const at = (expr: string, value: number, labels = '{}') => ({
      expr: `round((${expr}) * 10000)`,
      eval_time: '4h',
      exp_samples: [{ labels, value }],
    });
    const r = testRules({ 'rules.yaml': g.rulesFile }, [
      {
        name: 'dashboard queries',
        input_series: series,
        promql_expr_test: [
          at(q['Availability (5m)/availability 5m'], 9980),
          at(q['Objective/objective'], 9990),
          at(q['Current burn rate/current'], 20000),
          at(q['Period burn rate/period'], 20000),
          at(q['Availability (SLO period)/availability period'], 9980),
          at(q['Error budget remaining/remaining'], -10000),
          at(q['Alerts firing/firing'], 10000),
          at(q['Alerts firing by severity/{{sloth_severity}}'], 10000, '{sloth_severity="ticket"}'),
        ],
      },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.exitCode).toBe(0);
  });
});

describe('SloDashboard (construct)', () => {
  function synth(props?: SloDashboardProps) {
    const chart = Testing.chart();
    const dash = new SloDashboard(chart, 'dashboard', props);
    return { chart, dash, objs: Testing.synth(chart) as Json[] };
  }

  test('defaults: one ConfigMap in monitoring, labelled for the sidecar, with <name>.json', () => {
    const { dash, objs } = synth();
    expectValidManifests(objs);
    expect(objs).toHaveLength(1);
    const cm = objs[0];
    expect(cm).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'slo-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' } },
    });
    expect(cm.metadata.annotations).toBeUndefined();
    expect(Object.keys(cm.data)).toEqual(['slo-dashboard.json']);
    expect(JSON.parse(cm.data['slo-dashboard.json'])).toEqual(JSON.parse(JSON.stringify(dash.dashboard)));
    expect(dash.dashboard).toEqual(sloDashboard());
    // The dashboard itself is snapshotted above; here the object around it.
    expect({ ...cm, data: { 'slo-dashboard.json': '<dashboard JSON>' } }).toMatchSnapshot();
  });

  test('name, namespace, sidecar label, folder and dashboard options', () => {
    const { dash, objs } = synth({
      name: 'payments-slos',
      namespace: 'observability',
      sidecarLabel: { grafana_dashboard: 'slo' },
      folder: 'SLOs',
      uid: 'payments',
      title: 'Payments',
    });
    expectValidManifests(objs);
    const cm = objs[0];
    expect(cm.metadata).toMatchObject({
      name: 'payments-slos',
      namespace: 'observability',
      labels: { grafana_dashboard: 'slo' },
      annotations: { grafana_folder: 'SLOs' },
    });
    expect(Object.keys(cm.data)).toEqual(['payments-slos.json']);
    expect(JSON.parse(cm.data['payments-slos.json'])).toMatchObject({ uid: 'payments', title: 'Payments' });
    expect(dash.dataKey).toBe('payments-slos.json');
    const other = synth({ folder: 'SLOs', folderAnnotation: 'k8s-sidecar-target-directory' }).objs[0];
    expect(other.metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': 'SLOs' });
  });

  test('the SynthFile writes the same JSON, as plain JSON, to slo-dashboard.json', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-'));
    try {
      const app = new App({ outdir });
      const chart = new Chart(app, 'slo-dashboard');
      const dash = new SloDashboard(chart, 'dashboard');
      const files = findSynthFiles(app);
      expect(files.map((f) => f.relativePath)).toEqual(['slo-dashboard.json']);
      const written = writeSynthFiles(app);
      expect(written).toEqual([path.join(outdir, 'slo-dashboard.json')]);
      const text = fs.readFileSync(written[0], 'utf8');
      const cm = Testing.synth(chart)[0] as Json;
      expect(text).toBe(cm.data['slo-dashboard.json']);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(dash.dashboard)));
      expect(synth({ jsonFileName: 'grafana/slos.json' }).dash.file.relativePath).toBe('grafana/slos.json');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('escape hatch: addJsonPatch on the ConfigMap reaches the YAML', () => {
    const chart = Testing.chart();
    const dash = new SloDashboard(chart, 'dashboard');
    dash.configMap.addJsonPatch(
      JsonPatch.add('/metadata/labels/team', 'sre'),
      JsonPatch.add('/metadata/annotations', { 'grafana.com/owner': 'sre' }),
    );
    const objs = Testing.synth(chart) as Json[];
    expectValidManifests(objs);
    const yaml = YAML.stringify(objs[0]);
    expect(yaml).toMatch(/team: sre/);
    expect(yaml).toMatch(/grafana.com\/owner: sre/);
  });

  describe('validation: one message per rule, all at once, nothing emitted', () => {
    function problemsOf(props: SloDashboardProps): string {
      const chart = Testing.chart();
      let err: unknown;
      try {
        new SloDashboard(chart, 'dashboard', props);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ResilienceValidationError);
      expect(Testing.synth(chart)).toEqual([]);
      return (err as Error).message;
    }

    test.each<[string, SloDashboardProps, RegExp]>([
      [
        'uid',
        { uid: 'has spaces and is far too long for a grafana uid' },
        /^1 problem in test\/dashboard:\n\s+\[test\/dashboard\] uid: "has spaces[^"]*" is not a Grafana dashboard uid .* Fix: use a short stable id/,
      ],
      ['title', { title: ' ' }, /\] title: the title is empty\. Fix: give a title/],
      ['tags', { tags: ['slo', ''] }, /\] tags\[1\]: the tag is empty\. Fix:/],
      [
        'refresh too short',
        { refresh: DashboardRefresh.every(Duration.seconds(1)) },
        /\] refresh: 1000ms is below Grafana's default minimum refresh interval \(5s\).* Fix: refresh every 5s or more/,
      ],
      ['refresh raw', { refresh: DashboardRefresh.of('soon') }, /\] refresh: "soon" is not a Grafana refresh interval\. Fix:/],
      ['timeRange', { timeRange: DashboardTimeRange.last(Duration.seconds(0)) }, /\] timeRange: the time range is empty\. Fix:/],
      ['defaultDatasource', { defaultDatasource: '' }, /\] defaultDatasource: the data source name is empty\. Fix:/],
      ['name', { name: 'SLO_Dashboard' }, /\] name: "SLO_Dashboard" is not a DNS-1123 subdomain.* Fix: use a DNS-1123 name/],
      ['namespace', { namespace: 'Monitoring' }, /\] namespace: "Monitoring" is not a DNS-1123 label.* Fix:/],
      ['sidecarLabel empty', { sidecarLabel: {} }, /\] sidecarLabel: no label is given, so the sidecar would never load the dashboard\. Fix:/],
      [
        'sidecarLabel invalid',
        { sidecarLabel: { grafana_dashboard: 'not ok' } },
        /\] sidecarLabel\.grafana_dashboard: label value "not ok" is invalid.* Fix:/,
      ],
      ['folder', { folder: 'a/b' }, /\] folder: "a\/b" is not a folder name.* Fix: give a plain folder name/],
      [
        'folderAnnotation',
        { folder: 'SLOs', folderAnnotation: 'bad key!' },
        /\] folderAnnotation: annotation key "bad key!" has an invalid name part.* Fix:/,
      ],
      ['jsonFileName', { jsonFileName: '../dashboard.yaml' }, /\] jsonFileName: "..\/dashboard.yaml" is not a relative path ending in \.json\. Fix:/],
    ])('%s', (_rule, props, message) => {
      expect(problemsOf(props)).toMatch(message);
    });

    test('every problem is reported in one error', () => {
      const msg = problemsOf({ uid: 'x y', name: 'Bad', namespace: 'Bad', sidecarLabel: {}, jsonFileName: 'x.txt' });
      expect(msg).toMatch(/^5 problems in /);
      for (const f of ['uid', 'name', 'namespace', 'sidecarLabel', 'jsonFileName']) expect(msg).toMatch(new RegExp(`\\] ${f}: `));
    });

    test('the pure core throws the same problems', () => {
      expect(() => sloDashboard({ uid: 'x y' })).toThrow(/\[sloDashboard\] uid: "x y" is not a Grafana dashboard uid/);
    });
  });
});
