/**
 * The Prometheus HTTP API client against a local HTTP server that answers as Prometheus
 * does (envelopes copied from Prometheus 2.42's answers), and against failures: a closed
 * port, a server that never answers, a rejected query, an HTML error page, a non-API JSON.
 * (The client against the real Prometheus is covered by prometheus-e2e.test.ts.)
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { matchers, parseSampleValue, PrometheusClient, PrometheusError } from '../../src/runtime/prometheus';
import { freePort } from '../support/prometheus';

type Handler = (req: { method: string; path: string; body: string }) => { status?: number; body: string; contentType?: string } | undefined;

let server: http.Server;
let base: string;
let handler: Handler = () => undefined;
const seen: Array<{ method: string; path: string; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? '', path: req.url ?? '', body };
      seen.push(r);
      const a = handler(r);
      if (!a) return; // never answer
      res.writeHead(a.status ?? 200, { 'Content-Type': a.contentType ?? 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen.length = 0;
});

/** The PrometheusError a call rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<PrometheusError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof PrometheusError)) throw new Error(`expected a PrometheusError, got ${String(e)}`);
  return e;
}

const ok = (data: unknown) => ({ body: JSON.stringify({ status: 'success', data }) });

test('an instant query is a form POST; vector values, NaN and infinities are parsed', async () => {
  handler = () =>
    ok({
      resultType: 'vector',
      result: [
        { metric: { sloth_id: 'a' }, value: [1700000000.5, '0.25'] },
        { metric: { sloth_id: 'b' }, value: [1700000000.5, 'NaN'] },
        { metric: { sloth_id: 'c' }, value: [1700000000.5, '+Inf'] },
      ],
    });
  const api = new PrometheusClient(`${base}/`);
  const r = await api.query('slo:x{a="b c"}', new Date(1700000000500));
  expect(seen[0]).toEqual({ method: 'POST', path: '/api/v1/query', body: 'query=slo%3Ax%7Ba%3D%22b+c%22%7D&time=1700000000.500' });
  expect(r).toEqual([
    { labels: { sloth_id: 'a' }, t: 1700000000.5, v: 0.25 },
    { labels: { sloth_id: 'b' }, t: 1700000000.5, v: NaN },
    { labels: { sloth_id: 'c' }, t: 1700000000.5, v: Infinity },
  ]);
  expect(api.url).toBe(base);
});

test('a scalar result is one sample without labels', async () => {
  handler = () => ok({ resultType: 'scalar', result: [1700000000, '3'] });
  expect(await new PrometheusClient(base).query('1+2')).toEqual([{ labels: {}, t: 1700000000, v: 3 }]);
});

test('a range query sends start, end and step and parses a matrix', async () => {
  handler = () =>
    ok({
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'x' },
          values: [
            [10, '1'],
            [20, '-Inf'],
          ],
        },
      ],
    });
  const r = await new PrometheusClient(base).queryRange('up', new Date(10000), new Date(20000), 10);
  expect(seen[0].body).toBe('query=up&start=10.000&end=20.000&step=10');
  expect(r).toEqual([
    {
      labels: { job: 'x' },
      samples: [
        { t: 10, v: 1 },
        { t: 20, v: -Infinity },
      ],
    },
  ]);
  await expect(new PrometheusClient(base).queryRange('up', new Date(0), new Date(1), 0)).rejects.toThrow(
    'range query step must be above 0 seconds (got 0)',
  );
});

test('alerts, rules and build info are GETs of their endpoints', async () => {
  handler = (req) => {
    if (req.path === '/api/v1/alerts')
      return ok({
        alerts: [
          {
            labels: { alertname: 'A', sloth_severity: 'page' },
            annotations: { title: 't' },
            state: 'firing',
            activeAt: '2026-01-01T00:00:00Z',
            value: '1e+00',
          },
        ],
      });
    if (req.path === '/api/v1/rules')
      return ok({
        groups: [
          {
            name: 'g',
            file: '/r.yaml',
            rules: [
              { type: 'alerting', name: 'A', query: 'x > 1', labels: {}, health: 'ok', state: 'firing', alerts: [] },
              { type: 'recording', name: 'r', query: 'y', health: 'err', lastError: 'boom' },
            ],
          },
        ],
      });
    if (req.path === '/api/v1/status/buildinfo') return ok({ version: '2.42.0+ds', revision: 'abc', goVersion: 'go1.19.8' });
    return { status: 404, body: '404 page not found', contentType: 'text/plain' };
  };
  const api = new PrometheusClient(base);
  expect(await api.alerts()).toEqual([
    {
      labels: { alertname: 'A', sloth_severity: 'page' },
      annotations: { title: 't' },
      state: 'firing',
      activeAt: '2026-01-01T00:00:00Z',
      value: '1e+00',
    },
  ]);
  const rules = await api.rules();
  expect(rules[0].rules.map((r) => [r.type, r.name, r.health, r.lastError, r.state])).toEqual([
    ['alerting', 'A', 'ok', undefined, 'firing'],
    ['recording', 'r', 'err', 'boom', undefined],
  ]);
  expect(await api.buildInfo()).toEqual({ version: '2.42.0+ds', revision: 'abc', goVersion: 'go1.19.8' });
  expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /api/v1/alerts', 'GET /api/v1/rules', 'GET /api/v1/status/buildinfo']);
});

test("a rejected query quotes Prometheus's error text in one line", async () => {
  handler = () => ({
    status: 400,
    body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis' }),
  });
  const e = await failure(new PrometheusClient(base).query('sum('));
  expect(e).toBeInstanceOf(PrometheusError);
  expect(e.kind).toBe('bad_query');
  expect(e.message).toBe('Prometheus rejected the query sum(: invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
});

test('an execution error names the endpoint and the error type', async () => {
  handler = () => ({
    status: 503,
    body: JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }),
  });
  await expect(new PrometheusClient(base).query('up')).rejects.toThrow(
    `Prometheus at ${base} answered 503 on /api/v1/query: timeout: query timed out in expression evaluation`,
  );
});

test('an HTML error page or a JSON that is not the API is reported as such', async () => {
  handler = () => ({ status: 502, body: '<html>\n<body>Bad Gateway</body>\n</html>', contentType: 'text/html' });
  await expect(new PrometheusClient(base).alerts()).rejects.toThrow(
    `Prometheus at ${base} answered HTTP 502 on /api/v1/alerts: <html> <body>Bad Gateway</body> </html>`,
  );
  handler = () => ({ body: '{"hello":"world"}' });
  await expect(new PrometheusClient(base).alerts()).rejects.toThrow(
    `${base}/api/v1/alerts did not answer as the Prometheus API (not a JSON success envelope: {"hello":"world"})`,
  );
  handler = () => ok({ resultType: 'string', result: [1, 'x'] });
  await expect(new PrometheusClient(base).query('"x"')).rejects.toThrow('answered a string result; the runtime needs an instant vector or a scalar');
});

test('an unreachable Prometheus names the URL in one line', async () => {
  const port = await freePort();
  const e = await failure(new PrometheusClient(`http://127.0.0.1:${port}`).query('up'));
  expect(e.kind).toBe('unreachable');
  expect(e.message).toBe(`Prometheus at http://127.0.0.1:${port} is unreachable (ECONNREFUSED); check --prometheus-url`);
});

test('a Prometheus that does not answer times out with the limit in the message', async () => {
  handler = () => undefined;
  const e = await failure(new PrometheusClient(base, { timeoutMs: 300 }).query('up'));
  expect(e.kind).toBe('timeout');
  expect(e.message).toBe(`Prometheus at ${base} did not answer within 0.3s (/api/v1/query)`);
});

test('a bad URL is a usage error', () => {
  expect(() => new PrometheusClient('localhost:9090')).toThrow('--prometheus-url "localhost:9090" must be an http:// or https:// URL');
  expect(() => new PrometheusClient('not a url')).toThrow('--prometheus-url "not a url" is not a URL (e.g. http://localhost:9090)');
});

test('sample values and selectors', () => {
  expect(['1', '-2.5', 'NaN', '+Inf', '-Inf', '1e-3'].map(parseSampleValue)).toEqual([1, -2.5, NaN, Infinity, -Infinity, 0.001]);
  expect(matchers({ job: 'a"b', le: '0.5' })).toBe('{job="a\\"b",le="0.5"}');
  expect(matchers({})).toBe('');
});
