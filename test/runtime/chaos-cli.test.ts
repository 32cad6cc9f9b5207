/**
 * `chaos` and `slo gate|report` flags and bad input (one line on stderr, exit 2, nothing
 * changed), the demo without Prometheus (it says so and uses recorded series), and the
 * runtime loading no cdk8s module. The CLI runs as a separate process on the build.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Report } from '../../src/runtime/report/model';
import { demoRulesFile } from '../../src/runtime/sim/chaos-demo';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-cli-'));
const rules = path.join(dir, 'rules.yaml');
const experiment = path.join(dir, 'pod-kill.yaml');

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js')))
    throw new Error('the CLI is not built: run `npm run build` (npm test does) before this suite');
  fs.writeFileSync(rules, demoRulesFile());
  fs.writeFileSync(
    experiment,
    'apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: pod-kill-short\n  namespace: chaos-testing\nspec:\n  action: pod-kill\n  mode: one\n  duration: 2s\n  selector:\n    namespaces: [team-alpha]\n    labelSelectors: {app: demo-app}\n',
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, KUBECONFIG: '', ...env }, timeout: 60000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const noPrometheus = { PATH: '/nonexistent', PROMETHEUS: undefined };

test.concurrent.each([
  [
    ['slo', 'gate'],
    'cdk8s-resilience slo gate: no SLOs given: use --slo FILE (a Sloth/OpenSLO spec or generated rules) or --slo-from DIR (e.g. dist/)',
  ],
  [['slo', 'gate', '--slo', 'missing/slos.yaml'], 'cdk8s-resilience slo gate: --slo missing/slos.yaml: no such file'],
  [['slo', 'gate', '--slo', '@RULES', '--min-budget', '1x'], 'cdk8s-resilience slo gate: --min-budget "1x" is not a percentage (e.g. 20% or 0.2)'],
  [
    ['slo', 'gate', '--slo', '@RULES', '--on-missing-data', 'maybe'],
    'cdk8s-resilience slo gate: --on-missing-data "maybe" must be pass or fail (default: the gate cannot decide, exit 2)',
  ],
  [
    ['slo', 'gate', '--slo', '@RULES', '--prometheus-url', 'not a url'],
    'cdk8s-resilience slo gate: --prometheus-url "not a url" is not a URL (e.g. http://localhost:9090)',
  ],
  [['slo', 'gate', '--slo', '@RULES', '--slo-name', 'nope'], expect.stringMatching(/^cdk8s-resilience slo gate: .*nope/)],
  [['slo', 'gate', '--demo-scenario', 'outage'], 'cdk8s-resilience slo gate: --demo-scenario needs --demo'],
  [
    ['slo', 'gate', '--format', 'html'],
    "cdk8s-resilience slo gate: option '--format <format>' argument 'html' is invalid. Allowed choices are text, markdown, json, junit (see cdk8s-resilience slo gate --help)",
  ],
  [['chaos', 'run'], "cdk8s-resilience chaos run: required option '-f, --file <file>' not specified (see cdk8s-resilience chaos run --help)"],
  [
    ['chaos', 'run', '-f', '@EXP', '--steady-state', '2x'],
    'cdk8s-resilience chaos run: --steady-state "2x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m',
  ],
  [
    ['chaos', 'run', '-f', '@EXP', '--max-budget-burn', 'lots'],
    'cdk8s-resilience chaos run: --max-budget-burn "lots" is not a percentage (e.g. 20% or 0.2)',
  ],
  [['chaos', 'frobnicate'], "cdk8s-resilience chaos: unknown command 'frobnicate'; run cdk8s-resilience chaos --help for the list"],
])('%j: one line, exit 2', async (args, line) => {
  const r = await cli(args.map((a) => (a === '@RULES' ? rules : a === '@EXP' ? experiment : a)));
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toEqual(line);
});

test('slo gate against a Prometheus that is not there: exit 2, the report names the URL', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const r = await cli(['slo', 'gate', '--slo', rules, '--prometheus-url', `http://127.0.0.1:${port}`, '--format', 'json']);
  expect(r.code).toBe(2);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.verdict).toBe('undecided');
  expect(report.sections[0].checks[0].evidence[0]).toBe(
    `Prometheus at http://127.0.0.1:${port} is unreachable (ECONNREFUSED); check --prometheus-url`,
  );
});

test('slo gate --demo without prometheus on the PATH: says so, exit 2', async () => {
  const r = await cli(['slo', 'gate', '--demo'], noPrometheus);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    'cdk8s-resilience slo gate: --demo needs a real Prometheus: prometheus is not on the PATH: install it (apt-get install prometheus on Debian/Ubuntu), or set PROMETHEUS to its path\n',
  );
});

test('chaos run --demo without prometheus: says so, runs the experiment in the simulation, judges recorded series', async () => {
  const r = await cli(['chaos', 'run', '--demo', '-f', experiment, '--format', 'json'], noPrometheus);
  expect(r.stderr).toBe(
    'chaos run --demo: no real Prometheus (prometheus is not on the PATH: install it (apt-get install prometheus on Debian/Ubuntu), or set PROMETHEUS to its path); the report uses series recorded from Prometheus 2.42 instead\n',
  );
  const report = JSON.parse(r.stdout) as Report;
  expect(report.simulated).toBe(true);
  expect(report.target.prometheus).toBe('none (recorded series)');
  const notes = report.sections[0].notes!.join('\n');
  expect(notes).toMatch(
    /^metrics: RECORDED series, not measured in this run \(no Prometheus: one of four replicas lost for half a second, then replaced \(a restart counted\); recorded with prometheus, version 2\.42\./m,
  );
  // The experiment itself ran in the simulation, followed by watch.
  expect(report.sections[0].tables![0].rows.map((row) => row[2])).toEqual(
    expect.arrayContaining(['Selected=True', 'AllInjected=True', 'AllRecovered=True']),
  );
  expect(report.title).toBe('Chaos experiment pod-kill-short (PodChaos pod-kill): PASSED');
  expect(r.code).toBe(0);
});

test('running chaos run and slo gate loads no cdk8s module', async () => {
  const script = `const cli = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js'))});
    (async () => {
      const io = { out() {}, err() {} };
      const a = await cli.main(['chaos', 'run', '-f', ${JSON.stringify(experiment)}, '--kubeconfig', '/nonexistent/kubeconfig'], io);
      const b = await cli.main(['slo', 'gate', '--slo', ${JSON.stringify(rules)}, '--prometheus-url', 'http://127.0.0.1:9'], io);
      const c = await cli.main(['chaos', 'list', '--kubeconfig', '/nonexistent/kubeconfig'], io);
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdk8s|cdk8s-plus-28|constructs)[\\\\/]/.test(k));
      const runtime = Object.keys(require.cache).filter((k) => /[\\\\/]lib[\\\\/]src[\\\\/]runtime[\\\\/](chaos|slo)[\\\\/]/.test(k)).length;
      process.stdout.write(JSON.stringify({ codes: [a, b, c], loaded, runtime: runtime > 5 }));
    })();`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { cwd: ROOT }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  expect(JSON.parse(out)).toEqual({ codes: [2, 2, 2], loaded: [], runtime: true });
});
