/**
 * A harness for the real Prometheus tools: `promtool check rules` and `promtool test rules`
 * on generated rule files, in a temporary directory.
 *
 * promtool is required. When it is missing the calls throw (so the tests fail, never skip)
 * with the way to install it: `apt-get install prometheus` (Debian/Ubuntu), which CI does.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

/** What a promtool run printed and returned. */
export interface PromtoolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
}

let located: string | undefined;

/**
 * Finds promtool in an environment: `PROMTOOL`, else the first `promtool` on `PATH`.
 * Throws with the way to install it when there is none.
 */
export function findPromtool(env: Readonly<Record<string, string | undefined>>): string {
  const candidates = [
    env.PROMTOOL,
    ...(env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, 'promtool')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  throw new Error(
    'promtool was not found (looked at $PROMTOOL and every directory of $PATH). ' +
      'These tests need the real Prometheus tools: install promtool (apt-get install prometheus), or set PROMTOOL to its path.',
  );
}

/** The path of promtool for this process (see {@link findPromtool}); throws if there is none. */
export function promtoolPath(): string {
  located ??= findPromtool(process.env);
  return located;
}

/** The promtool version line (e.g. `promtool, version 2.42.0+ds ...`). */
export function promtoolVersion(): string {
  return runPromtool(['--version']).output.split('\n')[0].trim();
}

/** Runs promtool with `args` in `cwd`; never throws on a non-zero exit (the result says it). */
export function runPromtool(args: string[], cwd: string = process.cwd(), timeoutMs = 30000): PromtoolResult {
  const r = spawnSync(promtoolPath(), args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw new Error(`promtool ${args.join(' ')} could not run: ${r.error.message}`);
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { exitCode: r.status ?? -1, stdout, stderr, output: `${stdout}${stderr}` };
}

/** A fresh temporary directory for one run's files. */
export function tempDir(prefix = 'promtool-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a run's directory, unless PROMTOOL_KEEP_FILES is set (to look at what promtool saw). */
function cleanUp(dir: string): void {
  if (!process.env.PROMTOOL_KEEP_FILES) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes files (name → content) into `dir` and returns their paths, in order. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): string[] {
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  });
}

/** `promtool check rules FILE...` on rules files (name → YAML text), written to a fresh temporary directory. */
export function checkRules(ruleFiles: Readonly<Record<string, string>>): PromtoolResult & { readonly dir: string } {
  const names = Object.keys(ruleFiles);
  if (names.length === 0) throw new Error('checkRules: no rule files given');
  const dir = tempDir();
  try {
    writeFiles(dir, ruleFiles);
    return { ...runPromtool(['check', 'rules', ...names], dir), dir };
  } finally {
    cleanUp(dir);
  }
}

/** One input series in promtool's expanding notation (`0+10x120`, `1 2 _ 4`, `0x60 5+5x10`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One expected alert: its labels (alertname is added by promtool) and annotations. */
export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations?: Readonly<Record<string, string>>;
}

/** The alerts named `alertname` expected at `eval_time` (an empty list: none firing). */
export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}

/** An expected PromQL result at a time. */
export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: ReadonlyArray<{ readonly labels: string; readonly value: number }>;
}

/** One promtool test case. */
export interface PromtoolTestCase {
  readonly name?: string;
  /** The scrape interval of the input series. @default "1m" */
  readonly interval?: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test?: readonly AlertRuleTest[];
  readonly promql_expr_test?: readonly PromqlExprTest[];
}

/** The options of a promtool unit-test file. */
export interface PromtoolTestFileOptions {
  /** Rule files to load, relative to the test file. */
  readonly ruleFiles: readonly string[];
  /** How often rules are evaluated. @default "1m" */
  readonly evaluationInterval?: string;
  readonly tests: readonly PromtoolTestCase[];
}

/** A promtool unit-test file (`promtool test rules FILE`) as YAML. */
export function promtoolTestYaml(o: PromtoolTestFileOptions): string {
  return YAML.stringify(
    {
      rule_files: [...o.ruleFiles],
      evaluation_interval: o.evaluationInterval ?? '1m',
      tests: o.tests.map((t) => ({ ...t, interval: t.interval ?? '1m' })),
    },
    { lineWidth: 0 },
  );
}

/**
 * `promtool test rules` with the given rule files (name → YAML) and test cases, in a fresh
 * temporary directory. Returns promtool's result, the test file, and the directory used (removed
 * afterwards unless PROMTOOL_KEEP_FILES is set).
 */
export function testRules(
  ruleFiles: Readonly<Record<string, string>>,
  tests: readonly PromtoolTestCase[],
  evaluationInterval = '1m',
): PromtoolResult & { readonly dir: string; readonly testYaml: string } {
  const dir = tempDir();
  try {
    writeFiles(dir, ruleFiles);
    const testYaml = promtoolTestYaml({ ruleFiles: Object.keys(ruleFiles), evaluationInterval, tests });
    writeFiles(dir, { 'test.yaml': testYaml });
    return { ...runPromtool(['test', 'rules', 'test.yaml'], dir), dir, testYaml };
  } finally {
    cleanUp(dir);
  }
}

/**
 * Expands the `{{$labels.x}}` and `{{ $labels.x }}` references of alert annotations, as
 * Prometheus does for these simple templates (the expected annotations of a test).
 */
export function expandAnnotations(annotations: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).map(([k, v]) => [
      k,
      v.replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, name: string) => labels[name] ?? ''),
    ]),
  );
}
