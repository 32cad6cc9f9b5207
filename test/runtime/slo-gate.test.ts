/**
 * `slo gate` and `slo report` decisions over a recorded Prometheus (a fake PrometheusApi
 * answering the queries the operations send with fixed series): pass, fail with the SLO,
 * budget and burn rate named, missing data under each policy, NaN budgets, a rejected
 * query, the flags' parsing, and the HTML page.
 */
import { PromAlert, PrometheusApi, PrometheusError, InstantSample, RangeSeries } from '../../src/runtime/prometheus';
import { evaluateSloGate, parseBudgetRatio, parseMissingDataPolicy, runSloGate } from '../../src/runtime/slo/gate';
import { burnDownSvg, escapeHtml, renderSloReportHtml } from '../../src/runtime/slo/html';
import { runSloReport } from '../../src/runtime/slo/report';
import { exactAlternation, humanDuration, readSloStatus } from '../../src/runtime/slo/status';
import { SloTarget } from '../../src/runtime/slo/targets';

const DAY = 86400000;
const avail: SloTarget = {
  id: 'checkout-availability',
  service: 'checkout',
  name: 'availability',
  objective: 99.9,
  periodMs: 30 * DAY,
  windowsMs: [300000, 3600000, 30 * DAY],
  pageAlert: 'CheckoutAvailability',
  ticketAlert: 'CheckoutAvailability',
  source: 'slos.yaml:3',
};
const latency: SloTarget = {
  id: 'checkout-latency',
  service: 'checkout',
  name: 'latency',
  objective: 99,
  periodMs: 30 * DAY,
  windowsMs: [300000, 3600000, 30 * DAY],
  pageAlert: 'CheckoutLatency',
  latencyThresholdSeconds: 0.5,
  source: 'slos.yaml:20',
};

interface Recorded {
  remaining?: Record<string, number>;
  current?: Record<string, number>;
  /** id → window → error ratio */
  sli?: Record<string, Record<string, number>>;
  alerts?: PromAlert[];
  range?: Record<string, Array<[number, number]>>;
}

/** A Prometheus that answers from recorded values, and records the queries it was sent. */
class RecordedPrometheus implements PrometheusApi {
  public readonly url = 'http://prometheus.test:9090';
  public readonly queries: string[] = [];
  constructor(
    private readonly data: Recorded,
    private readonly fail?: PrometheusError,
  ) {}
  public async query(expr: string): Promise<InstantSample[]> {
    this.queries.push(expr);
    if (this.fail) throw this.fail;
    const series = (m: Record<string, number> | undefined) => Object.entries(m ?? {}).map(([id, v]) => ({ labels: { sloth_id: id }, t: 1000, v }));
    if (expr.startsWith('slo:period_error_budget_remaining:ratio{')) return series(this.data.remaining);
    if (expr.startsWith('slo:current_burn_rate:ratio{')) return series(this.data.current);
    if (expr.startsWith('{__name__=~"slo:sli_error:ratio_rate.+",')) {
      return Object.entries(this.data.sli ?? {}).flatMap(([id, ws]) =>
        Object.entries(ws).map(([w, v]) => ({ labels: { __name__: `slo:sli_error:ratio_rate${w}`, sloth_id: id, sloth_window: w }, t: 1000, v })),
      );
    }
    throw new Error(`unexpected query ${expr}`);
  }
  public async queryRange(expr: string): Promise<RangeSeries[]> {
    this.queries.push(expr);
    return Object.entries(this.data.range ?? {}).map(([id, pts]) => ({ labels: { sloth_id: id }, samples: pts.map(([t, v]) => ({ t, v })) }));
  }
  public async alerts(): Promise<PromAlert[]> {
    if (this.fail) throw this.fail;
    return this.data.alerts ?? [];
  }
  public async rules(): Promise<never[]> {
    return [];
  }
  public async buildInfo() {
    return { version: '2.42.0' };
  }
}

const healthy: Recorded = {
  remaining: { 'checkout-availability': 0.83, 'checkout-latency': 0.5 },
  current: { 'checkout-availability': 0.2, 'checkout-latency': 1.5 },
  sli: { 'checkout-availability': { '5m': 0.0002, '1h': 0.0001, '30d': 0.00017 }, 'checkout-latency': { '5m': 0.015, '1h': 0.01, '30d': 0.005 } },
};

const at = new Date('2026-11-25T12:00:00Z');

test('passes when every SLO has the minimum left; the queries select the SLOs by sloth_id', async () => {
  const prom = new RecordedPrometheus(healthy);
  const r = await runSloGate({ targets: [avail, latency] }, { prometheus: prom, now: () => at });
  expect(r.exitCode).toBe(0);
  expect(prom.queries).toEqual([
    'slo:period_error_budget_remaining:ratio{sloth_id=~"checkout-availability|checkout-latency"}',
    'slo:current_burn_rate:ratio{sloth_id=~"checkout-availability|checkout-latency"}',
    '{__name__=~"slo:sli_error:ratio_rate.+",sloth_id=~"checkout-availability|checkout-latency"}',
  ]);
  expect(r.report).toMatchObject({
    command: 'slo gate',
    title: 'SLO gate: 2 SLOs, at least 20% of the error budget left',
    generatedAt: '2026-11-25T12:00:00.000Z',
    target: { prometheus: prom.url },
    simulated: false,
    verdict: 'passed',
  });
  const [a, l] = r.report.sections[0].checks;
  expect(a.evidence).toEqual([
    'error budget remaining 83% of the 30d budget (minimum 20%)',
    'current burn rate 0.2x (1x spends the budget exactly over 30d)',
    'burn rates: 5m 0.2x, 1h 0.1x',
  ]);
  // The latency SLO passes but burns 1.5x: it says when it would reach the minimum.
  expect(l.evidence).toContain('at this burn rate the budget falls under the minimum in 6d');
  expect(r.report.sections[0].tables![0].rows).toEqual([
    ['checkout-availability', '99.9%', '30d', '83%', '0.2x', '-'],
    ['checkout-latency', '99%', '30d', '50%', '1.5x', '-'],
  ]);
});

test('fails naming the SLO, its remaining budget and its burn rate; the other SLO still passes', async () => {
  const prom = new RecordedPrometheus({
    ...healthy,
    remaining: { 'checkout-availability': 0.12, 'checkout-latency': 0.5 },
    current: { 'checkout-availability': 14.4, 'checkout-latency': 1 },
    alerts: [
      {
        labels: { alertname: 'CheckoutAvailability', sloth_id: 'checkout-availability', sloth_severity: 'page' },
        annotations: {},
        state: 'firing',
        activeAt: '2026-11-25T11:50:00Z',
      },
    ],
  });
  const r = await runSloGate({ targets: [avail, latency], minBudget: 0.2 }, { prometheus: prom, now: () => at });
  expect(r.exitCode).toBe(1);
  const [a, l] = r.report.sections[0].checks;
  expect(a.status).toBe('failed');
  expect(a.evidence[0]).toBe(
    'checkout-availability has 12% of its error budget left, under the 20% minimum; current burn rate 14.4x (1x spends the budget exactly over 30d)',
  );
  expect(a.evidence).toContain('firing: CheckoutAvailability (page)');
  expect(a.evidence).toContain('at this burn rate the rest is used up in 6h');
  expect(a.fix).toBe('hold deploys of checkout that are not fixes for availability, until the budget recovers above 20%');
  expect(l.status).toBe('passed');
  expect(r.report.recommendations).toEqual([
    'checkout: freeze deploys; availability has 12% of its budget left and still burns 14.4x with its page alert firing: find and fix the cause first',
  ]);
  // A lower minimum lets it through.
  expect((await runSloGate({ targets: [avail, latency], minBudget: 0.1 }, { prometheus: prom })).exitCode).toBe(0);
});

test('missing data: undecided by default (exit 2), or pass/fail by --on-missing-data', async () => {
  const data: Recorded = { remaining: { 'checkout-latency': 0.5 }, current: { 'checkout-latency': 1 }, sli: { 'checkout-latency': { '5m': 0.01 } } };
  const run = (onMissingData?: 'pass' | 'fail') =>
    runSloGate({ targets: [avail, latency], onMissingData }, { prometheus: new RecordedPrometheus(data) });
  const d = await run();
  expect(d.exitCode).toBe(2);
  expect(d.report.sections[0].checks[0]).toMatchObject({
    status: 'undecided',
    evidence: [
      'Prometheus has no series for checkout-availability: its rules are not loaded, its SLI metrics are not scraped, or its error counter has no series yet (initialise error counters at 0)',
      'no data: the gate cannot decide (pass --on-missing-data pass|fail to decide anyway)',
    ],
  });
  expect(d.report.sections[0].checks[1].evidence).toContain('no data for windows 1h, 30d');
  expect((await run('pass')).exitCode).toBe(0);
  expect((await run('fail')).exitCode).toBe(1);
  expect((await run('fail')).report.sections[0].checks[0].evidence[1]).toBe('no data: failed by --on-missing-data fail');
});

test('a NaN budget (no traffic over the period) is missing data; recordings without metadata say so', () => {
  const statuses = [
    { target: avail, budgetRemaining: NaN, currentBurnRate: NaN, burnRates: [], missingWindows: [], alerts: [] },
    { target: latency, burnRates: [{ windowMs: 300000, window: '5m', errorRatio: 0, burnRate: 0 }], missingWindows: [], alerts: [] },
  ];
  const { checks } = evaluateSloGate(statuses);
  expect(checks.map((c) => [c.status, c.evidence[0]])).toEqual([
    ['undecided', 'slo:period_error_budget_remaining:ratio of checkout-availability is NaN: the SLI had no traffic over the period window'],
    [
      'undecided',
      'Prometheus has SLI recordings for checkout-latency but no slo:period_error_budget_remaining:ratio: the metadata recording rules are not loaded',
    ],
  ]);
});

test('of duplicate series (an HA pair) the worst counts', async () => {
  const prom = new RecordedPrometheus({});
  prom.query = async (expr: string) => {
    if (expr.startsWith('slo:period_error_budget_remaining'))
      return [0.6, 0.15].map((v) => ({ labels: { sloth_id: 'checkout-availability' }, t: 1, v }));
    if (expr.startsWith('slo:current_burn_rate')) return [2, 3].map((v) => ({ labels: { sloth_id: 'checkout-availability' }, t: 1, v }));
    return [];
  };
  const [s] = await readSloStatus(prom, [avail]);
  expect([s.budgetRemaining, s.currentBurnRate]).toEqual([0.15, 3]);
});

test('an unreachable Prometheus or a rejected query: undecided (exit 2) with its one-line message', async () => {
  const down = new PrometheusError(
    'unreachable',
    'Prometheus at http://prometheus.test:9090 is unreachable (ECONNREFUSED); check --prometheus-url',
    'x',
  );
  const r = await runSloGate({ targets: [avail] }, { prometheus: new RecordedPrometheus({}, down) });
  expect(r.exitCode).toBe(2);
  expect(r.report.sections[0].checks).toEqual([
    {
      id: 'prometheus',
      title: 'Prometheus at http://prometheus.test:9090 answers',
      status: 'undecided',
      evidence: [down.message],
      fix: 'check --prometheus-url and that Prometheus is running',
    },
  ]);
  const bad = new PrometheusError('bad_query', 'Prometheus rejected the query x: parse error', 'x');
  expect((await runSloGate({ targets: [avail], onMissingData: 'pass' }, { prometheus: new RecordedPrometheus({}, bad) })).exitCode).toBe(2);
  // Anything else is a bug, not a verdict: it propagates.
  await expect(runSloGate({ targets: [avail] }, { prometheus: new RecordedPrometheus({}, new Error('boom') as PrometheusError) })).rejects.toThrow(
    'boom',
  );
});

test('flag values', () => {
  expect(['20%', '20', '0.2', '5.5%', '0', '100%'].map((v) => parseBudgetRatio('--min-budget', v))).toEqual([0.2, 0.2, 0.2, 0.055, 0, 1]);
  expect(() => parseBudgetRatio('--min-budget', 'lots')).toThrow('--min-budget "lots" is not a percentage (e.g. 20% or 0.2)');
  expect(() => parseBudgetRatio('--min-budget', '120%')).toThrow('--min-budget "120%" must be between 0% and 100%');
  expect(parseMissingDataPolicy('pass')).toBe('pass');
  expect(() => parseMissingDataPolicy('maybe')).toThrow('--on-missing-data "maybe" must be pass or fail');
  expect(exactAlternation(['a.b', 'c|d'])).toBe('a\\.b|c\\|d');
  expect([30 * DAY, 3600000, 90000, 5400001, 2.5 * DAY + 1].map(humanDuration)).toEqual(['30d', '1h', '90s', '1.5h', '2.5d']);
});

test('slo report: SLI, objective, budget, burn per window, alerts, and the HTML burn-down page', async () => {
  const start = at.getTime() / 1000 - 30 * 86400;
  const pts: Array<[number, number]> = [
    [start, 1],
    [start + 86400 * 10, 0.7],
    [start + 86400 * 11, NaN],
    [start + 86400 * 20, 0.2],
    [start + 86400 * 30, -0.1],
  ];
  const prom = new RecordedPrometheus({
    remaining: { 'checkout-availability': -0.1 },
    current: { 'checkout-availability': 3 },
    sli: { 'checkout-availability': { '5m': 0.003, '1h': 0.002, '30d': 0.0011 } },
    alerts: [
      {
        labels: { alertname: 'CheckoutAvailability', sloth_id: 'checkout-availability', sloth_severity: 'ticket' },
        annotations: {},
        state: 'firing',
      },
    ],
    range: { 'checkout-availability': pts },
  });
  const r = await runSloReport({ targets: [avail] }, { prometheus: prom, now: () => at, simulated: true });
  expect(prom.queries[3]).toBe('slo:period_error_budget_remaining:ratio{sloth_id=~"checkout-availability"}');
  expect(r.exitCode).toBe(1);
  const sec = r.report.sections[1];
  expect(sec.title).toBe('checkout / availability');
  expect(sec.checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
    [
      'slo.report/checkout-availability/objective',
      'failed',
      ['SLI over 30d: 99.89% (objective 99.9%)', 'error budget remaining -10%, current burn rate 3x'],
    ],
    ['slo.report/checkout-availability/alerts', 'passed', ['firing ticket alert CheckoutAvailability']],
  ]);
  expect(sec.tables![0].rows).toEqual([
    ['5m', 0.003, '99.7%', '3x'],
    ['1h', 0.002, '99.8%', '2x'],
    ['30d', 0.0011, '99.89%', '1.1x'],
  ]);
  const html = renderSloReportHtml(r.report, r.burnDown, 0.2);
  expect(html).toContain('<p class="sim">SIMULATION');
  // The NaN point splits the line in two; every point lies inside the plot area.
  const lines = [...html.matchAll(/<polyline class="budget"[^>]* points="([^"]+)"/g)].map((m) => m[1].split(' '));
  expect(lines.map((l) => l.length)).toEqual([2, 2]);
  for (const p of lines.flat()) {
    const [x, y] = p.split(',').map(Number);
    expect(x).toBeGreaterThanOrEqual(52);
    expect(x).toBeLessThanOrEqual(628);
    expect(y).toBeGreaterThanOrEqual(12);
    expect(y).toBeLessThanOrEqual(192);
  }
  expect(html).not.toMatch(/<script|(src|href)="/);
});

test('the chart of an SLO without data says so; text is escaped', () => {
  const svg = burnDownSvg({ target: { ...avail, id: '<x>' }, start: 0, end: 100, samples: [{ t: 50, v: NaN }] }, 0.2);
  expect(svg).toContain('no data in Prometheus for this period');
  expect(svg).toContain('&lt;x&gt;');
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
