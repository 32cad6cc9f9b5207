/**
 * The chaos verdict on recorded metric series. The runs in src/runtime/sim/recorded were
 * recorded from the real Prometheus 2.42 scraping the demo app under four faults (see
 * test/support/record-chaos-runs.ts);
 * the synthetic cases below pin the arithmetic (budget integral, counter resets, recovery,
 * the abort condition) with numbers worked out by hand.
 */
import { chaosMetricQueries, ChaosMeasurements, collectChaosMeasurements, PhaseSeries, SloExperimentSeries } from '../../src/runtime/chaos/metrics';
import {
  abortDecision,
  budgetBurned,
  chaosReport,
  chaosVerdict,
  counterIncrease,
  integrate,
  recoveryOf,
  summarisePhase,
  DEFAULT_RECOVERY_TOLERANCE,
} from '../../src/runtime/chaos/verdict';
import { PromAlert, PrometheusApi, PrometheusError, Sample } from '../../src/runtime/prometheus';
import { chaosAbortCheck, runChaosVerdict } from '../../src/runtime/chaos/command';
import { SloTarget } from '../../src/runtime/slo/targets';
import { RECORDED_RUNS, recordedRun, RecordedRun, RecordedRunName } from '../../src/runtime/sim/recorded-runs';

type Fixture = RecordedRun;

/** A recorded run (src/runtime/sim/recorded). */
function fixture(name: RecordedRunName): Fixture {
  return recordedRun(name);
}

const statuses = (checks: ReadonlyArray<{ id: string; status: string }>) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('recorded runs (Prometheus 2.42, demo app 4 × 25 req/s, SLOs: availability 99% and p95 < 300 ms over 1h)', () => {
  test('the fixtures were recorded with Prometheus 2.42', () => {
    expect(RECORDED_RUNS).toEqual(['pod-kill-within-budget', 'pod-failure-outage-aborted', 'network-delay-latency', 'slow-recovery']);
    for (const f of RECORDED_RUNS) expect(fixture(f).recordedWith).toMatch(/^prometheus, version 2\.42\./);
    // Each call gives fresh data.
    expect(fixture('pod-kill-within-budget')).not.toBe(fixture('pod-kill-within-budget'));
  });

  test('pod-kill within budget: PASSED from the SLOs; the fixed thresholds see the error blip', () => {
    const f = fixture('pod-kill-within-budget');
    const v = chaosVerdict(f.measurements, f.experiment);
    expect(statuses(v.checks)).toEqual({
      'chaos.traffic': 'passed',
      'chaos.budget/demo-app-availability': 'passed',
      'chaos.page-alert/demo-app-availability': 'passed',
      'chaos.budget/demo-app-latency': 'passed',
      'chaos.page-alert/demo-app-latency': 'passed',
      'chaos.latency/demo-app-latency': 'passed',
      'chaos.recovery': 'passed',
    });
    expect(v.status).toBe('passed');
    expect(v.budgets[0].burned).toBeGreaterThan(0.001);
    expect(v.budgets[0].burned).toBeLessThan(0.01);
    expect(v.budgets[1].burned).toBe(0);
    // The half-second fault falls between two 1s samples: its errors show in the rates after it.
    expect(v.phases[1].errorRate).toBeUndefined();
    expect(v.impact.errorRate!.max).toBeCloseTo(0.032, 3);
    expect(v.recovery.seconds).toBeGreaterThanOrEqual(4);
    expect(v.recovery.seconds).toBeLessThanOrEqual(7);
    const fixed = chaosVerdict({ ...f.measurements, slos: [] }, f.experiment);
    expect(statuses(fixed.checks)).toEqual({
      'chaos.traffic': 'passed',
      'chaos.error-rate': 'failed',
      'chaos.latency-p99': 'passed',
      // The replaced pod's restart happened as the fault ended: not a crash loop.
      'chaos.restarts': 'passed',
      'chaos.recovery': 'passed',
    });
    expect(fixed.checks.find((c) => c.id === 'chaos.restarts')!.evidence).toEqual([
      'restarts: 1 during the fault or as it ended, 0 from 5s after it',
    ]);
    expect(fixed.recommendations[0]).toMatch(
      /^Losing pods raised the error rate to 3\.\d+% \(steady state 0%\): check that it runs at least 2 ready replicas/,
    );
  });

  test('pod-failure of every replica: aborted on the page alert, FAILED', () => {
    const f = fixture('pod-failure-outage-aborted');
    expect(f.experiment.aborted!.reason).toMatch(/^the page alert DemoAppAvailability of SLO demo-app-availability is firing/);
    const v = chaosVerdict(f.measurements, f.experiment);
    const s = statuses(v.checks);
    expect([s['chaos.abort'], s['chaos.page-alert/demo-app-availability'], s['chaos.budget/demo-app-latency'], s['chaos.recovery']]).toEqual([
      'failed',
      'failed',
      'passed',
      'passed',
    ]);
    expect(v.status).toBe('failed');
    expect(v.budgets[0].pageFiringAt.length).toBeGreaterThan(0);
    const burned = v.budgets[0].burned!;
    expect(s['chaos.budget/demo-app-availability']).toBe(burned > 0.05 ? 'failed' : 'passed');
    expect(v.recommendations).toEqual([
      expect.stringMatching(
        /^Losing pods raised the error rate to \d+(\.\d+)?% \(steady state 0%; consumed availability \d+\.\d+% of its budget, latency 0% of its budget\): check that it runs at least 2 ready replicas/,
      ),
      expect.stringMatching(
        /^DemoAppAvailability \(page\) fired at 20\d\d-.*: this fault burns availability's budget faster than the page alert allows/,
      ),
      ...(burned > 0.025 && burned <= 0.05 ? [expect.stringMatching(/^availability: the experiment used/)] : []),
      expect.stringMatching(/^It recovered \ds after the fault ended\.$/),
      expect.stringMatching(/^Aborted 2s into the fault: the page alert DemoAppAvailability/),
    ]);
    // Known facts about the target sharpen the recommendation.
    const withFacts = chaosVerdict(f.measurements, { ...f.experiment, targetFacts: { readyReplicas: 1, podDisruptionBudget: false } });
    expect(withFacts.recommendations[0]).toMatch(/: it had 1 ready replica: run at least 2; no PodDisruptionBudget selects its pods: add one\.$/);
  });

  test('network delay: the latency SLO is broken while errors stay at zero', () => {
    const f = fixture('network-delay-latency');
    const v = chaosVerdict(f.measurements, f.experiment);
    const s = statuses(v.checks);
    expect(s['chaos.latency/demo-app-latency']).toBe('failed');
    expect(s['chaos.budget/demo-app-availability']).toBe('passed');
    expect(s['chaos.recovery']).toBe('passed');
    expect(v.status).toBe('failed');
    const lat = v.checks.find((c) => c.id === 'chaos.latency/demo-app-latency')!;
    expect(lat.measurements![0].value).toBeGreaterThan(0.4);
    expect(lat.measurements![0].target).toBe(0.3);
    expect(v.recommendations.join('\n')).toMatch(
      /^p99 latency rose from 290 ms to 4\d\d ms during the fault \(\+\d+ ms\): the injected delay reached clients in full/m,
    );
    // The fixed thresholds (p99 < 500 ms) let the same run pass.
    expect(chaosVerdict({ ...f.measurements, slos: [] }, f.experiment).status).toBe('passed');
  });

  test('a fault whose errors outlast the after phase: not recovered', () => {
    const f = fixture('slow-recovery');
    const v = chaosVerdict(f.measurements, f.experiment);
    const rec = v.checks.find((c) => c.id === 'chaos.recovery')!;
    expect(rec.status).toBe('failed');
    expect(rec.evidence[0]).toBe('not back to the steady state by the end of the after phase');
    expect(rec.evidence[1]).toMatch(/^steady means error rate ≤ 0\.1% and p99 ≤ \d+ ms; last: error rate 5%, p99 290 ms$/);
    expect(v.recommendations.join('\n')).toMatch(
      /^The target was not back to its steady state at the end of the after phase \(error rate 5%, limit 0\.1%; p99 290 ms\)\.$/m,
    );
  });

  test('the report of a run: phases, budget table, verdict section, title', () => {
    const f = fixture('pod-kill-within-budget');
    const v = chaosVerdict(f.measurements, f.experiment);
    const r = chaosReport(f.measurements, f.experiment, v, { prometheus: 'http://127.0.0.1:9090', simulated: true });
    expect(r.title).toBe('Chaos experiment pod-kill-single (PodChaos pod-kill): PASSED');
    expect(r.sections.map((s) => s.title)).toEqual(['Measurements', 'Steady state', 'During the fault', 'After the fault', 'Verdict (from SLOs)']);
    const table = r.sections[0].tables![0];
    expect(table.columns).toEqual(['metric', 'steady-state (8s)', 'during (1s)', 'after (12s)']);
    expect(table.rows.find((row) => row[0] === 'pod restarts')).toEqual(['pod restarts', '0', '0', '1']);
    expect(r.sections[0].tables![1].rows.map((row) => row.slice(0, 4))).toEqual([
      ['demo-app-availability', '99%', expect.stringMatching(/^0\.\d+%$/), '5%'],
      ['demo-app-latency', '95%', '0%', '5%'],
    ]);
    expect(r.simulated).toBe(true);
    expect(r.verdict).toBe('passed');
  });
});

// ---- synthetic series, worked out by hand ----

const series = (from: number, values: number[], step = 1): Sample[] => values.map((v, i) => ({ t: from + i * step, v }));
const target: SloTarget = {
  id: 'svc-availability',
  service: 'svc',
  name: 'availability',
  objective: 99,
  periodMs: 3600000,
  windowsMs: [10000, 3600000],
  pageAlert: 'SvcAvailability',
  source: 's.yaml:1',
};

test('budget burned: the integral of the error ratio over the budget allowance', () => {
  // A 1% error ratio for 60 s against a 99% / 1h SLO: 0.6 / (0.01 × 3600) = 1/60 of the budget.
  const s: SloExperimentSeries = { target, windowMs: 10000, errorRatio: series(100, Array(71).fill(0.01)), pageFiringAt: [] };
  const b = budgetBurned(s, 100, 160);
  expect(b.burned).toBeCloseTo(0.7 / 36, 10); // integrated until one 10s window after the fault
  expect(b.complete).toBe(true);
  const short = budgetBurned({ ...s, errorRatio: series(100, Array(61).fill(0.01)) }, 100, 160);
  expect(short.complete).toBe(false);
  expect(budgetBurned({ ...s, errorRatio: [] }, 100, 160).burned).toBeUndefined();
  // A missing sample is bridged between its finite neighbours: 0.5 + 2 + 1.
  expect(integrate(series(0, [0, 1, NaN, 1, 1]), 0, 10)).toEqual({ area: 3.5, covered: 4 });
});

test('counter increase counts a drop as a reset', () => {
  expect(counterIncrease(series(0, [0, 1, 1, 0, 2, NaN, 3]))).toBe(1 + 0 + 0 + 2 + 1);
  expect(counterIncrease([])).toBeUndefined();
});

test('recovery: the start of the final steady stretch, against the steady state plus tolerance', () => {
  const steady = summarisePhase({
    phase: 'steady-state',
    start: 0,
    end: 5,
    errorRate: series(0, [0, 0, 0, 0, 0, 0]),
    requestRate: series(0, [10, 10, 10, 10, 10, 10]),
    latency: { '0.99': series(0, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]) },
    restarts: [],
  });
  const after = (errs: number[], p99s: number[]): PhaseSeries => ({
    phase: 'after',
    start: 10,
    end: 10 + errs.length - 1,
    errorRate: series(10, errs),
    requestRate: series(
      10,
      errs.map(() => 10),
    ),
    latency: { '0.99': series(10, p99s) },
    restarts: [],
  });
  // Limits: error rate 0 + 0.001, p99 0.1 × 1.25 + 0.005 = 0.13.
  const r = recoveryOf(steady, after([0.2, 0.05, 0, 0.0005, 0], [0.2, 0.2, 0.12, 0.12, 0.1]), DEFAULT_RECOVERY_TOLERANCE);
  expect(r).toEqual({ seconds: 2, last: { t: 14, errorRate: 0, p99: 0.1 }, errorRateLimit: 0.001, p99Limit: expect.closeTo(0.13, 10), samples: 5 });
  // A slow p99 at the end: not recovered.
  expect(recoveryOf(steady, after([0, 0, 0], [0.1, 0.1, 0.2]), DEFAULT_RECOVERY_TOLERANCE).seconds).toBeUndefined();
  // No traffic (NaN) at the end is not steady.
  expect(recoveryOf(steady, after([0, NaN], [0.1, NaN]), DEFAULT_RECOVERY_TOLERANCE).seconds).toBeUndefined();
});

function measurements(over: Partial<{ err: number[]; req: number[]; restarts: number[]; slos: SloExperimentSeries[] }> = {}): ChaosMeasurements {
  const n = 30;
  const err = over.err ?? Array(n).fill(0);
  const req = over.req ?? Array(n).fill(10);
  const restarts = over.restarts ?? Array(n).fill(0);
  const pick = (xs: number[], a: number, b: number) => series(a, xs.slice(a, b + 1));
  const phase = (name: 'steady-state' | 'during' | 'after', a: number, b: number): PhaseSeries => ({
    phase: name,
    start: a,
    end: b,
    errorRate: pick(err, a, b),
    requestRate: pick(req, a, b),
    latency: { '0.5': pick(Array(n).fill(0.05), a, b), '0.99': pick(Array(n).fill(0.2), a, b) },
    restarts: pick(restarts, a, b),
  });
  return {
    timeline: { steadyStart: 0, injectedAt: 10, faultEndedAt: 15, afterEnd: 29 },
    stepSeconds: 1,
    queries: chaosMetricQueries({ rateWindow: '2s' }),
    phases: [phase('steady-state', 0, 10), phase('during', 10, 15), phase('after', 15, 29)],
    slos: over.slos ?? [],
  };
}

test('no traffic in the steady state: the run cannot be judged', () => {
  const v = chaosVerdict(measurements({ req: Array(30).fill(0) }), { name: 'x' });
  expect(v.checks[0]).toMatchObject({ id: 'chaos.traffic', status: 'undecided' });
  expect(v.status).toBe('undecided');
});

test('restarts that go on after the fault settled fail the fixed-threshold run', () => {
  const restarts = [...Array(20).fill(0), 1, 1, 2, 2, 3, 3, 3, 3, 3, 3];
  const v = chaosVerdict(measurements({ restarts }), { name: 'x' });
  const c = v.checks.find((x) => x.id === 'chaos.restarts')!;
  expect(c.status).toBe('failed');
  expect(c.evidence).toEqual(['restarts: 0 during the fault or as it ended, 3 from 2s after it']);
  expect(v.status).toBe('failed');
});

test('recommendations follow the data: restarts without errors, nothing changed', () => {
  const restarts = [...Array(12).fill(0), ...Array(18).fill(2)];
  const v = chaosVerdict(measurements({ restarts }), { name: 'pod-kill', kind: 'PodChaos', action: 'pod-kill' });
  expect(v.recommendations).toEqual(['Pods restarted 2 times and the error rate stayed at 0% (steady state 0%): the target tolerates losing pods.']);
  const quiet = chaosVerdict(measurements(), { name: 'x' });
  expect(quiet.recommendations).toEqual([
    'Nothing measurable changed (peak error rate 0%, peak p99 200 ms): a larger blast radius or a longer fault would tell more.',
  ]);
  expect(quiet.status).toBe('passed');
});

test('the abort condition: a firing page alert of a selected SLO, or the error rate over the limit', () => {
  const alert = (labels: Record<string, string>, state = 'firing'): PromAlert => ({
    labels,
    annotations: {},
    state,
    activeAt: '2026-11-25T12:00:00Z',
  });
  const page = alert({ alertname: 'SvcAvailability', sloth_id: 'svc-availability', sloth_severity: 'page' });
  expect(abortDecision([page], 0, { targets: [target] })).toEqual({
    abort: true,
    reason: 'the page alert SvcAvailability of SLO svc-availability is firing (active since 2026-11-25T12:00:00Z)',
  });
  expect(abortDecision([alert({ ...page.labels }, 'pending')], 0, { targets: [target] }).abort).toBe(false);
  expect(abortDecision([alert({ ...page.labels, sloth_severity: 'ticket' })], 0, { targets: [target] }).abort).toBe(false);
  expect(abortDecision([alert({ ...page.labels, sloth_id: 'other-slo' })], 0, { targets: [target] }).abort).toBe(false);
  // Without sloth labels (a hand-written alert), the alert name identifies the page alert.
  expect(abortDecision([alert({ alertname: 'SvcAvailability' })], 0, { targets: [target] }).abort).toBe(true);
  expect(abortDecision([], 0.2, { abortErrorRate: 0.1 })).toEqual({ abort: true, reason: 'the error rate 20% is above --abort-error-rate 10%' });
  expect(abortDecision([], 0.05, { abortErrorRate: 0.1 }).abort).toBe(false);
  expect(abortDecision([page], 0.5, {}).abort).toBe(false);
});

test("the chapter's queries are the defaults, each can be replaced", () => {
  const q = chaosMetricQueries({ selector: { job: 'demo-app' }, namespace: 'team-alpha', podRegex: 'demo-app-.*' });
  expect(q).toEqual({
    errorRate: '(sum(rate(http_requests_total{job="demo-app",status=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{job="demo-app"}[1m]))',
    requestRate: 'sum(rate(http_requests_total{job="demo-app"}[1m]))',
    latency: {
      '0.5': 'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="demo-app"}[1m])))',
      '0.95': 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="demo-app"}[1m])))',
      '0.99': 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="demo-app"}[1m])))',
    },
    restarts: 'sum(kube_pod_container_status_restarts_total{namespace="team-alpha",pod=~"demo-app-.*"})',
    rateWindowSeconds: 60,
  });
  const o = chaosMetricQueries({ statusLabel: 'code', rateWindow: '5m', overrides: { restarts: 'sum(my_restarts)', latency: { '0.99': 'my_p99' } } });
  expect(o.errorRate).toBe('(sum(rate(http_requests_total{code=~"5.."}[5m])) or vector(0)) / sum(rate(http_requests_total[5m]))');
  expect([o.restarts, o.latency['0.99'], o.latency['0.5']]).toEqual([
    'sum(my_restarts)',
    'my_p99',
    'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  ]);
  expect(() => chaosMetricQueries({ rateWindow: '1 minute' })).toThrow('rate window "1 minute" is not a Prometheus duration (e.g. 30s, 1m, 5m)');
});

test('collection: a query that returns several series is refused; the timeline must be in order', async () => {
  const api: PrometheusApi = {
    url: 'http://p',
    query: async () => [],
    queryRange: async (expr) =>
      expr.includes('bucket') || expr.startsWith('sum(kube')
        ? []
        : [
            { labels: { pod: 'a' }, samples: [] },
            { labels: { pod: 'b' }, samples: [] },
          ],
    alerts: async () => [],
    rules: async () => [],
    buildInfo: async () => ({ version: 'x' }),
  };
  const tl = { steadyStart: 0, injectedAt: 10, faultEndedAt: 20, afterEnd: 30 };
  await expect(collectChaosMeasurements(api, chaosMetricQueries(), tl)).rejects.toThrow(
    'the error rate query returned 2 series; it must return one (aggregate it, e.g. with sum(...))',
  );
  await expect(collectChaosMeasurements(api, chaosMetricQueries(), { ...tl, faultEndedAt: 5 })).rejects.toThrow("the run's timeline is out of order");
});

/** A Prometheus that answers range queries from a recorded run (the run's own queries). */
function recordedPrometheus(f: Fixture): PrometheusApi & { asked: string[] } {
  const m = f.measurements;
  const whole = (pick: (p: PhaseSeries) => readonly Sample[]) => {
    const seen = new Set<number>();
    return m.phases.flatMap(pick).filter((s) => !seen.has(s.t) && seen.add(s.t) !== undefined);
  };
  const asked: string[] = [];
  return {
    asked,
    url: 'http://recorded:9090',
    query: async () => [],
    queryRange: async (expr) => {
      asked.push(expr);
      const one = (samples: Sample[]) => [{ labels: {}, samples }];
      if (expr === m.queries.errorRate) return one(whole((p) => p.errorRate));
      if (expr === m.queries.requestRate) return one(whole((p) => p.requestRate));
      if (expr === m.queries.restarts) return one(whole((p) => p.restarts));
      for (const [k, q] of Object.entries(m.queries.latency)) if (expr === q) return one(whole((p) => p.latency[k]));
      for (const s of m.slos) {
        if (expr.startsWith('slo:sli_error:ratio_rate') && expr.includes(`"${s.target.id}"`))
          return [{ labels: { sloth_id: s.target.id }, samples: [...s.errorRatio] }];
        if (expr.startsWith('ALERTS{') && expr.includes(`"${s.target.id}"`))
          return [{ labels: {}, samples: s.pageFiringAt.map((t) => ({ t, v: 1 })) }];
      }
      throw new Error(`not recorded: ${expr}`);
    },
    alerts: async () => [],
    rules: async () => [],
    buildInfo: async () => ({ version: '2.42.0' }),
  };
}

describe('runChaosVerdict over a recorded run', () => {
  const f = fixture('pod-kill-within-budget');
  const metrics = { selector: { job: 'demo-app' }, namespace: 'team-alpha', podRegex: 'demo-app-.*', rateWindow: '5s' };
  const run = { experiment: f.experiment, timeline: f.measurements.timeline };

  test('with the SLOs: PASSED, exit 0', async () => {
    const api = recordedPrometheus(f);
    const r = await runChaosVerdict({ targets: f.measurements.slos.map((s) => s.target), metrics, stepSeconds: 1 }, run, {
      prometheus: api,
      simulated: true,
    });
    expect([r.exitCode, r.report.verdict, r.report.title]).toEqual([0, 'passed', 'Chaos experiment pod-kill-single (PodChaos pod-kill): PASSED']);
    expect(api.asked).toContain('ALERTS{alertname="DemoAppAvailability",alertstate="firing",sloth_id="demo-app-availability",sloth_severity="page"}');
  });

  test("without SLOs: the chapter's thresholds, FAILED on the error blip, exit 1", async () => {
    const r = await runChaosVerdict({ metrics: { ...metrics, extraQuantiles: [0.95] }, stepSeconds: 1 }, run, { prometheus: recordedPrometheus(f) });
    expect([r.exitCode, r.report.verdict]).toEqual([1, 'failed']);
    expect(r.report.sections[4].title).toBe("Verdict (the chapter's fixed thresholds; no SLO given)");
  });

  test('Prometheus unreachable: undecided, exit 2, with the one-line message', async () => {
    const down: PrometheusApi = {
      ...recordedPrometheus(f),
      queryRange: async () => {
        throw new PrometheusError('unreachable', 'Prometheus at http://recorded:9090 is unreachable (ECONNREFUSED); check --prometheus-url', 'x');
      },
    };
    const r = await runChaosVerdict({ metrics }, run, { prometheus: down, now: () => new Date(0) });
    expect(r.exitCode).toBe(2);
    expect(r.report.sections[0].checks[0].evidence).toEqual([
      'Prometheus at http://recorded:9090 is unreachable (ECONNREFUSED); check --prometheus-url',
    ]);
  });

  test('the abort check resolves the SLOs once and asks the alerts API each time', async () => {
    let calls = 0;
    const api: PrometheusApi = {
      ...recordedPrometheus(f),
      alerts: async () =>
        ++calls === 2
          ? [
              {
                labels: { alertname: 'DemoAppAvailability', sloth_id: 'demo-app-availability', sloth_severity: 'page' },
                annotations: {},
                state: 'firing',
              },
            ]
          : [],
    };
    const check = chaosAbortCheck({ targets: f.measurements.slos.map((s) => s.target), metrics }, { prometheus: api });
    expect(await check()).toEqual({ abort: false });
    expect(await check()).toEqual({ abort: true, reason: 'the page alert DemoAppAvailability of SLO demo-app-availability is firing' });
  });
});
