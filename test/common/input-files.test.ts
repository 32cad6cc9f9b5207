/**
 * The shared handling of the files the command line reads and writes: type and size checks
 * before reading, directory walks with link loops, RE2 path filters, YAML alias limits,
 * all-or-nothing writes, and the same-file check. Each bad case asserts the whole message.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  DEFAULT_MAX_INPUT_BYTES,
  formatFileProblem,
  InputFileError,
  MAX_INPUT_BYTES_ENV,
  maxInputBytes,
  parseYamlDocuments,
  PatternError,
  re2Pattern,
  readInputFile,
  sameFile,
  walkInputDirectory,
  writeFilesAtomically,
  yamlAliasProblem,
} from '../../src/common/input-files';
import { rulesBySloId } from '../../src/runtime/slo/targets';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'input-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputFileError);
    return (e as Error).message;
  }
  throw new Error('expected an InputFileError');
}

/** The billion laughs: ten levels of ten aliases each (10^9 "lol"s once expanded). */
export function billionLaughs(): string {
  const lines = ['a0: &a0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('readInputFile: stat first, regular files only, read with a byte cap', () => {
  test('a character device (/dev/zero) is refused before anything is read', () => {
    expect(message(() => readInputFile('/dev/zero', { flag: '--input', expected: 'a YAML spec file' }))).toBe(
      '/dev/zero: --input: it is a character device, not a regular file. Fix: give a YAML spec file; devices, FIFOs and sockets are not read.',
    );
  });

  test('a FIFO is refused without blocking on it', () => {
    const fifo = path.join(dir, 'spec.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(message(() => readInputFile(fifo, { flag: '-f' }))).toBe(
      `${fifo}: -f: it is a FIFO (named pipe), not a regular file. Fix: give a file; devices, FIFOs and sockets are not read.`,
    );
  });

  test('a directory where a file is expected', () => {
    expect(message(() => readInputFile(dir, { flag: '--slo', expected: 'a spec or rules file' }))).toBe(
      `${dir}: --slo: it is a directory, not a file. Fix: give a spec or rules file.`,
    );
  });

  test('a file over the limit is refused from its size alone (a 50 MiB sparse file), and the limit can be raised', () => {
    const big = path.join(dir, 'big.yaml');
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    expect(message(() => readInputFile(big, { flag: '--input' }))).toBe(
      `${big}: --input: the file is 50 MiB, over the 10 MiB limit for input files. Fix: split it into smaller files, or raise the limit with ${MAX_INPUT_BYTES_ENV}=<bytes>.`,
    );
    const small = write('small.yaml', 'x'.repeat(2000));
    expect(message(() => readInputFile(small, { flag: '--input', maxBytes: 1000 }))).toContain('the file is 2.0 KiB, over the 1000 bytes limit');
    expect(readInputFile(small, { flag: '--input', maxBytes: 4000 })).toHaveLength(2000);
  });

  test('the limit comes from the environment when it is a positive whole number', () => {
    expect(maxInputBytes({})).toBe(DEFAULT_MAX_INPUT_BYTES);
    expect(maxInputBytes({ [MAX_INPUT_BYTES_ENV]: '52428800' })).toBe(52428800);
    expect(maxInputBytes({ [MAX_INPUT_BYTES_ENV]: 'lots' })).toBe(DEFAULT_MAX_INPUT_BYTES);
    expect(maxInputBytes({ [MAX_INPUT_BYTES_ENV]: '0' })).toBe(DEFAULT_MAX_INPUT_BYTES);
  });

  test('a symbolic link loop names the file and says what it is', () => {
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    expect(message(() => readInputFile(a, { flag: '--input' }))).toBe(
      `${a}: --input: the path is a loop of symbolic links. Fix: point the link at a real file or directory.`,
    );
  });

  test('a missing file, and binary content', () => {
    expect(message(() => readInputFile(path.join(dir, 'nope.yaml'), { flag: '-f' }))).toBe(
      `${dir}/nope.yaml: -f: no such file or directory. Fix: check the path.`,
    );
    const bin = path.join(dir, 'bin.yaml');
    fs.writeFileSync(bin, Buffer.from([0x61, 0x00, 0x62]));
    expect(message(() => readInputFile(bin, { flag: '-f' }))).toBe(
      `${bin}: -f: the file holds binary data (a NUL byte), not YAML or JSON text. Fix: give a file (UTF-8 text).`,
    );
  });

  test('a link to a regular file is read', () => {
    const real = write('real.yaml', 'a: 1\n');
    const link = path.join(dir, 'link.yaml');
    fs.symlinkSync(real, link);
    expect(readInputFile(link, { flag: '--input' })).toBe('a: 1\n');
  });
});

describe('walkInputDirectory: links followed, loops and odd files reported', () => {
  const yaml = (p: string) => /\.ya?ml$/.test(p);

  test('a directory link back to an ancestor is a problem naming the link; the rest is still walked', () => {
    write('a.yaml', 'a: 1\n');
    write('sub/b.yaml', 'b: 1\n');
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    const r = walkInputDirectory(dir, { flag: '--input', accept: yaml });
    expect(r.files).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'sub', 'b.yaml')]);
    expect(r.problems.map(formatFileProblem)).toEqual([
      `${dir}/sub/loop: --input: the link leads back to ${dir}, which holds it (a directory loop). Fix: remove the link or point it outside the tree.`,
    ]);
  });

  test('a link loop or dangling link among the picked files is a problem; one the filter leaves out is not', () => {
    fs.symlinkSync(path.join(dir, 'x.yaml'), path.join(dir, 'x.yaml'));
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'gone.yaml'));
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'gone.txt'));
    const r = walkInputDirectory(dir, { flag: '--input', accept: yaml });
    expect(r.files).toEqual([]);
    expect(r.problems.map(formatFileProblem)).toEqual([
      `${dir}/gone.yaml: --input: no such file or directory. Fix: check the path.`,
      `${dir}/x.yaml: --input: the path is a loop of symbolic links. Fix: point the link at a real file or directory.`,
    ]);
    expect(walkInputDirectory(dir, { flag: '--input', accept: (p) => yaml(p) && !p.includes('gone') && !p.includes('x.') }).problems).toEqual([]);
  });

  test('a FIFO with a .yaml name is a problem, not a hang', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    expect(walkInputDirectory(dir, { flag: '--plan', accept: yaml }).problems.map(formatFileProblem)).toEqual([
      `${dir}/pipe.yaml: --plan: it is a FIFO (named pipe), not a regular file. Fix: remove it from the directory, or leave it out with a filter.`,
    ]);
  });

  test('the root must be a directory', () => {
    const f = write('f.yaml', '');
    expect(message(() => walkInputDirectory(f, { flag: '--slo-from', accept: yaml }))).toBe(
      `${f}: --slo-from: it is a regular file, not a directory. Fix: give a directory.`,
    );
  });
});

describe('re2Pattern: RE2 syntax, linear time', () => {
  test('(a+)+$ against a long non-matching path returns at once (a backtracking engine takes exponential time)', () => {
    const p = re2Pattern('(a+)+$');
    expect(p.test(`${'a'.repeat(100000)}b`)).toBe(false);
    expect(p.test('slos/aaa')).toBe(true);
  });

  test('matches anywhere in the path, as Go regexp.MatchString does', () => {
    expect(re2Pattern('_test').test('slos/api_test.yaml')).toBe(true);
    expect(re2Pattern('^slos/').test('other/slos/x.yaml')).toBe(false);
    expect(re2Pattern('(?i)PROD').test('slos/prod/x.yaml')).toBe(true);
  });

  test('a pattern RE2 does not accept is a PatternError with the parser reason', () => {
    for (const [src, reason] of [
      ['5[0-9', 'missing closing ]: `[0-9`'],
      ['(?<=a)b', 'invalid named capture: `(?<=a)b`'],
      ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ]) {
      let err: unknown;
      try {
        re2Pattern(src);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PatternError);
      expect((err as PatternError).reason).toBe(reason);
    }
  });
});

describe('YAML aliases: limited by expanded size, not by count', () => {
  test('the billion laughs is refused, naming file, line and the problem', () => {
    expect(message(() => parseYamlDocuments(billionLaughs(), { file: 'bomb.yaml', field: '--input' }))).toMatch(
      /^bomb\.yaml:1: --input: aliases expand the document to about [\d.]+ GiB, over the 10 MiB aliases may add \(an alias bomb\)\. Fix: write the repeated parts out, or use fewer nested aliases\.$/,
    );
  });

  test('500 aliases of a small anchor are fine (a count limit of 100 would refuse them)', () => {
    const text = `base: &l {team: a, tier: "1"}\nitems:\n${Array.from({ length: 500 }, (_, i) => `  - {n: ${i}, labels: *l}`).join('\n')}\n`;
    const [doc] = parseYamlDocuments(text, { file: 'ok.yaml' });
    expect((doc.data as { items: Array<{ labels: unknown }> }).items[499].labels).toEqual({ team: 'a', tier: '1' });
  });

  test('an alias inside the node it names (a cycle) is refused at its line', () => {
    expect(message(() => parseYamlDocuments('a: 1\nb: &x\n  - *x\n', { file: 'cycle.yaml' }))).toBe(
      'cycle.yaml:3: an alias refers to a node that holds it (a cycle). Fix: point the alias at an anchor outside the node, or write the value out.',
    );
  });

  test('an alias without its anchor, and too deep a nesting', () => {
    expect(message(() => parseYamlDocuments('a: *nope\n', { file: 'u.yaml' }))).toBe(
      'u.yaml:1: the alias *nope has no anchor &nope before it. Fix: define &nope before using *nope.',
    );
    expect(message(() => parseYamlDocuments(`${'['.repeat(5000)}${']'.repeat(5000)}\n`, { file: 'deep.yaml' }))).toBe(
      'deep.yaml:1: the YAML is nested too deeply to read. Fix: flatten the nesting (a spec needs only a few levels).',
    );
  });

  test('more than 10,000 aliases in one document are refused (each costs the parser a scan of the anchors)', () => {
    const text = `a: &a 1\nitems: [${Array.from({ length: 10001 }, () => '*a').join(', ')}]\n`;
    expect(message(() => parseYamlDocuments(text, { file: 'many.yaml', field: '--input' }))).toBe(
      'many.yaml:1: --input: the document uses 10001 aliases, over the limit of 10000. Fix: write the repeated parts out, or split the document.',
    );
    expect(() =>
      parseYamlDocuments(`a: &a 1\nitems: [${Array.from({ length: 10000 }, () => '*a').join(', ')}]\n`, { file: 'ok.yaml' }),
    ).not.toThrow();
  });

  test('more than 100,000 documents in one file are refused before parsing', () => {
    expect(message(() => parseYamlDocuments('---\n'.repeat(200000), { file: 'docs.yaml', field: '--input' }))).toBe(
      'docs.yaml: --input: the file holds more than 100000 YAML documents (--- markers). Fix: split it into several files.',
    );
    expect(parseYamlDocuments('a: 1\n---\nb: 2\n...\n---\nc: 3\n', { file: 'ok.yaml' }).map((d) => d.data)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  test('the size check is linear: a shared anchor is sized once however often it is used', () => {
    const doc = YAML.parseDocument(billionLaughs());
    expect(yamlAliasProblem(doc, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(yamlAliasProblem(doc)?.problem).toContain('alias bomb');
  });
});

describe('writeFilesAtomically: all or nothing', () => {
  test('writes every file, making directories, keeping the mode of a replaced file', () => {
    const old = write('out/a.yaml', 'OLD');
    fs.chmodSync(old, 0o640);
    writeFilesAtomically(
      [
        { path: old, content: 'A' },
        { path: path.join(dir, 'out', 'new', 'b.yaml'), content: 'B' },
      ],
      { flag: '--out' },
    );
    expect(fs.readFileSync(old, 'utf8')).toBe('A');
    expect(fs.statSync(old).mode & 0o777).toBe(0o640);
    expect(fs.readFileSync(path.join(dir, 'out', 'new', 'b.yaml'), 'utf8')).toBe('B');
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['a.yaml', 'new']);
  });

  test('a failure while staging (a file where a directory must be) leaves earlier files untouched and no temporary files', () => {
    const a = write('out/a.yaml', 'OLD');
    write('out/sub', 'I am a file');
    expect(
      message(() =>
        writeFilesAtomically(
          [
            { path: a, content: 'A' },
            { path: path.join(dir, 'out', 'new', 'c.yaml'), content: 'C' },
            { path: path.join(dir, 'out', 'sub', 'b.yaml'), content: 'B' },
          ],
          { flag: '--out' },
        ),
      ),
    ).toMatch(
      /^.*\/out\/sub\/b\.yaml: --out: cannot write the file: (a part of the path is not a directory|a file of that name is in the way); nothing was written\. Fix: /,
    );
    expect(fs.readFileSync(a, 'utf8')).toBe('OLD');
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['a.yaml', 'sub']);
  });

  test('a failure while renaming puts back the files already replaced and removes the new ones', () => {
    const a = write('out/a.yaml', 'OLD-A');
    const b = path.join(dir, 'out', 'b.yaml');
    const c = write('out/c.yaml', 'OLD-C');
    let renames = 0;
    const rename = (from: string, to: string) => {
      if (++renames === 3) throw Object.assign(new Error('EIO'), { code: 'EIO' });
      fs.renameSync(from, to);
    };
    expect(
      message(() =>
        writeFilesAtomically(
          [
            { path: a, content: 'A' },
            { path: b, content: 'B' },
            { path: c, content: 'C' },
          ],
          { flag: '--out', ops: { rename } },
        ),
      ),
    ).toBe(`${c}: --out: cannot replace the file: the file system refused (EIO); nothing was written. Fix: check the path and its permissions.`);
    expect(fs.readFileSync(a, 'utf8')).toBe('OLD-A');
    expect(fs.readFileSync(c, 'utf8')).toBe('OLD-C');
    expect(fs.existsSync(b)).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['a.yaml', 'c.yaml']);
  });

  test('a directory or a device in the way is refused before anything is written; one device output is written directly', () => {
    const a = path.join(dir, 'a.yaml');
    fs.mkdirSync(path.join(dir, 'd.yaml'));
    expect(
      message(() =>
        writeFilesAtomically(
          [
            { path: a, content: 'A' },
            { path: path.join(dir, 'd.yaml'), content: 'D' },
          ],
          { flag: '--out' },
        ),
      ),
    ).toBe(
      `${dir}/d.yaml: --out: a directory is in the way of the output file; nothing was written. Fix: remove or rename the directory, or write elsewhere.`,
    );
    expect(fs.existsSync(a)).toBe(false);
    expect(message(() => writeFilesAtomically([{ path: '/dev/null', content: 'x' }], { flag: '--out' }))).toBe(
      '/dev/null: --out: a character device is in the way of the output file; nothing was written. Fix: remove it, or write elsewhere.',
    );
    expect(() => writeFilesAtomically([{ path: '/dev/null', content: 'x' }], { flag: '--out', allowSpecial: true })).not.toThrow();
  });

  test('a link among the targets is written through', () => {
    const real = write('real.yaml', 'OLD');
    const link = path.join(dir, 'link.yaml');
    fs.symlinkSync(real, link);
    writeFilesAtomically([{ path: link, content: 'NEW' }], { flag: '--out' });
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('NEW');
  });
});

describe('sameFile', () => {
  test('the same path, a symbolic link, a hard link; a file not yet there is compared by its real directory', () => {
    const f = write('spec.yaml', 'x');
    fs.symlinkSync(f, path.join(dir, 'sym.yaml'));
    fs.linkSync(f, path.join(dir, 'hard.yaml'));
    fs.symlinkSync(dir, path.join(dir, 'here'));
    expect(sameFile(f, path.join(dir, '.', 'spec.yaml'))).toBe(true);
    expect(sameFile(f, path.join(dir, 'sym.yaml'))).toBe(true);
    expect(sameFile(f, path.join(dir, 'hard.yaml'))).toBe(true);
    expect(sameFile(path.join(dir, 'here', 'new.yaml'), path.join(dir, 'new.yaml'))).toBe(true);
    expect(sameFile(f, path.join(dir, 'other.yaml'))).toBe(false);
  });
});

describe('reading SLO rules is linear in the rules', () => {
  test('rulesBySloId reads each rule a fixed number of times, however many SLOs there are', () => {
    const reads = (n: number): number => {
      let count = 0;
      const rules = [];
      for (let i = 0; i < n; i++) {
        for (const kind of ['info', 'sli', 'alert']) {
          const rule = {
            expr: kind === 'alert' ? `(slo:sli_error:ratio_rate5m{sloth_id="svc-s${i}"} > 1)` : 'vector(1)',
            labels: { sloth_id: `svc-s${i}` },
          };
          rules.push(
            new Proxy(rule, {
              get(t, k) {
                count++;
                return t[k as keyof typeof t];
              },
            }),
          );
        }
      }
      const byId = rulesBySloId(rules);
      expect(byId.size).toBe(n);
      expect(byId.get(`svc-s${n - 1}`)).toHaveLength(3);
      return count;
    };
    // A per-SLO scan of all rules would read n * 3n rules; the index reads each rule three times.
    expect(reads(10)).toBe(3 * 30);
    expect(reads(1000)).toBe(3 * 3000);
  });
});
