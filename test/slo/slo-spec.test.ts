import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ResilienceValidationError } from '../../src/common';
import { AlertWindows, Sli, SloOutput, SloSpec, SloSpecProps } from '../../src/slo';
import { expectValidManifests } from '../support/schema';
import { LIBRARY_VERSION } from '../../src/common/version';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const availability = Sli.events({
  errorQuery: 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))',
  totalQuery: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))',
});

function props(over: Partial<SloSpecProps> = {}): SloSpecProps {
  return {
    service: 'api',
    slos: [{ name: 'availability', objective: 99.9, sli: availability, alerting: { name: 'ApiHighErrorRate' } }],
    ...over,
  };
}

function synth(over: Partial<SloSpecProps> = {}): { objs: Json[]; spec: SloSpec } {
  const chart = Testing.chart();
  const spec = new SloSpec(chart, 'slos', props(over));
  return { objs: Testing.synth(chart), spec };
}

function problemsOf(over: Partial<SloSpecProps>): string {
  try {
    synth(over);
  } catch (e) {
    expect(e).toBeInstanceOf(ResilienceValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('SloSpec output', () => {
  test('a PrometheusRule by default: schema-valid, named, labelled for kube-prometheus-stack', () => {
    const { objs } = synth();
    expectValidManifests(objs);
    expect(objs).toHaveLength(1);
    const rule = objs[0];
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toEqual({
      name: 'api-slos',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience', 'app.kubernetes.io/component': 'SLO', release: 'monitoring' },
    });
    expect(rule.spec.groups.map((g: Json) => g.name)).toEqual([
      'sloth-slo-sli-recordings-api-availability',
      'sloth-slo-meta-recordings-api-availability',
      'sloth-slo-alerts-api-availability',
    ]);
    const [page, ticket] = rule.spec.groups[2].rules;
    expect(page.labels.sloth_severity).toBe('page');
    expect(page.expr).toContain(
      'slo:sli_error:ratio_rate5m{sloth_id="api-availability", sloth_service="api", sloth_slo="availability"} > (14.4 * 0.0009999999999999432)',
    );
    expect(page.expr).toContain('ratio_rate6h{sloth_id="api-availability", sloth_service="api", sloth_slo="availability"} > (6 * ');
    expect(ticket.expr).toContain('ratio_rate1d{sloth_id="api-availability", sloth_service="api", sloth_slo="availability"} > (3 * ');
    expect(ticket.expr).toContain('ratio_rate3d{sloth_id="api-availability", sloth_service="api", sloth_slo="availability"} > (1 * ');
    expect(rule.spec.groups[0].rules.map((r: Json) => r.record)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
    );
    const info = objs[0].spec.groups.flatMap((g: Json) => g.rules).find((r: Json) => r.record === 'sloth_slo_info');
    expect(info.labels.sloth_version).toBe(LIBRARY_VERSION);
    expect(YAML.stringify(objs).replace(`sloth_version: ${LIBRARY_VERSION}`, 'sloth_version: <library version>')).toMatchSnapshot();
  });

  test('rule selector labels, name and namespace are configurable', () => {
    const { objs } = synth({ ruleSelectorLabels: { prometheus: 'k8s' }, name: 'my-rules', namespace: 'obs' });
    expect(objs[0].metadata.labels.prometheus).toBe('k8s');
    expect(objs[0].metadata.labels.release).toBeUndefined();
    expect(objs[0].metadata.name).toBe('my-rules');
    expect(objs[0].metadata.namespace).toBe('obs');
  });

  test('a Sloth PrometheusServiceLevel, valid against the Sloth CRD', () => {
    const { objs } = synth({ output: SloOutput.slothServiceLevel(), labels: { team: 'a' } });
    expectValidManifests(objs);
    expect(objs[0].kind).toBe('PrometheusServiceLevel');
    expect(objs[0].spec.service).toBe('api');
    expect(objs[0].spec.labels).toEqual({ team: 'a' });
    expect(objs[0].spec.slos[0]).toMatchObject({
      name: 'availability',
      objective: 99.9,
      sli: { events: { errorQuery: expect.stringContaining('{{.window}}'), totalQuery: expect.stringContaining('{{.window}}') } },
      alerting: { name: 'ApiHighErrorRate' },
    });
  });

  test('a plain rules file in a ConfigMap', () => {
    const { objs, spec } = synth({ output: SloOutput.rulesConfigMap({ fileName: 'slo.rules.yaml' }) });
    expectValidManifests(objs);
    expect(objs[0].kind).toBe('ConfigMap');
    const file = YAML.parse(objs[0].data['slo.rules.yaml']);
    expect(file.groups).toHaveLength(3);
    expect(objs[0].data['slo.rules.yaml']).toBe(spec.toRulesFile());
  });

  test('no alerts, no recordings, extra labels', () => {
    expect(synth({ disableAlerts: true }).objs[0].spec.groups.map((g: Json) => g.name)).toEqual([
      'sloth-slo-sli-recordings-api-availability',
      'sloth-slo-meta-recordings-api-availability',
    ]);
    expect(synth({ disableRecordings: true }).objs[0].spec.groups.map((g: Json) => g.name)).toEqual(['sloth-slo-alerts-api-availability']);
    const rules = synth({ extraLabels: { env: 'prod' } }).objs[0].spec.groups.flatMap((g: Json) => g.rules);
    expect(rules.filter((r: Json) => r.record).every((r: Json) => r.labels.env === 'prod')).toBe(true);
  });

  test('a 28d period uses 4w windows and 28-day burn factors', () => {
    const rule = synth({ period: Duration.days(28) }).objs[0];
    expect(rule.spec.groups[0].rules[7].record).toBe('slo:sli_error:ratio_rate4w');
    expect(rule.spec.groups[2].rules[0].expr).toContain('(13.44 * ');
    expect(rule.spec.groups[1].rules[2].expr).toBe('vector(28)');
  });

  test('custom alert windows serve any period', () => {
    const w = (pct: number, s: Duration, l: Duration) => ({ errorBudgetPercent: pct, shortWindow: s, longWindow: l });
    const windows = AlertWindows.custom({
      period: Duration.days(7),
      pageQuick: w(8, Duration.minutes(5), Duration.hours(1)),
      pageSlow: w(12.5, Duration.minutes(30), Duration.hours(6)),
      ticketQuick: w(20, Duration.hours(2), Duration.days(1)),
      ticketSlow: w(42, Duration.hours(6), Duration.days(3)),
    });
    const rule = synth({ period: Duration.days(7), alertWindows: [windows] }).objs[0];
    expect(rule.spec.groups[0].rules.map((r: Json) => r.labels.sloth_window)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '1w']);
    // 8% of a 168h budget in 1h: 13.44x
    expect(rule.spec.groups[2].rules[0].expr).toContain('(13.44 * ');
  });

  test('SLOs added after construction are generated', () => {
    const chart = Testing.chart();
    const spec = new SloSpec(chart, 'slos', props());
    spec.addSlo({
      name: 'latency',
      objective: 99,
      sli: Sli.latency({ selector: { job: 'api' }, thresholdBucket: '0.5' }),
      alerting: { name: 'ApiSlow' },
    });
    const objs = Testing.synth(chart);
    expect(objs[0].spec.groups).toHaveLength(6);
    expectValidManifests(objs);
  });

  test('the escape hatch reaches the YAML, for fields outside the schema too', () => {
    const chart = Testing.chart();
    const spec = new SloSpec(chart, 'slos', props());
    spec.apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/owner': 'sre' }));
    spec.apiObject.addJsonPatch(JsonPatch.add('/spec/x-unmodelled', true));
    spec.apiObject.metadata.addLabel('extra', 'yes');
    const obj = Testing.synth(chart)[0];
    expect(obj.metadata.annotations).toEqual({ 'example.com/owner': 'sre' });
    expect(obj.metadata.labels.extra).toBe('yes');
    expect(obj.spec['x-unmodelled']).toBe(true);
    expect(obj.spec.groups).toHaveLength(3);
  });
});

describe('SLI helpers', () => {
  test('availability counts the error status codes over all requests', () => {
    expect(Sli.availability({ selector: { job: 'a' }, statusLabel: 'status', errorStatusRegex: '5..|429' }).model.events).toEqual({
      errorQuery: 'sum(rate(http_requests_total{job="a",status=~"5..|429"}[{{.window}}]))',
      totalQuery: 'sum(rate(http_requests_total{job="a"}[{{.window}}]))',
    });
  });

  test('latency counts requests above the threshold bucket: _count minus _bucket{le}', () => {
    expect(Sli.latency({ selector: { job: 'a' }, thresholdBucket: '0.25' }).model.events).toEqual({
      errorQuery:
        '(sum(rate(http_request_duration_seconds_count{job="a"}[{{.window}}])) - sum(rate(http_request_duration_seconds_bucket{job="a",le="0.25"}[{{.window}}])))',
      totalQuery: 'sum(rate(http_request_duration_seconds_count{job="a"}[{{.window}}]))',
    });
  });

  test('throughput is the undelivered share of the minimum rate', () => {
    expect(Sli.throughput({ metric: 'jobs_total', minPerSecond: 50 }).model.raw?.errorRatioQuery).toBe(
      '1 - clamp_max(sum(rate(jobs_total[{{.window}}])) / 50, 1)',
    );
  });
});

describe('SloSpec validation: every problem at once, nothing emitted', () => {
  const slo = (over: Json) => ({ slos: [{ name: 'availability', objective: 99.9, sli: availability, alerting: { name: 'A' }, ...over }] });

  test.each([
    [0, /slos\[0\]\.objective: 0 is outside \(0, 100\]/],
    [101, /slos\[0\]\.objective: 101 is outside/],
    [100, /slos\[0\]\.objective: 100 leaves no error budget/],
  ])('objective %p is rejected', (objective, re) => {
    expect(problemsOf(slo({ objective }))).toMatch(re);
  });

  test('a query without {{.window}}', () => {
    const msg = problemsOf(slo({ sli: Sli.events({ errorQuery: 'sum(rate(x[5m]))', totalQuery: 'sum(rate(y[{{.window}}]))' }) }));
    expect(msg).toMatch(
      /\[test\/slos\] slos\[0\]\.sli\.events\.errorQuery: the query does not contain the \{\{\.window\}\} variable\. Fix: use \{\{\.window\}\}/,
    );
  });

  test('a query that does not parse as PromQL', () => {
    const msg = problemsOf(slo({ sli: Sli.raw('sum(rate(x[{{.window}}])') }));
    expect(msg).toMatch(/slos\[0\]\.sli\.raw\.errorRatioQuery: the query does not parse: PromQL syntax error/);
  });

  test('template actions other than {{.window}}', () => {
    expect(problemsOf(slo({ sli: Sli.raw('rate(x[{{.window}}]) / {{.foo}}') }))).toMatch(
      /template actions other than \{\{\.window\}\}: \{\{\.foo\}\}/,
    );
  });

  test('duplicate SLO names', () => {
    const s = { name: 'availability', objective: 99, sli: availability, alerting: { name: 'A' } };
    expect(problemsOf({ slos: [s, s] })).toMatch(/slos\[1\]\.name: SLO "availability" is defined twice in service "api"/);
  });

  test('invalid label names', () => {
    const msg = problemsOf({ ...slo({ labels: { 'my-label': 'x' } }), labels: { __bad: 'y' } });
    expect(msg).toMatch(/slos\[0\]\.labels\.my-label: "my-label" is not a valid Prometheus label name/);
    expect(msg).toMatch(/slos\[0\]\.labels\.__bad: "__bad" is not a valid Prometheus label name/);
  });

  test('invalid alert label names and empty values', () => {
    expect(problemsOf(slo({ alerting: { name: 'A', labels: { 'bad-key': 'v', ok: '' } } }))).toMatch(
      /alerting\.pageAlert\.labels\.bad-key: "bad-key" is not a valid Prometheus label name[\s\S]*alerting\.pageAlert\.labels\.ok: the label value is empty/,
    );
  });

  test('a period with no alert windows', () => {
    expect(problemsOf({ ...slo({}), period: Duration.days(14) })).toMatch(
      /period: no alert windows for a 2w period \(available: 4w, 30d\)\. Fix: use Duration\.days\(30\)/,
    );
  });

  test('alerts enabled without a name', () => {
    expect(problemsOf(slo({ alerting: {} }))).toMatch(
      /slos\[0\]\.alerting\.pageAlert\.name: alerts are enabled but have no name\. Fix: set alerting\.name/,
    );
    expect(problemsOf(slo({ alerting: undefined }))).toMatch(/alerting\.ticketAlert\.name: alerts are enabled but have no name/);
  });

  test('no alerting needed when both alerts are disabled', () => {
    expect(() => synth(slo({ alerting: { pageAlert: { disable: true }, ticketAlert: { disable: true } } }))).not.toThrow();
  });

  test('burn-rate windows under 4x the scrape interval', () => {
    expect(problemsOf({ ...slo({}), scrapeInterval: Duration.minutes(2) })).toMatch(
      /scrapeInterval: the shortest alert window \(5m\) is under 4 scrape intervals \(8m\)/,
    );
    expect(() => synth({ ...slo({}), scrapeInterval: Duration.seconds(75) })).not.toThrow();
  });

  test('a latency threshold that is not a bucket boundary', () => {
    expect(problemsOf(slo({ sli: Sli.latency({ thresholdBucket: '500ms' }) }))).toMatch(
      /slos\[0\]\.sli: latency threshold bucket "500ms" is not a bucket boundary/,
    );
  });

  test('an invalid service name and object name', () => {
    const msg = problemsOf({ ...slo({}), service: 'bad service', name: 'Bad_Name' });
    expect(msg).toMatch(/\] service: "bad service" is not a valid service name/);
    expect(msg).toMatch(/\] name: "Bad_Name" is not a DNS-1123 subdomain/);
  });

  test('all problems are reported together, and the chart emits nothing', () => {
    const chart = Testing.chart();
    let msg = '';
    try {
      new SloSpec(chart, 'slos', { service: 'api', slos: [{ name: 'x', objective: 0, sli: Sli.raw('up'), alerting: {} }] });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^5 problems in test\/slos:\n  \[test\/slos\] slos\[0\]\.name: "x" is not a valid SLO name/);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('the same service and SLO in two specs of an app fails the synth', () => {
    const app = Testing.app();
    new SloSpec(new Chart(app, 'a'), 'slos', props());
    new SloSpec(new Chart(app, 'b'), 'slos', props({ name: 'other' }));
    expect(() => app.synth()).toThrow(/sloth_id "api-availability" \(service "api", SLO "availability"\) is also generated by b\/slos/);
  });
});
