/**
 * `cdk8s-resilience slo generate|validate`, run as a separate process the way a user runs
 * it (`node bin/cdk8s-resilience ...`, on the build in lib/; `npm test` builds first).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { normaliseOutput, SLOTH_FIXTURES, slothFixtureCases } from './sloth-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');
const FIX = path.join(__dirname, 'fixtures');
const VALIDATE = path.join(SLOTH_FIXTURES, 'validate');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function stderrLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function docs(text: string): Json[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJSON())
    .filter((d) => d !== null && d !== undefined);
}

function allRules(text: string): Json[] {
  return docs(text)
    .flatMap((d: Json) => (d.kind === 'PrometheusRule' ? d.spec.groups : d.groups))
    .flatMap((g: Json) => g.rules);
}

let tmp: string;
const cases = slothFixtureCases();

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'runtime', 'slo.js'))) {
    throw new Error('the CLI is not built: run `npm run build` (npm test does) before this suite');
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-cli-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('slo generate: every Sloth v0.16 golden case, as a separate process', () => {
  // All cases run in parallel once; each test then checks its own result.
  let results: Map<string, Run>;
  let fileResults: Map<string, { run: Run; out: string }>;
  beforeAll(async () => {
    const stdoutRuns = cases.map(async (c) => [c.name, await run(['slo', 'generate', '--input', c.inputPath, ...c.args])] as const);
    const fileRuns = cases.map(async (c) => {
      const out = path.join(tmp, `${c.name}.out.yaml`);
      return [c.name, { run: await run(['slo', 'generate', '-i', c.inputPath, '-o', out, ...c.args]), out }] as const;
    });
    results = new Map(await Promise.all(stdoutRuns));
    fileResults = new Map(await Promise.all(fileRuns));
  });

  test('the fixture set is present', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: stdout matches Sloth (normalised as the fixtures README says)', (name, c) => {
    const r = results.get(name)!;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(normaliseOutput(r.stdout)).toEqual(normaliseOutput(c.expected));
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: --out FILE matches Sloth', (name, c) => {
    const { run: r, out } = fileResults.get(name)!;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(normaliseOutput(fs.readFileSync(out, 'utf8'))).toEqual(normaliseOutput(c.expected));
  });

  test('the comparison notices a changed rule (it can fail)', () => {
    const c = cases.find((x) => x.name === 'base')!;
    const actual = normaliseOutput(results.get('base')!.stdout);
    actual[0].groups[2].rules[0].expr = actual[0].groups[2].rules[0].expr.replace('14.4', '14.5');
    expect(actual).not.toEqual(normaliseOutput(c.expected));
  });

  test('Kubernetes input becomes a PrometheusRule with the PrometheusServiceLevel metadata and our labels', () => {
    const [obj] = docs(results.get('example-k8s-getting-started')!.stdout);
    expect(obj.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(obj.kind).toBe('PrometheusRule');
    expect(obj.metadata.name).toBe('sloth-slo-my-service');
    expect(obj.metadata.namespace).toBe('monitoring');
    expect(obj.metadata.labels['app.kubernetes.io/component']).toBe('SLO');
    expect(obj.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-resilience');
    const info = obj.spec.groups.flatMap((g: Json) => g.rules).find((r: Json) => r.record === 'sloth_slo_info');
    expect(info.labels).toMatchObject({ sloth_mode: 'cli-gen-k8s', sloth_spec: 'sloth.slok.dev/v1', sloth_version: '0.1.0' });
  });

  test('sloth_slo_info records cli-gen-prom, the spec type and this package version for prometheus/v1 input', () => {
    const info = allRules(results.get('base')!.stdout).find((r: Json) => r.record === 'sloth_slo_info');
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(info.labels).toMatchObject({ sloth_mode: 'cli-gen-prom', sloth_spec: 'prometheus/v1', sloth_version: version });
  });
});

describe('slo generate: files, directories and flags', () => {
  const byName = (n: string) => cases.find((c) => c.name === n)!;

  test('a file holding several documents (Sloth and Kubernetes) gives every document its output, in order', async () => {
    const names = ['example-getting-started', 'example-k8s-getting-started', 'example-home-wifi'];
    const file = path.join(tmp, 'multi.yaml');
    fs.writeFileSync(file, names.map((n) => byName(n).input).join('\n---\n'));
    const r = await run(['slo', 'generate', '-i', file, '--extra-labels', 'cmd=examplesgen.sh']);
    expect(r.code).toBe(0);
    const expected = names.flatMap((n) => normaliseOutput(byName(n).expected));
    expect(normaliseOutput(r.stdout)).toEqual(expected);
    expect(expected.map((d) => d.kind ?? 'rules')).toEqual(['rules', 'PrometheusRule', 'rules']);
  });

  test('a directory in, a directory out: one output per spec file at the same relative path; --fs-include and --fs-exclude filter', async () => {
    const inDir = path.join(tmp, 'specs');
    const outDir = path.join(tmp, 'rules');
    const argsFor = new Map<string, string>();
    for (const c of cases.filter((x) => x.args.join(' ') === '--extra-labels cmd=examplesgen.sh')) {
      const dest = path.join(inDir, c.name.includes('k8s') ? 'k8s' : 'plain', `${c.name}.yaml`);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, c.input);
      argsFor.set(c.name, dest);
    }
    fs.writeFileSync(path.join(inDir, 'README.md'), 'not a spec');
    fs.mkdirSync(outDir);
    const r = await run(['slo', 'generate', '--input', inDir, '--out', outDir, '--extra-labels', 'cmd=examplesgen.sh', '--fs-exclude', 'raw-home']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const name of argsFor.keys()) {
      const out = path.join(outDir, path.relative(inDir, argsFor.get(name)!));
      if (name.includes('raw-home')) {
        expect(fs.existsSync(out)).toBe(false);
        continue;
      }
      expect(normaliseOutput(fs.readFileSync(out, 'utf8'))).toEqual(normaliseOutput(byName(name).expected));
    }
    expect(fs.existsSync(path.join(outDir, 'README.md'))).toBe(false);

    const outDir2 = path.join(tmp, 'rules-k8s-only');
    fs.mkdirSync(outDir2);
    const r2 = await run(['slo', 'generate', '-i', inDir, '-o', outDir2, '-l', 'cmd=examplesgen.sh', '--fs-include', '/k8s/']);
    expect(r2.code).toBe(0);
    expect(fs.readdirSync(outDir2)).toEqual(['k8s']);
  });

  test('a directory input needs an existing output directory that is not the input', async () => {
    const inDir = path.join(tmp, 'specs-only');
    fs.mkdirSync(inDir);
    fs.writeFileSync(path.join(inDir, 'a.yaml'), byName('base').input);
    const [noOut, same] = await Promise.all([run(['slo', 'generate', '-i', inDir]), run(['slo', 'generate', '-i', inDir, '-o', inDir])]);
    expect(noOut.code).toBe(1);
    expect(stderrLines(noOut)).toEqual([expect.stringContaining('--out must be an existing directory when --input is a directory')]);
    expect(same.code).toBe(1);
    expect(stderrLines(same)).toEqual([expect.stringContaining('cannot be the same directory')]);
  });

  test('--disable-recordings keeps only the alerts; --disable-alerts only the recordings; both is an error as in Sloth', async () => {
    const c = byName('base');
    const [rec, al, both] = await Promise.all([
      run(['slo', 'generate', '-i', c.inputPath, '--disable-recordings']),
      run(['slo', 'generate', '-i', c.inputPath, '--disable-alerts']),
      run(['slo', 'generate', '-i', c.inputPath, '--disable-alerts', '--disable-recordings', '-o', path.join(tmp, 'none.yaml')]),
    ]);
    const recGroups = docs(rec.stdout)[0].groups.map((g: Json) => g.name);
    expect(recGroups.length).toBeGreaterThan(0);
    expect(recGroups.every((n: string) => n.startsWith('sloth-slo-alerts-'))).toBe(true);
    expect(allRules(al.stdout).every((r: Json) => r.record && !r.alert)).toBe(true);
    expect(both.code).toBe(1);
    expect(stderrLines(both)).toEqual([expect.stringContaining('0 rules generated')]);
    expect(fs.existsSync(path.join(tmp, 'none.yaml'))).toBe(false);
  });

  test('--extra-labels is repeatable and wins over spec labels; -l is its short form; a value without = is an error', async () => {
    const c = byName('base');
    const [r, bad] = await Promise.all([
      run(['slo', 'generate', '-i', c.inputPath, '--extra-labels', 'team=sre', '-l', 'global01k1=overridden', '--extra-labels=env=prod']),
      run(['slo', 'generate', '-i', c.inputPath, '--extra-labels', 'team']),
    ]);
    expect(r.code).toBe(0);
    for (const rule of allRules(r.stdout).filter((x: Json) => x.record))
      expect(rule.labels).toMatchObject({ team: 'sre', global01k1: 'overridden', env: 'prod' });
    expect(bad.code).toBe(1);
    expect(stderrLines(bad)).toEqual([expect.stringContaining('--extra-labels expects key=value, got "team"')]);
  });

  test('--default-slo-period: 28d is built in; an unknown period or a bad duration is one clear error', async () => {
    const c = byName('base');
    const [d28, d7, bad] = await Promise.all([
      run(['slo', 'generate', '-i', c.inputPath, '--default-slo-period', '28d']),
      run(['slo', 'generate', '-i', c.inputPath, '--default-slo-period', '7d']),
      run(['slo', 'generate', '-i', c.inputPath, '--default-slo-period', 'a week']),
    ]);
    expect(allRules(d28.stdout).find((x: Json) => x.record === 'slo:time_period:days').expr).toBe('vector(28)');
    expect(d7.code).toBe(1);
    expect(stderrLines(d7)).toEqual([expect.stringContaining('no alert windows for the default SLO period 7d (available: 28d, 30d)')]);
    expect(bad.code).toBe(1);
    expect(stderrLines(bad)).toEqual([expect.stringContaining('"a week" is not a Prometheus duration')]);
  });

  test('--slo-period-windows-path: a custom 7d AlertWindows file gives 7d burn rates (and replaces the built-in windows)', async () => {
    const c = byName('base');
    const windows = path.join(FIX, 'windows-7d');
    const [r, noDefault] = await Promise.all([
      run(['slo', 'generate', '-i', c.inputPath, '--slo-period-windows-path', windows, '--default-slo-period', '7d']),
      run(['slo', 'generate', '-i', c.inputPath, '--slo-period-windows-path', windows]),
    ]);
    expect(r.stderr).toBe('');
    const rules = allRules(r.stdout);
    expect(rules.find((x: Json) => x.record === 'slo:time_period:days').expr).toBe('vector(7)');
    // page quick: 5% of 168h in 1h = 8.4; ticket slow: 20% of 168h in 48h = 0.7 (0.7000000000000001 in float64, as Go computes it).
    const page = rules.find((x: Json) => x.alert && x.labels.sloth_severity === 'page');
    expect(page.expr).toContain(
      'slo:sli_error:ratio_rate1h{sloth_id="svc01-slo1", sloth_service="svc01", sloth_slo="slo1"} > (8.4 * 0.0009999999999999432)',
    );
    const ticket = rules.find((x: Json) => x.alert && x.labels.sloth_severity === 'ticket');
    expect(ticket.expr).toContain(
      `slo:sli_error:ratio_rate2d{sloth_id="svc01-slo1", sloth_service="svc01", sloth_slo="slo1"} > (${(20 * 168) / 100 / 48} * 0.0009999999999999432)`,
    );
    // The period window, named as the Prometheus model prints 7d (as Sloth names it).
    expect(rules.some((x: Json) => x.record === 'slo:sli_error:ratio_rate1w')).toBe(true);
    expect(noDefault.code).toBe(1);
    expect(stderrLines(noDefault)).toEqual([expect.stringContaining('no alert windows for the default SLO period 30d (available: 7d)')]);
  });

  test("--error-budget-exhausted-alert adds Sloth's exhausted-budget alert to each SLO's alert group; --slo-plugins configures it", async () => {
    const c = byName('base');
    const plugin = JSON.stringify({
      id: 'sloth.dev/contrib/error_budget_exhausted_alert/v1',
      config: { threshold: 0.05, for: '10m', alert_name: 'BudgetLow', alert_labels: { severity: 'info' } },
    });
    const [r, configured, unknown] = await Promise.all([
      run(['slo', 'generate', '-i', c.inputPath, '--error-budget-exhausted-alert']),
      run(['slo', 'generate', '-i', c.inputPath, '--slo-plugins', plugin]),
      run(['slo', 'generate', '-i', c.inputPath, '-s', '{"id":"sloth.dev/contrib/remove_labels/v1"}']),
    ]);
    const groups = docs(r.stdout)[0].groups;
    const alerts = groups.find((g: Json) => g.name === 'sloth-slo-alerts-svc01-slo1');
    const last = alerts.rules[alerts.rules.length - 1];
    expect(last).toEqual({
      alert: 'ErrorBudgetExhausted',
      expr: 'slo:period_error_budget_remaining:ratio{global01k1="global01v1", global02k1="global02v1", sloth_id="svc01-slo1", sloth_service="svc01", sloth_slo="slo1"} <= 0',
      for: '5m',
    });
    // slo02 has both burn alerts disabled: its alert group holds the exhausted alert only.
    expect(groups.find((g: Json) => g.name === 'sloth-slo-alerts-svc01-slo02').rules.map((x: Json) => x.alert)).toEqual(['ErrorBudgetExhausted']);
    const cfg = allRules(configured.stdout).filter((x: Json) => x.alert === 'BudgetLow');
    expect(cfg).toHaveLength(2);
    expect(cfg[0]).toMatchObject({ for: '10m', labels: { severity: 'info' } });
    expect(cfg[0].expr).toMatch(/ <= 0\.05$/);
    expect(unknown.code).toBe(1);
    expect(stderrLines(unknown)).toEqual([expect.stringContaining('SLO plugin "sloth.dev/contrib/remove_labels/v1" is not supported')]);
  });

  test('the exhausted-budget alert declared in a spec (slo_plugins chain) is generated too, and dropped by --disable-alerts', async () => {
    const spec = byName('base').input.replace(
      'slos:',
      'slo_plugins:\n  chain:\n    - id: sloth.dev/contrib/error_budget_exhausted_alert/v1\n      config: {alert_name: SpecBudgetGone}\nslos:',
    );
    const file = path.join(tmp, 'with-plugin.yaml');
    fs.writeFileSync(file, spec);
    const [r, off] = await Promise.all([run(['slo', 'generate', '-i', file]), run(['slo', 'generate', '-i', file, '--disable-alerts'])]);
    expect(r.code).toBe(0);
    expect(allRules(r.stdout).filter((x: Json) => x.alert === 'SpecBudgetGone')).toHaveLength(2);
    expect(allRules(off.stdout).some((x: Json) => x.alert)).toBe(false);
  });
});

describe('slo generate: OpenSLO input', () => {
  test('maps like Sloth: <name>-<index>, objective = target x 100, 1 - good/total, no alerts, period from timeWindows', async () => {
    const [open, sloth] = await Promise.all([
      run(['slo', 'generate', '-i', path.join(FIX, 'openslo', 'checkout.yaml')]),
      // The hand-written Sloth equivalent, with the OpenSLO time window as the default period.
      run(['slo', 'generate', '-i', path.join(FIX, 'openslo', 'checkout-as-sloth.yaml'), '--default-slo-period', '28d']),
    ]);
    expect(open.stderr).toBe('');
    expect(open.code).toBe(0);
    const strip = (text: string) =>
      normaliseOutput(text).map((d: Json) => {
        for (const g of d.groups) for (const r of g.rules) if (r.record === 'sloth_slo_info') delete r.labels.sloth_spec;
        return d;
      });
    expect(strip(open.stdout)).toEqual(strip(sloth.stdout));
    const rules = allRules(open.stdout);
    const info = rules.filter((x: Json) => x.record === 'sloth_slo_info');
    expect(info.map((x: Json) => [x.labels.sloth_id, x.labels.sloth_objective])).toEqual([
      ['checkout-checkout-availability-0', '99.9'],
      ['checkout-checkout-availability-1', '95'],
    ]);
    expect(info[0].labels).toMatchObject({ sloth_spec: 'openslo/v1alpha', sloth_mode: 'cli-gen-openslo' });
    expect(rules.find((x: Json) => x.record === 'slo:time_period:days').expr).toBe('vector(28)');
    expect(rules.some((x: Json) => x.alert)).toBe(false);
    expect(rules.find((x: Json) => x.record === 'slo:sli_error:ratio_rate5m').expr).toContain(
      '1 - (\n    (\n      sum(rate(checkout_requests_total{code!~"5.."}[5m]))',
    );
  });

  test('a target of 99.9 (a percentage) is rejected with the fraction to write, and nothing is written', async () => {
    const out = path.join(tmp, 'percent.yaml');
    const r = await run(['slo', 'generate', '-i', path.join(FIX, 'bad', 'openslo-percent-target.yaml'), '-o', out]);
    expect(r.code).toBe(1);
    expect(stderrLines(r)).toEqual([
      expect.stringMatching(
        /openslo-percent-target\.yaml:9: document 1: spec\.objectives\[0\]\.target: 99\.9 looks like a percentage.*Fix: write 0\.999 /,
      ),
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('slo generate: bad input gives one clear stderr line, exit 1, nothing written', () => {
  const cmd = (input: string, out: string, extra: string[] = []) => ['slo', 'generate', '-i', input, '-o', out, ...extra];
  let results: Record<string, { run: Run; out: string }>;
  beforeAll(async () => {
    const base = cases.find((c) => c.name === 'base')!.inputPath;
    const specs: Record<string, [string, string[]]> = {
      unknownVersion: [path.join(FIX, 'bad', 'unknown-version.yaml'), []],
      syntax: [path.join(FIX, 'bad', 'syntax-error.yaml'), []],
      missing: [path.join(tmp, 'does-not-exist.yaml'), []],
      unknownFlag: [base, ['--frobnicate']],
      missingWindows: [base, ['--slo-period-windows-path', path.join(tmp, 'no-such-dir')]],
    };
    const entries = await Promise.all(
      Object.entries(specs).map(async ([k, [input, extra]]) => {
        const out = path.join(tmp, `bad-${k}.yaml`);
        return [k, { run: await run(cmd(input, out, extra)), out }] as const;
      }),
    );
    results = Object.fromEntries(entries);
  });

  const expectOneLine = (k: string, re: RegExp) => {
    const { run: r, out } = results[k];
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(stderrLines(r)).toEqual([expect.stringMatching(re)]);
    expect(fs.existsSync(out)).toBe(false);
  };

  test('unknown spec version', () =>
    expectOneLine(
      'unknownVersion',
      /unknown-version\.yaml:1: document 1: version: spec version "prometheus\/v2" is not supported\. Fix: use version: prometheus\/v1/,
    ));
  test('YAML syntax error, with file and line', () => expectOneLine('syntax', /syntax-error\.yaml:6: YAML syntax error: .*Fix: correct the YAML/));
  test('unreadable input path', () => expectOneLine('missing', /cannot read --input .*does-not-exist\.yaml: no such file or directory/));
  test('unknown flag', () => expectOneLine('unknownFlag', /unknown flag "--frobnicate" for "slo generate"/));
  test('unreadable alert windows path', () =>
    expectOneLine('missingWindows', /no-such-dir: cannot read the alert windows directory \(no such file or directory\)/));
});

describe('slo validate: same decisions and exit codes as sloth validate', () => {
  let results: Record<string, Run>;
  beforeAll(async () => {
    const entries = await Promise.all(
      Object.entries({
        good: ['-i', path.join(VALIDATE, 'good')],
        bad: ['--input', path.join(VALIDATE, 'bad')],
        all: ['-i', VALIDATE],
        badFile: ['-i', path.join(VALIDATE, 'bad', 'bad-aa.yaml')],
        excludeBad: ['-i', VALIDATE, '--fs-exclude', '/bad/'],
        includeGood: ['-i', VALIDATE, '--fs-include', 'good-'],
        dupes: ['-i', path.join(tmp, 'dupes')],
        dupesIgnored: ['-i', path.join(tmp, 'dupes'), '--ignore-slo-duplicates'],
        openslo: ['-i', path.join(FIX, 'openslo', 'checkout.yaml')],
        percent: ['-i', path.join(FIX, 'bad', 'openslo-percent-target.yaml')],
        fixtures: ['-i', SLOTH_FIXTURES, '--fs-include', 'input\\.yaml$', '--ignore-slo-duplicates'],
      }).map(async ([k, args]) => {
        if (k === 'dupes' && !fs.existsSync(path.join(tmp, 'dupes'))) {
          fs.mkdirSync(path.join(tmp, 'dupes'));
          const good = fs.readFileSync(path.join(VALIDATE, 'good', 'good-aa.yaml'), 'utf8');
          fs.writeFileSync(path.join(tmp, 'dupes', 'a.yaml'), good);
          fs.writeFileSync(path.join(tmp, 'dupes', 'b.yml'), good);
        }
        return [k, await run(['slo', 'validate', ...args])] as const;
      }),
    );
    results = Object.fromEntries(entries);
  });

  test('the good spec passes with exit 0', () => {
    expect(results.good.code).toBe(0);
    expect(results.good.stdout).toContain('1 file, 1 spec, 2 SLOs: valid');
  });

  test('each bad spec fails with exit 1 and a line naming file, line, document, SLO and field, with a fix', () => {
    expect(results.bad.code).toBe(1);
    const lines = stderrLines(results.bad);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /bad-aa\.yaml:28: document 1, SLO "slo02": slos\[1\]\.objective: 101 is outside \(0, 100\]\. Fix: give the objective as a percentage/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/bad-ab\.yaml:28: document 1, SLO "slo02": slos\[1\]\.objective/));
    expect(lines[lines.length - 1]).toBe('slo validate: validation failed: 2 problems in 2 of 2 files');
    expect(results.badFile.code).toBe(1);
  });

  test('the whole directory fails because of the bad files; invalid specs do not count as duplicates (as in Sloth)', () => {
    expect(results.all.code).toBe(1);
    expect(stderrLines(results.all).filter((l) => l.includes('already defined'))).toEqual([]);
  });

  test('--fs-exclude and --fs-include select the files', () => {
    expect(results.excludeBad.code).toBe(0);
    expect(results.includeGood.code).toBe(0);
    expect(results.includeGood.stdout).toContain('1 file,');
  });

  test('duplicate SLOs across files are detected; --ignore-slo-duplicates accepts them', () => {
    expect(results.dupes.code).toBe(1);
    expect(stderrLines(results.dupes)).toContainEqual(
      expect.stringMatching(
        /b\.yml:6: document 1, SLO "slo1": slos\[0\]\.name: .*id svc01-slo1\) is already defined at .*a\.yaml:6\. Fix: rename one of them, or pass --ignore-slo-duplicates/,
      ),
    );
    expect(results.dupesIgnored.code).toBe(0);
  });

  test('OpenSLO specs are validated too, including the unit check', () => {
    expect(results.openslo.code).toBe(0);
    expect(results.percent.code).toBe(1);
    expect(results.percent.stderr).toContain('looks like a percentage');
  });

  test('every golden-case input is valid', () => {
    expect(results.fixtures.stderr).toBe('');
    expect(results.fixtures.code).toBe(0);
    expect(results.fixtures.stdout).toContain(`${cases.length} files`);
  });
});

describe('help, and the runtime stays free of cdk8s', () => {
  test('--help on slo explains both subcommands with examples, each subcommand has its own help; the top level lists slo', async () => {
    const [slo, gen, top] = await Promise.all([run(['slo', '--help']), run(['slo', 'generate', '--help']), run(['--help'])]);
    expect(slo.code).toBe(0);
    expect(slo.stdout).toContain('cdk8s-resilience slo generate --input FILE|DIR');
    expect(slo.stdout).toContain('Examples:');
    for (const flag of [
      '--input',
      '--out',
      '--fs-include',
      '--fs-exclude',
      '--extra-labels',
      '--disable-alerts',
      '--disable-recordings',
      '--default-slo-period',
      '--slo-period-windows-path',
      '--error-budget-exhausted-alert',
      '--slo-plugins',
      '--ignore-slo-duplicates',
    ]) {
      expect(slo.stdout).toContain(flag);
    }
    // Each subcommand has its own help: generate's flags, not validate's.
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/^Usage:\n  cdk8s-resilience slo generate --input FILE\|DIR/);
    for (const flag of ['--input', '--out', '--fs-include', '--disable-alerts', '--slo-plugins', 'Examples:']) expect(gen.stdout).toContain(flag);
    expect(gen.stdout).not.toContain('--ignore-slo-duplicates');
    expect(slo.stdout).toContain('cdk8s-resilience slo gate   --slo FILE|--slo-from DIR');
    expect(top.stdout).toMatch(/\n  slo +generate Prometheus SLO rules/);
  });

  test('an unknown subcommand is one clear line', async () => {
    const r = await run(['slo', 'frobnicate']);
    expect(r.code).toBe(1);
    expect(stderrLines(r)).toEqual([
      'cdk8s-resilience slo: unknown subcommand "frobnicate": use generate, validate, gate or report (see cdk8s-resilience slo --help)',
    ]);
  });

  test('running slo generate loads no cdk8s module', async () => {
    const script = `const cli = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js'))});
      cli.main(['slo', 'generate', '-i', ${JSON.stringify(cases[0].inputPath)}], { out() {}, err(t) { process.stderr.write(t); } }).then((code) => {
        const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdk8s|cdk8s-plus-28|constructs)[\\\\/]/.test(k));
        process.stdout.write(JSON.stringify({ code, loaded }));
      });`;
    const r = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { cwd: ROOT }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(JSON.parse(r)).toEqual({ code: 0, loaded: [] });
  });
});
