/**
 * The same file hardening on every runtime command that reads a file: `chaos run -f`,
 * `dr check --plan`, the drill journal, `slo gate|report --slo/--slo-from`. Devices, FIFOs,
 * directories, oversized files, alias bombs and link loops each give one message naming
 * the file and the flag; a repeated file flag is refused.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readChaosFile } from '../../src/runtime/chaos/experiment';
import { readJournal } from '../../src/runtime/dr/journal';
import { planSchedules } from '../../src/runtime/dr/rpo';
import { loadSloTargetsFromDirectory, loadSloTargetsFromFile } from '../../src/runtime/slo/targets';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const put = (rel: string, text: string) => {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};
const fifo = (rel: string) => {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  execFileSync('mkfifo', [p]);
  return p;
};
const sparse = (rel: string, bytes: number) => {
  const p = path.join(dir, rel);
  const fd = fs.openSync(p, 'w');
  fs.ftruncateSync(fd, bytes);
  fs.closeSync(fd);
  return p;
};
const loop = (rel: string) => {
  const p = path.join(dir, rel);
  fs.symlinkSync(p, p);
  return p;
};
const bomb = () => {
  const lines = ['x0: &x0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`x${i}: &x${i} [${Array.from({ length: 10 }, () => `*x${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
};
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const DEVICES = 'devices, FIFOs and sockets are not read';

describe('chaos run -f', () => {
  const fix = `give a YAML file of Chaos Mesh objects; ${DEVICES}`;
  test.each([
    ['/dev/zero', () => '/dev/zero', `cannot read -f /dev/zero: it is a character device, not a regular file; ${fix}`],
    ['a FIFO', () => fifo('exp.yaml'), `cannot read -f @: it is a FIFO (named pipe), not a regular file; ${fix}`],
    ['a directory', () => dir, `cannot read -f @: it is a directory, not a file; give a YAML file of Chaos Mesh objects`],
    ['a link loop', () => loop('exp.yaml'), 'cannot read -f @: the path is a loop of symbolic links; point the link at a real file or directory'],
    [
      'a 50 MiB file',
      () => sparse('exp.yaml', 50 * 1024 * 1024),
      'cannot read -f @: the file is 50 MiB, over the 10 MiB limit for input files; split it into smaller files, or raise the limit with CDK8S_RESILIENCE_MAX_INPUT_BYTES=<bytes>',
    ],
  ])('%s', (_name, file, expected) => {
    const f = file();
    expect(thrown(() => readChaosFile(f))).toBe(expected.replace('@', f));
  });

  test('an alias bomb names the file and line', () => {
    const f = put('exp.yaml', bomb());
    expect(thrown(() => readChaosFile(f))).toMatch(
      new RegExp(
        `^${f}:1: aliases expand the document to about [\\d.]+ GiB, over the 10 MiB aliases may add \\(an alias bomb\\); write the repeated parts out`,
      ),
    );
  });

  test('a YAML syntax error keeps its file:line form', () => {
    const f = put('exp.yaml', 'a: [\n');
    expect(thrown(() => readChaosFile(f))).toMatch(new RegExp(`^${f}:\\d+: not valid YAML: .*; correct the YAML`));
  });
});

describe('dr check --plan', () => {
  test('a file that is a device, a FIFO in the plan directory, a directory loop, a 50 MiB file, an alias bomb', () => {
    expect(thrown(() => planSchedules('/dev/zero'))).toBe(
      `--plan /dev/zero: it is a character device, not a regular file; give a YAML file or the directory cdk8s synth wrote (dist/); ${DEVICES}`,
    );
    const d = path.join(dir, 'dist');
    put('dist/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    const p = fifo('dist/b.yaml');
    expect(thrown(() => planSchedules(d))).toBe(
      `--plan ${p}: it is a FIFO (named pipe), not a regular file; remove it from the directory, or leave it out with a filter`,
    );
    fs.rmSync(p);
    fs.symlinkSync(d, path.join(d, 'again'));
    expect(thrown(() => planSchedules(d))).toBe(
      `--plan ${d}/again: the link leads back to ${d}, which holds it (a directory loop); remove the link or point it outside the tree`,
    );
    fs.rmSync(path.join(d, 'again'));
    const big = sparse('dist/big.yaml', 50 * 1024 * 1024);
    expect(thrown(() => planSchedules(d))).toBe(
      `--plan ${big}: the file is 50 MiB, over the 10 MiB limit for input files; split it into smaller files, or raise the limit with CDK8S_RESILIENCE_MAX_INPUT_BYTES=<bytes>`,
    );
    fs.rmSync(big);
    const b = put('dist/bomb.yaml', bomb());
    expect(thrown(() => planSchedules(d))).toMatch(new RegExp(`^${b}:1: aliases expand the document to about [\\d.]+ GiB`));
  });
});

describe('the drill journal', () => {
  test('a FIFO or a directory as --journal is refused; a missing journal is no journal', () => {
    const p = fifo('journal.json');
    expect(thrown(() => readJournal(p))).toBe(
      `cannot read the drill journal ${p}: it is a FIFO (named pipe), not a regular file; give a drill journal file; ${DEVICES}`,
    );
    expect(thrown(() => readJournal(dir))).toBe(`cannot read the drill journal ${dir}: it is a directory, not a file; give a drill journal file`);
    expect(readJournal(path.join(dir, 'none.json'))).toBeUndefined();
    const l = loop('loop.json');
    expect(thrown(() => readJournal(l))).toBe(
      `cannot read the drill journal ${l}: the path is a loop of symbolic links; point the link at a real file or directory`,
    );
  });
});

describe('slo gate|report --slo and --slo-from', () => {
  test('--slo: a device, a FIFO, an alias bomb, an alias bomb inside a rules ConfigMap', () => {
    expect(thrown(() => loadSloTargetsFromFile('/dev/zero', { flag: '--slo' }))).toBe(
      `/dev/zero: --slo: it is a character device, not a regular file. Fix: give a YAML spec file; ${DEVICES}.`,
    );
    const p = fifo('slos.yaml');
    expect(thrown(() => loadSloTargetsFromFile(p, { flag: '--slo' }))).toBe(
      `${p}: --slo: it is a FIFO (named pipe), not a regular file. Fix: give a YAML spec file; ${DEVICES}.`,
    );
    const b = put('bomb.yaml', bomb());
    expect(thrown(() => loadSloTargetsFromFile(b, { flag: '--slo' }))).toMatch(
      new RegExp(`^${b}:1: aliases expand the document to about [\\d.]+ GiB`),
    );
    const embedded = bomb()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
    const cm = put('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  slo.rules.yaml: |\n${embedded}\n`);
    expect(thrown(() => loadSloTargetsFromFile(cm, { flag: '--slo' }))).toMatch(
      new RegExp(
        `^${cm}: data\\.slo\\.rules\\.yaml: the embedded rules file: aliases expand the document to about [\\d.]+ GiB.* \\(in the ConfigMap's data\\.slo\\.rules\\.yaml\\)\\.$`,
      ),
    );
  });

  test('--slo-from: a directory loop and a FIFO are named; the root must be a directory', () => {
    const d = path.join(dir, 'dist');
    put('dist/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    fs.symlinkSync(d, path.join(d, 'again'));
    const p = fifo('dist/p.yaml');
    expect(thrown(() => loadSloTargetsFromDirectory(d, { flag: '--slo-from' })).split('\n')).toEqual([
      `${d}/again: --slo-from: the link leads back to ${d}, which holds it (a directory loop). Fix: remove the link or point it outside the tree.`,
      `${p}: --slo-from: it is a FIFO (named pipe), not a regular file. Fix: remove it from the directory, or leave it out with a filter.`,
    ]);
    expect(thrown(() => loadSloTargetsFromDirectory('/dev/zero', { flag: '--slo-from' }))).toBe(
      '/dev/zero: --slo-from: cannot read the directory (it is a character device, not a directory). Fix: give the synthesized output directory, e.g. dist/ (run npm run synth first).',
    );
  });
});

describe('a file flag given twice is refused, naming both values (one line, exit 2)', () => {
  function run(args: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, timeout: 30000 }, (err, _stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stderr });
      });
    });
  }
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js')))
      throw new Error('the CLI is not built: run `npm run build` (npm test does) first');
  });
  test.concurrent.each([
    [
      ['chaos', 'run', '-f', 'a.yaml', '-f', 'b.yaml'],
      'chaos run',
      'option \'-f, --file <file>\' argument \'b.yaml\' is invalid. -f is given twice ("a.yaml", then "b.yaml"); give it once',
    ],
    [
      ['dr', 'check', '--plan', 'dist', '--plan', 'other'],
      'dr check',
      'option \'--plan <dir>\' argument \'other\' is invalid. --plan is given twice ("dist", then "other"); give it once',
    ],
    [
      ['slo', 'gate', '--slo-from', 'dist', '--slo-from', 'other'],
      'slo gate',
      'option \'--slo-from <dir>\' argument \'other\' is invalid. --slo-from is given twice ("dist", then "other"); give it once',
    ],
  ])('%j', async (args, where, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-resilience ${where}: ${message} (see cdk8s-resilience ${where} --help)\n`);
  });

  test('--output naming an input file (-f, --slo, through a link) is refused before anything runs; the input is left as it was', async () => {
    const exp = put('exp.yaml', 'apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata: {name: x}\n');
    const slo = put('slos.yaml', 'version: prometheus/v1\n');
    fs.symlinkSync(exp, path.join(dir, 'link.yaml'));
    const [chaos, viaLink, report] = await Promise.all([
      run(['chaos', 'run', '-f', exp, '--output', exp]),
      run(['chaos', 'run', '-f', exp, '--output', path.join(dir, 'link.yaml')]),
      run(['slo', 'report', '--slo', slo, '--output', slo]),
    ]);
    expect([chaos.code, chaos.stderr]).toEqual([
      2,
      `cdk8s-resilience chaos run: --output ${exp} is the same file as -f ${exp} (the report would replace it); write the report to another file\n`,
    ]);
    expect([viaLink.code, viaLink.stderr]).toEqual([
      2,
      `cdk8s-resilience chaos run: --output ${dir}/link.yaml is the same file as -f ${exp} (the report would replace it); write the report to another file\n`,
    ]);
    expect([report.code, report.stderr]).toEqual([
      2,
      `cdk8s-resilience slo report: --output ${slo} is the same file as --slo ${slo} (the report would replace it); write the report to another file\n`,
    ]);
    expect(fs.readFileSync(exp, 'utf8')).toContain('kind: PodChaos');
    expect(fs.readFileSync(slo, 'utf8')).toBe('version: prometheus/v1\n');
  });
});
