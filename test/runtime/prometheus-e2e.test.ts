/**
 * End to end with the real Prometheus server (the Debian `prometheus` package): the demo
 * app is scraped every second, the rules `SloSpec` generates for it (a one-hour period with
 * 10s/30s page windows) are evaluated every second, and the operations read them through
 * the HTTP API:
 * - `slo gate` passes while the app is healthy;
 * - a small pod loss (one of four replicas for about a second) stays within budget: the
 *   chaos verdict from the SLOs is PASSED;
 * - an outage of every replica fires the page alert, the polled abort condition trips, the
 *   verdict is FAILED (from SLOs and from the chapter's fixed thresholds);
 * - after the outage the gate fails (exit 1) naming the SLO, its budget and burn rate, and
 *   `slo report` shows it with a burn-down chart;
 * - with Prometheus stopped the gate cannot decide (exit 2).
 * The tests run in order and share one Prometheus.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { chaosMetricQueries, ChaosTimeline, collectChaosMeasurements } from '../../src/runtime/chaos/metrics';
import { chaosAbortCheck, runChaosVerdict } from '../../src/runtime/chaos/command';
import { abortDecision, chaosReport, chaosVerdict, pollAbort } from '../../src/runtime/chaos/verdict';
import { PrometheusClient } from '../../src/runtime/prometheus';
import { DemoApp } from '../../src/runtime/sim/demo-app';
import { runSloGate } from '../../src/runtime/slo/gate';
import { renderSloReportHtml } from '../../src/runtime/slo/html';
import { runSloReport } from '../../src/runtime/slo/report';
import { readSloStatus } from '../../src/runtime/slo/status';
import { loadSloTargetsFromFile, SloTarget } from '../../src/runtime/slo/targets';
import { demoAppSloSpec, TEST_WINDOWS } from '../support/demo-slos';
import { eventually, findPrometheus, PrometheusServer, startPrometheus } from '../support/prometheus';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now() / 1000;

let app: DemoApp;
let prom: PrometheusServer;
let api: PrometheusClient;
let dir: string;
let ruleFile: string;
let targets: SloTarget[];

beforeAll(async () => {
  app = new DemoApp({ replicas: 4, requestsPerSecondPerReplica: 25 });
  await app.start();
  const spec = demoAppSloSpec();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-gate-e2e-'));
  // What the gate is given: the PrometheusRule the app synthesizes.
  ruleFile = path.join(dir, 'demo-app-slos.yaml');
  fs.writeFileSync(
    ruleFile,
    Testing.synth(spec.node.scope as Chart)
      .map((o) => YAML.stringify(o))
      .join('---\n'),
  );
  prom = await startPrometheus({ scrape: [{ job: 'demo-app', targets: [app.target] }], ruleFiles: { 'slos.rules.yaml': spec.toRulesFile() } });
  api = new PrometheusClient(prom.url, { timeoutMs: 5000 });
  targets = loadSloTargetsFromFile(ruleFile);
  // Wait until every SLO has a remaining budget (the rules need a few scrapes).
  await eventually('SLO data in Prometheus', async () => {
    const st = await readSloStatus(api, targets);
    return st.every((s) => s.budgetRemaining !== undefined && !Number.isNaN(s.budgetRemaining)) ? st : undefined;
  });
}, 60000);

afterAll(async () => {
  await prom?.stop();
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the harness runs the real prometheus 2.42 binary and fails with an install hint without it', async () => {
  expect(prom.version).toMatch(/^prometheus, version 2\.42\./);
  expect((await api.buildInfo()).version).toMatch(/^2\.42\./);
  expect(() => findPrometheus({ PATH: '/nonexistent' })).toThrow(/apt-get install prometheus/);
  // Prometheus loaded every generated rule and evaluates them without error.
  const rules = (await api.rules()).flatMap((g) => g.rules);
  // Per SLO: 7 SLI recordings (six alert windows and the period), 7 metadata recordings, 2 alerts.
  expect(rules.length).toBe(2 * (7 + 7 + 2));
  expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  // A query Prometheus rejects: its own error text, in one line.
  await expect(api.query('sum(rate(http_requests_total[5m])')).rejects.toThrow(
    /^Prometheus rejected the query sum\(rate\(http_requests_total\[5m\]\): invalid parameter "query": 1:34: parse error: unclosed left parenthesis$/,
  );
});

test('the SLOs read from the synthesized PrometheusRule carry the custom windows and alert names', () => {
  expect(targets.map((t) => [t.id, t.objective, t.periodMs, t.pageAlert, t.latencyThresholdSeconds])).toEqual([
    ['demo-app-availability', 99, 3600000, 'DemoAppAvailability', undefined],
    ['demo-app-latency', 95, 3600000, 'DemoAppLatency', 0.3],
  ]);
  expect(targets[0].windowsMs).toEqual([10000, 30000, 60000, 120000, 300000, 600000, 3600000]);
  expect(TEST_WINDOWS.model.sloPeriodMs).toBe(3600000);
});

test('slo gate passes while the demo app is healthy', async () => {
  const r = await runSloGate({ sloFile: ruleFile }, { prometheus: api });
  expect(r.exitCode).toBe(0);
  expect(r.report.verdict).toBe('passed');
  const checks = r.report.sections[0].checks;
  expect(checks.map((c) => [c.id, c.status])).toEqual([
    ['slo.gate/demo-app-availability', 'passed'],
    ['slo.gate/demo-app-latency', 'passed'],
  ]);
  expect(checks[0].evidence[0]).toBe('error budget remaining 100% of the 1h budget (minimum 20%)');
  expect(checks[0].measurements?.find((m) => m.name === 'error budget remaining')).toEqual({
    name: 'error budget remaining',
    value: 1,
    unit: 'ratio',
    target: 0.2,
  });
});

const METRICS = { selector: { job: 'demo-app' }, namespace: 'team-alpha', podRegex: 'demo-app-.*', rateWindow: '5s' };

/** Runs a fault on the demo app with steady/during/after phases and returns the measurements. */
async function runFault(o: {
  steadyMs: number;
  inject: () => void;
  heal: () => void;
  maxFaultMs: number;
  afterMs: number;
  abortOnPage?: boolean;
  exactEnd?: boolean;
}) {
  const queries = chaosMetricQueries({ ...METRICS, extraQuantiles: [0.95] });
  const shouldAbort = chaosAbortCheck({ sloFile: ruleFile, metrics: METRICS }, { prometheus: api });
  const steadyStart = now();
  await sleep(o.steadyMs);
  const injectedAt = now();
  o.inject();
  let aborted: { at: number; reason: string } | undefined;
  const deadline = Date.now() + o.maxFaultMs;
  while (Date.now() < deadline) {
    await sleep(250);
    if (o.abortOnPage) {
      const d = await shouldAbort();
      if (d.abort) {
        aborted = { at: now(), reason: d.reason! };
        break;
      }
    }
  }
  o.heal();
  // A fault the app ends by itself ended exactly maxFaultMs after the injection.
  const faultEndedAt = o.exactEnd ? injectedAt + o.maxFaultMs / 1000 : now();
  await sleep(o.afterMs);
  const timeline: ChaosTimeline = { steadyStart, injectedAt, faultEndedAt, afterEnd: now() };
  await sleep(2000); // let the last scrape and rule evaluation land
  const m = await collectChaosMeasurements(api, queries, timeline, targets, 1);
  return { m, aborted, timeline };
}

test('runChaosVerdict reads a finished run from Prometheus and reports it', async () => {
  const steadyStart = now();
  await sleep(4000);
  const injectedAt = now();
  app.setFaults({ addedLatencySeconds: 0.01 });
  await sleep(1000);
  app.heal();
  const faultEndedAt = now();
  await sleep(6000);
  const timeline = { steadyStart, injectedAt, faultEndedAt, afterEnd: now() };
  await sleep(1500);
  const r = await runChaosVerdict(
    { sloFile: ruleFile, metrics: METRICS, stepSeconds: 1 },
    { experiment: { name: 'small-delay', kind: 'NetworkChaos', action: 'delay' }, timeline },
    { prometheus: api, simulated: true },
  );
  expect(r.report.title).toBe('Chaos experiment small-delay (NetworkChaos delay): PASSED');
  expect(r.exitCode).toBe(0);
  expect(r.report.simulated).toBe(true);
  // The latency SLO's quantile (95%) was measured with the standard ones.
  expect(Object.keys(r.measurements!.queries.latency).sort()).toEqual(['0.5', '0.95', '0.99']);
  // Nominally 100 req/s; a 5s rate over 1s scrapes of lazily advanced counters wobbles around it.
  expect(r.verdict!.phases[0].requestRate!.mean).toBeGreaterThan(50);
  expect(r.verdict!.phases[0].requestRate!.mean).toBeLessThan(150);
}, 30000);

test('a pod loss that stays within budget: the chaos verdict from the SLOs is PASSED', async () => {
  const { m } = await runFault({
    steadyMs: 6000,
    // Ended by the app's own clock after exactly 500 ms, so slow timers here cannot stretch it:
    // about 13 failed requests, where the page alert needs over 2.4% of the 1000 requests of its
    // 10s window (24) and of its 30s window.
    inject: () => app.setFaults({ lostReplicas: 1 }, { forMs: 500 }),
    heal: () => app.restart(0),
    maxFaultMs: 500,
    exactEnd: true,
    afterMs: 12000,
  });
  const v = chaosVerdict(m, { name: 'pod-kill-single', kind: 'PodChaos', action: 'pod-kill' });
  if (process.env.E2E_DEBUG) {
    console.log(
      JSON.stringify({
        tl: m.timeline,
        err: m.phases.map((p) => p.errorRate.map((x) => [x.t, x.v])),
        slo: m.slos.map((x) => [x.target.id, x.errorRatio.map((y) => [y.t, y.v]), x.pageFiringAt]),
      }),
    );
    for (const w of ['10s', '30s'])
      console.log(
        w,
        JSON.stringify(
          (
            await api.queryRange(
              `slo:sli_error:ratio_rate${w}{sloth_id="demo-app-availability"}`,
              new Date(m.timeline.injectedAt * 1000 - 5000),
              new Date(m.timeline.afterEnd * 1000),
              1,
            )
          ).map((x) => x.samples.map((y) => y.v.toFixed(4))),
        ),
      );
  }
  const byId = Object.fromEntries(v.checks.map((c) => [c.id, c]));
  expect(v.checks.map((c) => [c.id, c.status])).toEqual([
    ['chaos.traffic', 'passed'],
    ['chaos.budget/demo-app-availability', 'passed'],
    ['chaos.page-alert/demo-app-availability', 'passed'],
    ['chaos.budget/demo-app-latency', 'passed'],
    ['chaos.page-alert/demo-app-latency', 'passed'],
    ['chaos.latency/demo-app-latency', 'passed'],
    ['chaos.recovery', 'passed'],
  ]);
  expect(v.status).toBe('passed');
  // 4 replicas × 25 req/s; a quarter of them failed for half a second.
  const [steady] = v.phases;
  expect(steady.requestRate!.mean).toBeGreaterThan(80);
  expect(steady.requestRate!.mean).toBeLessThan(120);
  expect(steady.errorRate!.max).toBe(0);
  // The 5s error rate from the injection to 5s after the fault.
  expect(v.impact.errorRate!.max).toBeGreaterThan(0.01);
  expect(v.impact.errorRate!.max).toBeLessThan(0.25);
  const burned = v.budgets[0].burned!;
  expect(burned).toBeGreaterThan(0.001);
  expect(burned).toBeLessThan(0.05);
  expect(v.phases[2].restarts).toBe(1);
  // The healthy profile's p95 is 250 ms, within the 300 ms latency SLO.
  expect(byId['chaos.latency/demo-app-latency'].measurements![0].value).toBeLessThanOrEqual(0.3);
  expect(v.recovery.seconds).toBeLessThan(14);
  const report = chaosReport(m, { name: 'pod-kill-single', kind: 'PodChaos', action: 'pod-kill' }, v, { prometheus: api.url, simulated: true });
  expect(report.title).toBe('Chaos experiment pod-kill-single (PodChaos pod-kill): PASSED');
  expect(report.recommendations!.join('\n')).toMatch(/^It recovered \d+s after the fault ended\.$/m);
}, 60000);

test('an outage of every replica fires the page alert: the run aborts and the verdict is FAILED', async () => {
  const { m, aborted, timeline } = await runFault({
    steadyMs: 3000,
    inject: () => app.setFaults({ lostReplicas: 4 }),
    heal: () => app.heal(),
    maxFaultMs: 20000,
    afterMs: 12000,
    abortOnPage: true,
  });
  expect(aborted).toBeDefined();
  expect(aborted!.reason).toMatch(/^the page alert DemoAppAvailability of SLO demo-app-availability is firing \(active since .+\)$/);
  expect(aborted!.at - timeline.injectedAt).toBeLessThan(10);
  const exp = { name: 'pod-failure-all-replicas', kind: 'PodChaos', action: 'pod-failure', aborted };
  const v = chaosVerdict(m, exp);
  const status = Object.fromEntries(v.checks.map((c) => [c.id, c.status]));
  expect(status['chaos.abort']).toBe('failed');
  expect(status['chaos.page-alert/demo-app-availability']).toBe('failed');
  expect(v.status).toBe('failed');
  // Aborted within a few seconds: 100 failed requests a second against a 1% budget of 100 req/s over 1h.
  const burned = v.budgets[0].burned!;
  expect(burned).toBeGreaterThan(0.01);
  expect(status['chaos.budget/demo-app-availability']).toBe(burned > 0.05 ? 'failed' : 'passed');
  expect(v.impact.errorRate!.max).toBeGreaterThan(0.1);
  const recs = v.recommendations.join('\n');
  expect(recs).toMatch(/^Losing pods raised the error rate to \d+(\.\d+)?% \(steady state 0%; consumed availability \d/m);
  expect(recs).toMatch(/^DemoAppAvailability \(page\) fired at /m);
  // The same figures against the chapter's fixed thresholds (no SLO given).
  const fixed = chaosVerdict({ ...m, slos: [] }, exp);
  expect(fixed.checks.find((c) => c.id === 'chaos.error-rate')!.status).toBe('failed');
  expect(fixed.status).toBe('failed');
}, 60000);

test('after the outage slo gate fails (exit 1) naming the SLO, its remaining budget and its burn rate', async () => {
  const r = await runSloGate({ sloFile: ruleFile }, { prometheus: api });
  expect(r.exitCode).toBe(1);
  const avail = r.report.sections[0].checks.find((c) => c.id === 'slo.gate/demo-app-availability')!;
  expect(avail.status).toBe('failed');
  expect(avail.evidence[0]).toMatch(
    /^demo-app-availability has -\d+(\.\d+)?% of its error budget left, under the 20% minimum; current burn rate \d+(\.\d+)?x /,
  );
  expect(avail.fix).toBe('hold deploys of demo-app that are not fixes for availability, until the budget recovers above 20%');
  expect(r.report.sections[0].checks.find((c) => c.id === 'slo.gate/demo-app-latency')!.status).toBe('passed');
  // Only the latency SLO selected: that one passes.
  const latencyOnly = await runSloGate({ sloFile: ruleFile, sloNames: ['latency'] }, { prometheus: api });
  expect(latencyOnly.exitCode).toBe(0);
  // The budget is gone whatever the minimum.
  expect((await runSloGate({ sloFile: ruleFile, minBudget: 0 }, { prometheus: api })).exitCode).toBe(1);
});

test('slo report shows the spent budget and an HTML burn-down chart', async () => {
  const r = await runSloReport({ sloFile: ruleFile, chartPoints: 3600 }, { prometheus: api });
  expect(r.exitCode).toBe(1);
  const section = r.report.sections.find((s) => s.title === 'demo-app / availability')!;
  expect(section.checks.map((c) => [c.id, c.status])).toEqual([
    ['slo.report/demo-app-availability/objective', 'failed'],
    ['slo.report/demo-app-availability/alerts', expect.stringMatching(/^(passed|failed)$/)],
  ]);
  expect(section.tables![0].rows.map((row) => row[0])).toEqual(['10s', '30s', '1m', '2m', '5m', '10m', '1h']);
  const burn = r.burnDown.find((b) => b.target.id === 'demo-app-availability')!;
  const values = burn.samples.map((s) => s.v).filter(Number.isFinite);
  expect(values.length).toBeGreaterThan(1);
  expect(Math.max(...values)).toBe(1);
  expect(Math.min(...values)).toBeLessThan(0);
  const html = renderSloReportHtml(r.report, r.burnDown, 0.2);
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html.match(/<polyline class="budget"/g)!.length).toBeGreaterThanOrEqual(2);
  expect(html).not.toMatch(/(src|href)="https?:/);
});

test('with Prometheus stopped the gate cannot decide (exit 2) and names the URL', async () => {
  await prom.stop();
  const r = await runSloGate({ sloFile: ruleFile }, { prometheus: api });
  expect(r.exitCode).toBe(2);
  expect(r.report.verdict).toBe('undecided');
  expect(r.report.sections[0].checks[0].evidence[0]).toBe(`Prometheus at ${prom.url} is unreachable (ECONNREFUSED); check --prometheus-url`);
  // The abort condition also needs Prometheus: the error propagates to the runner.
  await expect(pollAbort(api, chaosMetricQueries(), { targets })).rejects.toThrow(/is unreachable/);
  expect(abortDecision([], undefined, { targets })).toEqual({ abort: false });
});
