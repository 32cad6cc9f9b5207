/**
 * The demo app's exporter: a deterministic traffic model under a controlled clock, each
 * fault's effect on the counters and the histogram, and the HTTP endpoint. (That Prometheus
 * parses and scrapes it is shown by prometheus-e2e.test.ts.)
 */
import { DemoApp } from '../../src/runtime/sim/demo-app';

/** The value of one series line in the exposition text. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('a steady load: each replica serves its rate, latencies follow the profile', () => {
  const c = clock();
  const app = new DemoApp({ replicas: 2, requestsPerSecondPerReplica: 10, clock: c.now });
  const [p0, p1] = app.pods;
  expect(app.pods).toEqual([expect.stringMatching(/^demo-app-7d4f9c6b8-[a-z0-9]{5}$/), expect.stringMatching(/^demo-app-7d4f9c6b8-[a-z0-9]{5}$/)]);
  expect(p0).not.toBe(p1);
  // The same names every time.
  expect(new DemoApp({ replicas: 2, clock: c.now }).pods).toEqual(app.pods);
  c.advance(10_000);
  const text = app.metricsText();
  const sel = (pod: string) => `namespace="team-alpha",pod="${pod}",method="GET",handler="/api"`;
  expect(value(text, `http_requests_total{${sel(p0)},status="200"}`)).toBe(100);
  expect(value(text, `http_requests_total{${sel(p1)},status="200"}`)).toBe(100);
  expect(value(text, `http_requests_total{${sel(p0)},status="500"}`)).toBe(0);
  expect(value(text, `http_requests_total{${sel(p0)},status="503"}`)).toBe(0);
  // 100 requests = 5 cycles of the 20-step profile: 9 of 20 steps are at most 0.05 s, 19 at most 0.25 s, all under 0.3 s.
  expect(value(text, `http_request_duration_seconds_bucket{${sel(p0)},le="0.05"}`)).toBe(45);
  expect(value(text, `http_request_duration_seconds_bucket{${sel(p0)},le="0.25"}`)).toBe(95);
  expect(value(text, `http_request_duration_seconds_bucket{${sel(p0)},le="0.3"}`)).toBe(100);
  expect(value(text, `http_request_duration_seconds_bucket{${sel(p0)},le="+Inf"}`)).toBe(100);
  expect(value(text, `http_request_duration_seconds_count{${sel(p0)}}`)).toBe(100);
  expect(value(text, `http_request_duration_seconds_sum{${sel(p0)}}`)).toBeCloseTo(5 * 1.857, 9);
  expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  // Reading again without time passing changes nothing: the model is a function of the clock.
  expect(app.metricsText()).toBe(text);
});

test('faults: lost replicas answer 503, an error ratio gives 500s, added latency shifts the histogram', () => {
  const c = clock();
  const app = new DemoApp({ replicas: 3, requestsPerSecondPerReplica: 10, statusLabel: 'code', clock: c.now });
  const sel = (i: number) => `namespace="team-alpha",pod="${app.pods[i]}",method="GET",handler="/api"`;
  c.advance(1000);
  app.setFaults({ lostReplicas: 1, errorRatio: 0.25 });
  c.advance(4000);
  app.setFaults({ lostReplicas: 0, errorRatio: 0, addedLatencySeconds: 0.3 });
  c.advance(2000);
  const text = app.metricsText();
  // Replica 0: 10 ok, then 40 lost (503), then 20 slow but ok.
  expect(value(text, `http_requests_total{${sel(0)},code="503"}`)).toBe(40);
  expect(value(text, `http_requests_total{${sel(0)},code="200"}`)).toBe(30);
  // Replicas 1 and 2: one in four of the 40 faulted requests failed.
  expect(value(text, `http_requests_total{${sel(1)},code="500"}`)).toBe(10);
  expect(value(text, `http_requests_total{${sel(1)},code="200"}`)).toBe(60);
  // The 20 delayed requests of replica 1 all took over 0.3 s; the 50 before them did not.
  expect(value(text, `http_request_duration_seconds_bucket{${sel(1)},le="0.3"}`)).toBe(50);
  // Of the delayed ones, the 18 profile steps up to 0.2 s stay within 0.5 s.
  expect(value(text, `http_request_duration_seconds_bucket{${sel(1)},le="0.5"}`)).toBe(50 + 18);
  expect(app.faults).toEqual({ lostReplicas: 0, errorRatio: 0, addedLatencySeconds: 0.3 });
  app.heal();
  expect(app.faults).toEqual({ lostReplicas: 0, errorRatio: 0, addedLatencySeconds: 0 });
});

test('restarts and replaced pods, as kube-state-metrics reports them', () => {
  const c = clock();
  const app = new DemoApp({ replicas: 2, clock: c.now });
  const old = app.pods[1];
  app.restart(0);
  app.restart(0);
  const fresh = app.replacePod(1);
  expect(fresh).not.toBe(old);
  const text = app.metricsText();
  expect(value(text, `kube_pod_container_status_restarts_total{namespace="team-alpha",pod="${app.pods[0]}",container="demo-app"}`)).toBe(2);
  expect(value(text, `kube_pod_container_status_restarts_total{namespace="team-alpha",pod="${fresh}",container="demo-app"}`)).toBe(0);
  expect(text).not.toContain(old);
});

test('bad knobs are refused with the allowed range', () => {
  const app = new DemoApp({ replicas: 3, clock: () => 0 });
  expect(() => app.setFaults({ lostReplicas: 4 })).toThrow('lostReplicas must be a whole number from 0 to 3 (got 4)');
  expect(() => app.setFaults({ errorRatio: 2 })).toThrow('errorRatio must be between 0 and 1 (got 2)');
  expect(() => app.setFaults({ addedLatencySeconds: -1 })).toThrow('addedLatencySeconds must be 0 or more (got -1)');
  expect(() => app.restart(5)).toThrow('no replica 5 (there are 3)');
  expect(() => new DemoApp({ replicas: 0 })).toThrow('demo app replicas must be a whole number of at least 1 (got 0)');
});

test('served on 127.0.0.1: /metrics in the text format, /health follows the replicas', async () => {
  const app = new DemoApp({ replicas: 2 });
  const url = await app.start();
  try {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('# TYPE http_requests_total counter');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    app.setFaults({ lostReplicas: 2 });
    expect((await fetch(`${url}/health`)).status).toBe(503);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  } finally {
    await app.stop();
  }
  expect(() => app.url).toThrow('the demo app is not started');
});
