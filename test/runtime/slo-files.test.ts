/**
 * The shape of the work `slo validate` and `slo generate` do per spec file, without timing:
 * the file system calls are counted for 10, 20 and 40 files. Work linear in the number of
 * files is a + b·n, so doubling the files from 20 to 40 adds exactly twice what doubling
 * from 10 to 20 added; a per-file re-scan of the others (a quadratic path) would add four
 * times as much.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sloGenerate, sloValidate } from '../../src/runtime/slo';

const SPEC = (i: number) => `version: "prometheus/v1"
service: "svc-${i}"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="svc-${i}",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="svc-${i}"}[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
`;

const COUNTED = [
  'statSync',
  'lstatSync',
  'realpathSync',
  'readdirSync',
  'openSync',
  'readSync',
  'fstatSync',
  'writeFileSync',
  'renameSync',
  'linkSync',
  'mkdirSync',
] as const;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-files-shape-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

function specsDir(n: number, duplicate = false): string {
  const dir = fs.mkdtempSync(path.join(tmp, `in-${n}-`));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `s${i}.yaml`), SPEC(duplicate ? 0 : i));
  return dir;
}

async function fsCalls(run: () => Promise<number>, expectedCode: number): Promise<number> {
  // The module object itself: the modules under test read it through their import bindings.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const real = require('fs') as typeof fs;
  const spies = COUNTED.map((name) => jest.spyOn(real, name as never));
  const code = await run();
  const calls = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
  jest.restoreAllMocks();
  expect(code).toBe(expectedCode);
  return calls;
}

const io = { out: () => undefined, err: () => undefined };

function expectLinear([f10, f20, f40]: number[]): void {
  expect(f20).toBeGreaterThan(f10);
  expect(f40 - f20).toBe(2 * (f20 - f10));
}

test('slo validate: the file system work per spec file is constant', async () => {
  const counts: number[] = [];
  for (const n of [10, 20, 40]) {
    const dir = specsDir(n);
    counts.push(await fsCalls(() => sloValidate(['-i', dir], io), 0));
  }
  expectLinear(counts);
});

test('slo validate: duplicates across files are found without a re-scan per file', async () => {
  const counts: number[] = [];
  for (const n of [10, 20, 40]) {
    const dir = specsDir(n, true);
    counts.push(await fsCalls(() => sloValidate(['-i', dir], io), 1));
  }
  expectLinear(counts);
});

test('slo generate into a directory: staging, the output-is-an-input check and the renames are constant per file', async () => {
  const counts: number[] = [];
  for (const n of [10, 20, 40]) {
    const dir = specsDir(n);
    const out = fs.mkdtempSync(path.join(tmp, `out-${n}-`));
    // Half the outputs replace existing files, so that the backups of the all-or-nothing commit are counted too.
    for (let i = 0; i < n; i += 2) fs.writeFileSync(path.join(out, `s${i}.yaml`), 'old\n');
    counts.push(await fsCalls(() => sloGenerate(['-i', dir, '-o', out], io), 0));
  }
  expectLinear(counts);
});
