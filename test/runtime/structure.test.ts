/**
 * The runtime's import graph: it never reaches cdk8s (or constructs, cdk8s-plus), the
 * command list is explicit in cli.ts, and there is no import cycle among runtime modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHAOS_MODEL_MODULES, cdk8sPackages, importGraph, SRC } from '../support/import-graph';

const RUNTIME = path.join(SRC, 'runtime');

function graph(): { files: Map<string, string[]>; packages: Map<string, string> } {
  const entries = fs
    .readdirSync(RUNTIME, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(RUNTIME, f));
  return importGraph(entries);
}

test('no runtime module reaches cdk8s, cdk8s-plus or constructs, directly or through src/ modules', () => {
  const { files, packages } = graph();
  expect(cdk8sPackages(packages)).toEqual([]);
  // The pure modules the runtime borrows from the pillars include the backup schedule maths.
  const borrowed = [...files.keys()].filter((f) => !f.startsWith(RUNTIME)).map((f) => path.relative(SRC, f));
  expect(borrowed).toEqual(expect.arrayContaining(['backup/cron.ts', 'common/duration.ts', 'slo/format.ts']));
  // Shared modules it may borrow: plain data and functions only (the check above keeps cdk8s out).
  const allowed = [
    ...CHAOS_MODEL_MODULES.map((m) => `chaos/${m}.ts`),
    'common/cache.ts',
    'common/checks.ts',
    'common/conventions.ts',
    'common/duration.ts',
    'common/errors.ts',
    'common/input-files.ts',
    'common/names.ts',
    'common/net.ts',
    'common/promql.ts',
    'common/timezone.ts',
    'common/version.ts',
  ];
  expect(borrowed.filter((f) => (f.startsWith('common/') || f.startsWith('chaos/')) && !allowed.includes(f))).toEqual([]);
});

test('no import cycle among the runtime modules', () => {
  const { files } = graph();
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' -> '));
      return;
    }
    state.set(f, 'visiting');
    for (const d of files.get(f) ?? []) visit(d, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of files.keys()) visit(f, []);
  expect(cycles).toEqual([]);
});

test('one explicit list of command groups in cli.ts; command modules do not register themselves', () => {
  const cli = fs.readFileSync(path.join(RUNTIME, 'cli.ts'), 'utf8');
  const list = /const groups = \[([^\]]*)\];/.exec(cli);
  expect(list).not.toBeNull();
  // Every command group module is in the one list, by its factory.
  const groups = fs
    .readdirSync(path.join(RUNTIME, 'commands'))
    .filter((f) => !['common.ts', 'slo-runtime.ts'].includes(f))
    .map((f) => `${f.replace(/\.ts$/, '')}Command(`);
  for (const g of groups) expect(list![1]).toContain(g);
  for (const f of fs.readdirSync(path.join(RUNTIME, 'commands'))) {
    expect(fs.readFileSync(path.join(RUNTIME, 'commands', f), 'utf8')).not.toMatch(/registerCommand|^import '\.\//m);
  }
});

test('running backup report --demo loads no cdk8s module at all', async () => {
  const { execFile } = await import('child_process');
  const ROOT = path.resolve(__dirname, '..', '..');
  const script = `const cli = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js'))});
    cli.main(['backup', 'report', '--demo', '--format', 'json'], { out() {}, err(t) { process.stderr.write(t); } }).then((code) => {
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdk8s|cdk8s-plus-28|constructs)[\\\\/]/.test(k));
      process.stdout.write(JSON.stringify({ code, loaded }));
    });`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { cwd: ROOT }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  expect(JSON.parse(out)).toEqual({ code: 1, loaded: [] });
});
