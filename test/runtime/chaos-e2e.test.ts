/**
 * `chaos run`, `chaos list|status|report|delete` and `slo gate` end to end, through the
 * built CLI (`main` of lib/src/runtime/cli.js, the real @kubernetes/client-node adapter)
 * against the chaos demo: the simulated cluster with the simulated Chaos Mesh controller,
 * the demo app's exporter bound to its pods, and the real Prometheus (Debian package)
 * scraping it every second with the SLO rules (6h period, 10s/30s page windows).
 *
 * In order, sharing one demo: the gate passes; a guardrail refuses a protected namespace; a
 * pod-kill stays within budget (PASSED) and is listed, inspected, reported again and
 * deleted; an outage of every replica fires the page alert, the run aborts (FAILED); the
 * gate then fails; SIGINT deletes a running experiment and waits for recovery; with
 * Prometheus stopped the gate and the runner cannot decide (exit 2).
 */
import { ChildProcess, execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { CHAOS_POD, CONFIGMAPS, PODS } from '../../src/runtime/cluster/resources';
import { Report } from '../../src/runtime/report/model';
import { podServing } from '../../src/runtime/sim/chaos';
import { ChaosDemo, DEMO_ALERT_WINDOWS, demoRulesFile, startChaosDemo } from '../../src/runtime/sim/chaos-demo';
import { AlertWindows, Sli, SloSpec } from '../../src/slo';
import { findPrometheus } from '../support/prometheus';

const ROOT = path.resolve(__dirname, '..', '..');
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');
let demo: ChaosDemo;
let dir: string;
let rules: string;
let experiments: string;

/** Runs the built CLI as a separate process, as a user does; `onStart` gets the child (to signal it). */
function cli(args: string[], onStart?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, maxBuffer: 16 * 1024 * 1024, timeout: 120000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    onStart?.(child);
  });
}

function cluster(): string[] {
  return ['--kubeconfig', demo.kubeconfig, '--quiet'];
}

function runArgs(name: string, extra: string[] = [], slo = true): string[] {
  return [
    'chaos',
    'run',
    '-f',
    experiments,
    '--name',
    name,
    '--steady-state',
    '5s',
    '--recovery',
    '10s',
    ...(slo ? ['--slo', rules] : []),
    '--prometheus-url',
    demo.prometheus!.url,
    '--metrics-selector',
    'job=demo-app',
    '--rate-window',
    '5s',
    '--format',
    'json',
    ...cluster(),
    ...extra,
  ];
}

function checks(r: Report): Record<string, string> {
  return Object.fromEntries(r.sections.flatMap((s) => s.checks).map((c) => [c.id, c.status]));
}

const pod = (name: string, spec: string) =>
  `apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: ${name}\n  namespace: chaos-testing\nspec:\n${spec}`;
const demoTarget = '  selector:\n    namespaces: [team-alpha]\n    labelSelectors: {app: demo-app}\n';

beforeAll(async () => {
  findPrometheus(process.env); // fails with the install hint when prometheus is missing
  const built = path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js');
  if (!fs.existsSync(built)) throw new Error('the CLI is not built: run `npm run build` (npm test does) before this suite');
  demo = await startChaosDemo();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-e2e-'));
  rules = path.join(dir, 'demo-app-slos.rules.yaml');
  fs.writeFileSync(rules, demoRulesFile());
  experiments = path.join(dir, 'experiments.yaml');
  fs.writeFileSync(
    experiments,
    [
      pod('pod-kill-one', `  action: pod-kill\n  mode: one\n  duration: 4s\n${demoTarget}`),
      pod('outage', `  action: pod-failure\n  mode: all\n  duration: 30s\n${demoTarget}`),
      pod('interrupt-me', `  action: pod-failure\n  mode: one\n  duration: 30s\n${demoTarget}`),
      pod('protected', '  action: pod-kill\n  mode: one\n  duration: 10s\n  selector:\n    namespaces: [kube-system]\n'),
    ].join('---\n'),
  );
}, 60000);

afterAll(async () => {
  await demo?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the demo runs the real prometheus 2.42 with the rules SloSpec generates for the same SLOs', () => {
  expect(demo.prometheus!.version).toMatch(/^prometheus, version 2\.42\./);
  const windows = AlertWindows.custom({
    period: Duration.hours(6),
    pageQuick: { errorBudgetPercent: 2, shortWindow: Duration.seconds(10), longWindow: Duration.seconds(30) },
    pageSlow: { errorBudgetPercent: 5, shortWindow: Duration.seconds(30), longWindow: Duration.minutes(2) },
    ticketQuick: { errorBudgetPercent: 10, shortWindow: Duration.minutes(1), longWindow: Duration.minutes(5) },
    ticketSlow: { errorBudgetPercent: 10, shortWindow: Duration.minutes(2), longWindow: Duration.minutes(10) },
  });
  expect(windows.model).toEqual(DEMO_ALERT_WINDOWS);
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const spec = new SloSpec(new Chart(Testing.app(), 'slos'), 'demo', {
    service: 'demo-app',
    generationInfo: { version },
    period: Duration.hours(6),
    alertWindows: [windows],
    scrapeInterval: Duration.seconds(1),
    slos: [
      {
        name: 'availability',
        objective: 99,
        sli: Sli.availability({ selector: { job: 'demo-app' }, statusLabel: 'status' }),
        alerting: { name: 'DemoAppAvailability', pageAlert: { labels: { severity: 'critical' } } },
      },
      {
        name: 'latency',
        objective: 95,
        sli: Sli.latency({ selector: { job: 'demo-app' }, thresholdBucket: '0.3' }),
        alerting: { name: 'DemoAppLatency', pageAlert: { labels: { severity: 'critical' } } },
      },
    ],
  });
  expect(demoRulesFile()).toBe(spec.toRulesFile());
});

test('slo gate passes before any fault (exit 0)', async () => {
  const r = await cli(['slo', 'gate', '--slo', rules, '--prometheus-url', demo.prometheus!.url, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  expect(checks(report)).toEqual({ 'slo.gate/demo-app-availability': 'passed', 'slo.gate/demo-app-latency': 'passed' });
  // JUnit for CI: one test case per SLO.
  const junit = await cli([
    'slo',
    'gate',
    '--slo',
    rules,
    '--prometheus-url',
    demo.prometheus!.url,
    '--format',
    'junit',
    '--slo-name',
    'availability',
  ]);
  expect(junit.code).toBe(0);
  expect(junit.stdout.match(/<testcase /g)).toHaveLength(1);
});

test('a guardrail refuses an experiment on a protected namespace: one line, exit 2, nothing created', async () => {
  const r = await cli(runArgs('protected'));
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(
    `cdk8s-resilience chaos run: ${experiments}:40: PodChaos protected breaks rule protected-namespace (spec.selector.namespaces): namespace "kube-system" is protected and can never be targeted; target an application namespace instead\n`,
  );
  expect(demo.sim.store.list(CHAOS_POD)).toEqual([]);
});

test('a pod-kill within budget: PASSED, from the SLOs; then chaos list, status, report and delete', async () => {
  const r = await cli(runArgs('pod-kill-one', ['--keep']));
  const report = JSON.parse(r.stdout) as Report;
  expect(r.stderr).toBe('');
  expect(report.title).toBe('Chaos experiment pod-kill-one (PodChaos pod-kill): PASSED');
  expect(r.code).toBe(0);
  expect(report.simulated).toBe(true);
  expect(checks(report)).toEqual({
    'chaos.traffic': 'passed',
    'chaos.budget/demo-app-availability': 'passed',
    'chaos.page-alert/demo-app-availability': 'passed',
    'chaos.budget/demo-app-latency': 'passed',
    'chaos.page-alert/demo-app-latency': 'passed',
    'chaos.latency/demo-app-latency': 'passed',
    'chaos.recovery': 'passed',
  });
  const [exp] = report.sections;
  const changes = exp.tables![0].rows.map((row) => row[2]);
  expect(changes.slice(0, 4)).toEqual(['Selected=True', 'AllInjected=True', 'AllRecovered=False', 'Paused=False']);
  expect(changes).toContain('AllRecovered=True');
  expect(exp.tables![1].rows).toHaveLength(1);
  expect(exp.tables![1].rows[0].slice(1)).toEqual(['Not Injected', 1, 1]);
  // The fault lasted its 4s duration; steady state 5s, after 10s.
  const m = report.sections[1].tables![0];
  expect(m.columns.slice(1).map((c) => String(c).replace(/\d+s/, 'Ns'))).toEqual(['steady-state (Ns)', 'during (Ns)', 'after (Ns)']);
  const errPeak = m.rows.find((row) => row[0] === 'error rate (peak)')!;
  expect(errPeak[1]).toBe('0%');
  expect(Number(String(errPeak[2]).replace('%', ''))).toBeGreaterThan(0);
  const budget = report.sections[1].tables![1].rows.find((row) => row[0] === 'demo-app-availability')!;
  expect(Number(String(budget[2]).replace('%', ''))).toBeGreaterThan(0);
  expect(Number(String(budget[2]).replace('%', ''))).toBeLessThan(5);
  expect(budget[4]).toBe('no');
  expect(report.recommendations!.join('\n')).toMatch(/^It recovered \d+s after the fault ended\.$/m);
  // Kept: the experiment (--keep) and the run's report.
  expect(demo.sim.store.get(CHAOS_POD, 'chaos-testing', 'pod-kill-one')).toBeDefined();
  expect(demo.sim.store.get(CONFIGMAPS, 'chaos-testing', 'chaos-run-pod-kill-one')).toBeDefined();

  const list = await cli(['chaos', 'list', '--format', 'json', ...cluster()]);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as Report).sections[0].tables![0].rows.map((row) => row.slice(0, 4))).toEqual([
    ['PodChaos', 'chaos-testing', 'pod-kill-one', 'Finished'],
  ]);
  const status = await cli(['chaos', 'status', 'pod-kill-one', '--format', 'json', ...cluster()]);
  expect(status.code).toBe(0);
  const st = JSON.parse(status.stdout) as Report;
  expect(st.title).toBe('PodChaos chaos-testing/pod-kill-one: Finished');
  expect(st.sections[0].tables![0].rows).toEqual([
    ['Selected', 'True', ''],
    ['AllInjected', 'False', ''],
    ['AllRecovered', 'True', ''],
    ['Paused', 'False', ''],
  ]);
  expect(st.sections[1].tables![0].rows[0][1]).toBe('gone (deleted)');
  expect(st.sections[2].tables![0].rows.map((row) => row[2])).toEqual(['Selected', 'Applied', 'Finished']);
  const again = await cli(['chaos', 'report', 'pod-kill-one', '--format', 'json', ...cluster()]);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual(report);
  const del = await cli(['chaos', 'delete', 'pod-kill-one', '--format', 'json', ...cluster()]);
  expect(del.code).toBe(0);
  expect((JSON.parse(del.stdout) as Report).sections[0].checks[0].evidence[1]).toMatch(/^target pods and Deployments Ready again after \d+\.\ds$/);
  expect(demo.sim.store.get(CHAOS_POD, 'chaos-testing', 'pod-kill-one')).toBeUndefined();
  const missing = await cli(['chaos', 'status', 'pod-kill-one', ...cluster()]);
  expect([missing.code, missing.stderr]).toEqual([
    2,
    'cdk8s-resilience chaos status: no Chaos Mesh experiment named pod-kill-one in any namespace (see cdk8s-resilience chaos list)\n',
  ]);
}, 90000);

test('an outage of every replica fires the page alert: the run aborts at once and the verdict is FAILED', async () => {
  const r = await cli(runArgs('outage', ['--allow-full-blast-radius']));
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as Report;
  expect(report.title).toBe('Chaos experiment outage (PodChaos pod-failure): FAILED');
  expect(r.code).toBe(1);
  const c = checks(report);
  expect(c['chaos.abort']).toBe('failed');
  expect(c['chaos.page-alert/demo-app-availability']).toBe('failed');
  const notes = report.sections[0].notes!.join('\n');
  expect(notes).toMatch(
    /^ABORTED at \S+, \d+s into the fault: the page alert DemoAppAvailability of SLO demo-app-availability is firing \(active since .+\); the experiment was paused and deleted$/m,
  );
  const abortedAfter = Number(/ABORTED at \S+, (\d+)s into the fault/.exec(notes)![1]);
  expect(abortedAfter).toBeLessThan(15);
  expect(report.sections[0].tables![0].rows.map((row) => row[2])).toEqual(expect.arrayContaining(['Paused=True', 'deleted']));
  expect(report.recommendations!.join('\n')).toMatch(/^Losing pods raised the error rate to \d+(\.\d+)?% \(steady state 0%/m);
  expect(demo.sim.store.get(CHAOS_POD, 'chaos-testing', 'outage')).toBeUndefined();
}, 90000);

test('after the outage slo gate fails (exit 1) naming the SLO, its budget and burn rate', async () => {
  const r = await cli(['slo', 'gate', '--slo', rules, '--prometheus-url', demo.prometheus!.url, '--format', 'json']);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as Report;
  const avail = report.sections[0].checks.find((x) => x.id === 'slo.gate/demo-app-availability')!;
  expect(avail.status).toBe('failed');
  expect(avail.evidence[0]).toMatch(/^demo-app-availability has -?\d+(\.\d+)?% of its error budget left, under the 20% minimum; current burn rate /);
  const html = await cli(['slo', 'report', '--slo', rules, '--prometheus-url', demo.prometheus!.url, '--format', 'html']);
  expect(html.code).toBe(1);
  expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
});

test('SIGINT deletes the running experiment and waits until the target is Ready again', async () => {
  let child: ChildProcess | undefined;
  // No --slo: the outage's page alert may still be firing, and would stop the run before it starts.
  const running = cli(runArgs('interrupt-me', ['--steady-state', '1s'], false), (c) => (child = c));
  const deadline = Date.now() + 20000;
  while (!demo.sim.store.list(PODS, 'team-alpha').some((p) => !podServing(p))) {
    if (Date.now() > deadline) throw new Error('the experiment was never injected');
    await new Promise((r) => setTimeout(r, 50));
  }
  child!.kill('SIGINT');
  const r = await running;
  expect(r.code).toBe(2);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.title).toBe('Chaos experiment interrupt-me: INTERRUPTED');
  expect(report.sections[0].checks[0].evidence[1]).toMatch(/^the experiment was deleted; the target was Ready again after \d+\.\ds$/);
  expect(demo.sim.store.get(CHAOS_POD, 'chaos-testing', 'interrupt-me')).toBeUndefined();
  expect(demo.sim.store.list(PODS, 'team-alpha').filter(podServing)).toHaveLength(3);
}, 60000);

test('with Prometheus stopped: the gate cannot decide and the runner refuses to start (exit 2, nothing created)', async () => {
  await demo.prometheus!.stop();
  const gate = await cli(['slo', 'gate', '--slo', rules, '--prometheus-url', demo.prometheus!.url, '--format', 'json']);
  expect(gate.code).toBe(2);
  expect((JSON.parse(gate.stdout) as Report).sections[0].checks[0].evidence[0]).toBe(
    `Prometheus at ${demo.prometheus!.url} is unreachable (ECONNREFUSED); check --prometheus-url`,
  );
  const run = await cli(runArgs('pod-kill-one'));
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(
    `cdk8s-resilience chaos run: Prometheus at ${demo.prometheus!.url} is unreachable (ECONNREFUSED); check --prometheus-url\n`,
  );
  expect(demo.sim.store.list(CHAOS_POD)).toEqual([]);
});
