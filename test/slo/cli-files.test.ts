/**
 * `slo generate|validate` and hostile or mistaken input files, run as a separate process on
 * the build: devices, FIFOs, oversized files, alias bombs, link loops, RE2 filters, repeated
 * flags, an output that is an input, and all-or-nothing directory output. Each case asserts
 * the one stderr line (file, flag, problem, fix), the exit code, and what was (not) written.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lines = (r: Run) => r.stderr.split('\n').filter((l) => l.trim() !== '');

const SPEC = (service: string) => `version: "prometheus/v1"
service: "svc-${service}"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="${service}",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="${service}"}[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
`;

let tmp: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'runtime', 'slo.js')))
    throw new Error('the CLI is not built: run `npm run build` (npm test does) before this suite');
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-cli-files-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const put = (rel: string, text: string) => {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

describe('input files: type and size checked before reading', () => {
  test('-i /dev/zero is refused at once (generate and validate), naming file, flag, problem and fix', async () => {
    const [g, v] = await Promise.all([run(['slo', 'generate', '-i', '/dev/zero']), run(['slo', 'validate', '-i', '/dev/zero'])]);
    const line =
      '/dev/zero: --input: it is a character device, not a regular file. Fix: give a YAML spec file; devices, FIFOs and sockets are not read.';
    expect([g.code, lines(g)]).toEqual([1, [line]]);
    expect([v.code, lines(v)]).toEqual([
      1,
      [
        '/dev/zero: --input: it is a character device, not a regular file. Fix: give a YAML spec file or a directory of them; devices, FIFOs and sockets are not read.',
      ],
    ]);
  });

  test('a FIFO as --input is refused without waiting for a writer', async () => {
    const fifo = path.join(tmp, 'spec.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await run(['slo', 'generate', '-i', fifo]);
    expect([r.code, lines(r)]).toEqual([
      1,
      [`${fifo}: --input: it is a FIFO (named pipe), not a regular file. Fix: give a YAML spec file; devices, FIFOs and sockets are not read.`],
    ]);
  });

  test('a 50 MiB spec is refused from its size, before it is read; the limit is raised with an environment variable', async () => {
    const big = path.join(tmp, 'big.yaml');
    const fd = fs.openSync(big, 'w');
    fs.writeSync(fd, SPEC('big'));
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    const small = put('small.yaml', SPEC('small'));
    const [r, lowered, ok] = await Promise.all([
      run(['slo', 'validate', '-i', big]),
      run(['slo', 'generate', '-i', small], { CDK8S_RESILIENCE_MAX_INPUT_BYTES: '100' }),
      run(['slo', 'generate', '-i', small], { CDK8S_RESILIENCE_MAX_INPUT_BYTES: '1000000' }),
    ]);
    expect(r.code).toBe(1);
    expect(lines(r)[0]).toBe(
      `${big}: --input: the file is 50 MiB, over the 10 MiB limit for input files. Fix: split it into smaller files, or raise the limit with CDK8S_RESILIENCE_MAX_INPUT_BYTES=<bytes>.`,
    );
    expect(lowered.code).toBe(1);
    expect(lines(lowered)).toEqual([
      expect.stringMatching(/small\.yaml: --input: the file is \d+ bytes, over the 100 bytes limit for input files\. Fix: /),
    ]);
    expect(ok.code).toBe(0);
  });

  test('a link loop as --input, and inside a directory, names the link', async () => {
    const loop = path.join(tmp, 'loop.yaml');
    fs.symlinkSync(loop, loop);
    const r = await run(['slo', 'generate', '-i', loop]);
    expect([r.code, lines(r)]).toEqual([
      1,
      [`cannot read --input ${loop}: the path is a loop of symbolic links; point the link at a real file or directory`].map(
        (l) => `cdk8s-resilience slo generate: ${l}`,
      ),
    ]);
    const d = path.join(tmp, 'specs');
    put('specs/a.yaml', SPEC('a'));
    fs.symlinkSync(d, path.join(d, 'again'));
    const v = await run(['slo', 'validate', '-i', d]);
    expect([v.code, lines(v)]).toEqual([
      1,
      [`${d}/again: --input: the link leads back to ${d}, which holds it (a directory loop). Fix: remove the link or point it outside the tree.`],
    ]);
  });
});

describe('YAML aliases', () => {
  test('an alias bomb is one line naming the file and line; nothing is written', async () => {
    const lines9 = ['x0: &x0 "lol"'];
    for (let i = 1; i <= 9; i++) lines9.push(`x${i}: &x${i} [${Array.from({ length: 10 }, () => `*x${i - 1}`).join(', ')}]`);
    const bomb = put('bomb.yaml', `${SPEC('bomb')}${lines9.join('\n')}\n`);
    const out = path.join(tmp, 'out.yaml');
    const r = await run(['slo', 'generate', '-i', bomb, '-o', out]);
    expect(r.code).toBe(1);
    expect(lines(r)).toEqual([
      expect.stringMatching(
        /bomb\.yaml:1: aliases expand the document to about [\d.]+ GiB, over the 10 MiB aliases may add \(an alias bomb\)\. Fix: write the repeated parts out, or use fewer nested aliases\.$/,
      ),
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a spec with 150 aliases (over the YAML parser default of 100) is accepted', async () => {
    const slos = Array.from(
      { length: 150 },
      (_, i) => `  - name: "slo-${i}"
    objective: 99.9
    sli: *sli
    alerting: *alerting`,
    ).join('\n');
    const spec = put(
      'aliases.yaml',
      `version: "prometheus/v1"
service: "svc"
x-sli: &sli
  events:
    error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
    total_query: sum(rate(http_requests_total[{{.window}}]))
x-alerting: &alerting
  page_alert: {disable: true}
  ticket_alert: {disable: true}
slos:
${slos}
`,
    );
    const r = await run(['slo', 'validate', '-i', spec]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('slo validate: 1 file, 1 spec, 150 SLOs: valid\n');
  });
});

describe('flags', () => {
  test('a repeated -i is refused (as Sloth refuses it), not reduced to the last', async () => {
    const a = put('a.yaml', SPEC('a'));
    const b = put('b.yaml', SPEC('b'));
    const r = await run(['slo', 'generate', '-i', a, '-i', b]);
    expect([r.code, lines(r), r.stdout]).toEqual([
      1,
      [`cdk8s-resilience slo generate: --input is given twice ("${a}", then "${b}"); it takes one value: give it once`],
      '',
    ]);
  });

  test('--fs-include and --fs-exclude are RE2: (a+)+$ is linear on a long path; an invalid pattern names the flag', async () => {
    const d = path.join(tmp, 'specs');
    put(`specs/${'a'.repeat(60)}b.yaml`, SPEC('a'));
    put('specs/other.yaml', SPEC('o'));
    const [slow, bad] = await Promise.all([
      run(['slo', 'validate', '-i', d, '--fs-exclude', '(a+)+$', '--fs-include', '(a+)+b']),
      run(['slo', 'validate', '-i', d, '--fs-exclude', '(?<=x)y']),
    ]);
    expect([slow.code, slow.stdout]).toEqual([0, 'slo validate: 1 file, 1 spec, 1 SLO: valid\n']);
    expect([bad.code, lines(bad)]).toEqual([
      1,
      [
        'cdk8s-resilience slo validate: --fs-exclude "(?<=x)y" is not a valid RE2 regular expression (invalid named capture: `(?<=x)y`); use RE2 syntax, as Go and Sloth do (no lookaround or backreferences)',
      ],
    ]);
  });
});

describe('an output that is an input is refused', () => {
  test('-o equal to -i: the same path, a symbolic link to it, a hard link; the spec is left as it was', async () => {
    const spec = put('spec.yaml', SPEC('svc'));
    fs.symlinkSync(spec, path.join(tmp, 'sym.yaml'));
    fs.linkSync(spec, path.join(tmp, 'hard.yaml'));
    const outs = ['spec.yaml', 'sym.yaml', 'hard.yaml', './x/../spec.yaml'];
    const runs = await Promise.all(outs.map((o) => run(['slo', 'generate', '-i', spec, '-o', path.join(tmp, o)])));
    runs.forEach((r, i) =>
      expect([r.code, lines(r)]).toEqual([
        1,
        [
          `cdk8s-resilience slo generate: --out ${path.join(tmp, outs[i])} is the same file as --input ${spec} (writing would replace the spec); write the rules to another file`,
        ],
      ]),
    );
    expect(fs.readFileSync(spec, 'utf8')).toBe(SPEC('svc'));
  });

  test('directory mode: an output path that resolves to an input spec is refused; nothing is written', async () => {
    const inDir = path.join(tmp, 'in');
    const outDir = path.join(tmp, 'out');
    put('in/a.yaml', SPEC('a'));
    put('in/b.yaml', SPEC('b'));
    fs.mkdirSync(outDir);
    fs.symlinkSync(path.join(inDir, 'b.yaml'), path.join(outDir, 'b.yaml'));
    const r = await run(['slo', 'generate', '-i', inDir, '-o', outDir]);
    expect([r.code, lines(r)]).toEqual([
      1,
      [
        `${outDir}/b.yaml: --out: the output file is the input spec ${inDir}/b.yaml (writing would replace it); nothing was written. Fix: give an --out directory outside --input.`,
      ],
    ]);
    expect(fs.readdirSync(outDir)).toEqual(['b.yaml']);
    expect(fs.readFileSync(path.join(inDir, 'b.yaml'), 'utf8')).toBe(SPEC('b'));
  });

  test('directory mode: --out a link to --input is the same directory', async () => {
    const inDir = path.join(tmp, 'in');
    put('in/a.yaml', SPEC('a'));
    fs.symlinkSync(inDir, path.join(tmp, 'alias'));
    const r = await run(['slo', 'generate', '-i', inDir, '-o', path.join(tmp, 'alias')]);
    expect([r.code, lines(r)]).toEqual([
      1,
      [`cdk8s-resilience slo generate: --input and --out cannot be the same directory: ${path.join(tmp, 'alias')}`],
    ]);
  });
});

describe('directory mode writes all or nothing', () => {
  test('a colliding path (a file where a directory must be) fails the run; earlier outputs are untouched and no temporary file is left', async () => {
    const inDir = path.join(tmp, 'in');
    const outDir = path.join(tmp, 'out');
    put('in/a.yaml', SPEC('a'));
    put('in/sub/b.yaml', SPEC('b'));
    put('out/a.yaml', 'OLD\n');
    put('out/sub', 'a file in the way\n');
    const r = await run(['slo', 'generate', '-i', inDir, '-o', outDir]);
    expect(r.code).toBe(1);
    expect(lines(r)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${outDir}/sub/b\\.yaml: --out: cannot write the file: (a part of the path is not a directory|a file of that name is in the way); nothing was written\\. Fix: .+\\.$`,
        ),
      ),
    ]);
    expect(fs.readFileSync(path.join(outDir, 'a.yaml'), 'utf8')).toBe('OLD\n');
    expect(fs.readdirSync(outDir).sort()).toEqual(['a.yaml', 'sub']);
  });

  test('when every write can be made, every output is written', async () => {
    const inDir = path.join(tmp, 'in');
    const outDir = path.join(tmp, 'out');
    put('in/a.yaml', SPEC('a'));
    put('in/sub/b.yaml', SPEC('b'));
    put('out/a.yaml', 'OLD\n');
    const r = await run(['slo', 'generate', '-i', inDir, '-o', outDir]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(outDir, 'a.yaml'), 'utf8')).toContain('sloth_service: svc-a');
    expect(fs.readFileSync(path.join(outDir, 'sub', 'b.yaml'), 'utf8')).toContain('sloth_service: svc-b');
    expect(fs.readdirSync(outDir).sort()).toEqual(['a.yaml', 'sub']);
  });
});

test('every problem line reaches a pipe before the process exits (2,000 problems)', async () => {
  const docs = Array.from({ length: 2000 }, () => SPEC('dup')).join('---\n');
  const r = await run(['slo', 'validate', '-i', put('dups.yaml', docs)]);
  expect(r.code).toBe(1);
  const l = lines(r);
  expect(l).toHaveLength(2000);
  expect(l[1998]).toMatch(/dups\.yaml:\d+: document 2000, SLO "requests-availability": .*already defined at .*dups\.yaml:4/);
  expect(l[1999]).toBe('slo validate: validation failed: 1999 problems in 1 of 1 file');
});
