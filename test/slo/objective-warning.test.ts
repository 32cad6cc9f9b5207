/**
 * The objective unit trap through the Sloth-compatible CLI: Sloth accepts `objective: 0.999`
 * (0.999 %), so `slo generate` and `slo validate` keep accepting it, with a warning on
 * stderr naming the file, line, field and the value meant. The typed constructs refuse it
 * (test/slo/hostile-input.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sloGenerate, sloValidate } from '../../src/runtime/slo';

const SPEC = `version: prometheus/v1
service: api
slos:
  - name: requests-availability
    objective: 0.999
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: ApiHighErrorRate
`;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('slo generate / validate: an objective below 50 %', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'objective-'));
    file = path.join(dir, 'api.yaml');
    fs.writeFileSync(file, SPEC);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const warning = () =>
    `warning: ${file}:5: document 1, SLO "requests-availability": slos[0].objective: 0.999 % is below 50 %: an objective is a percent, not a ratio (did you mean 99.9?). Fix: write 99.9 for 99.9 %.\n`;

  test('generate: the rules are written as Sloth writes them, and stderr warns', async () => {
    const c = io();
    expect(await sloGenerate(['-i', file], c.io)).toBe(0);
    expect(c.err).toEqual([warning()]);
    expect(c.out.join('')).toContain('vector(0.00999)');
  });

  test('validate: valid, with the same warning', async () => {
    const c = io();
    expect(await sloValidate(['-i', file], c.io)).toBe(0);
    expect(c.err[0]).toBe(warning());
  });

  test('no warning for 99.9', async () => {
    const ok = path.join(dir, 'ok.yaml');
    fs.writeFileSync(ok, SPEC.replace('0.999', '99.9'));
    const c = io();
    expect(await sloGenerate(['-i', ok], c.io)).toBe(0);
    expect(c.err).toEqual([]);
  });
});
