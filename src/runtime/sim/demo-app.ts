/**
 * The demo application of the simulation, as Prometheus sees it: an exporter on 127.0.0.1
 * serving `http_requests_total` and the `http_request_duration_seconds` histogram (and, as
 * kube-state-metrics would, `kube_pod_container_status_restarts_total`) for the replicas of
 * a Deployment, under a steady synthetic load.
 *
 * The traffic model is deterministic: each replica serves a fixed number of requests per
 * second, their latencies cycle through a fixed profile, and faults change the outcome the
 * way the faults would:
 * - lost replicas (Chaos Mesh pod-failure / pod-kill until the replacement is Ready): the
 *   requests routed to them fail with 503;
 * - added latency (NetworkChaos delay): every response is that much slower;
 * - an error ratio: that share of the remaining requests fail with 500.
 *
 * Time comes from an injectable clock; counters advance when they are read (or when a
 * fault changes), so the same clock readings always give the same series. The exporter
 * stands for what the service's ingress and kube-state-metrics report; it does not serve
 * application traffic itself.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

/** Options of {@link DemoApp}. */
export interface DemoAppOptions {
  /** The Deployment's name, the prefix of its pod names. @default "demo-app" */
  readonly name?: string;
  /** The namespace label of its series. @default "team-alpha" */
  readonly namespace?: string;
  /** Replicas. @default 3 */
  readonly replicas?: number;
  /** Requests per second each replica serves. @default 10 */
  readonly requestsPerSecondPerReplica?: number;
  /**
   * The label holding the HTTP status code. The chapter's queries and SLOs use `status`;
   * Prometheus client libraries usually write `code`.
   * @default "status"
   */
  readonly statusLabel?: string;
  /** Latencies, in seconds, that successive requests of a replica cycle through. @default a 20-step profile from 12 ms to 280 ms (p50 60 ms, p95 250 ms) */
  readonly latencyProfileSeconds?: readonly number[];
  /** Histogram bucket boundaries in seconds (`+Inf` is added). @default 5ms … 10s, including 0.3 and 0.5 */
  readonly buckets?: readonly number[];
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
  /** Port on 127.0.0.1 to listen on. @default 0 (a free port) */
  readonly port?: number;
}

/** The faults currently injected. */
export interface DemoAppFaults {
  /** Replicas that serve no request successfully (503). @default 0 */
  readonly lostReplicas: number;
  /** Seconds added to every response. @default 0 */
  readonly addedLatencySeconds: number;
  /** Share (0..1) of the requests of healthy replicas that fail with 500. @default 0 */
  readonly errorRatio: number;
}

/** The default latency profile: 20 steps, p50 ≈ 60 ms, p95 ≈ 250 ms, max 280 ms. */
export const DEFAULT_LATENCY_PROFILE: readonly number[] = [
  0.012, 0.018, 0.022, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.28,
];

/** The default histogram buckets (the chapter's SLOs use the 0.3 and 0.5 boundaries). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10];

interface Replica {
  pod: string;
  seq: number;
  carry: number;
  errorCarry: number;
  codes: Map<string, number>;
  buckets: number[];
  count: number;
  sum: number;
  restarts: number;
}

const HASH = '7d4f9c6b8';
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

function podSuffix(n: number): string {
  let s = '';
  let x = n * 7919 + 12345;
  for (let i = 0; i < 5; i++) {
    s += SUFFIX[x % SUFFIX.length];
    x = Math.floor(x / SUFFIX.length) + i * 31;
  }
  return s;
}

/** Formats a number as Prometheus's text format expects. */
function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The simulated demo application's metrics exporter. */
export class DemoApp {
  /** The label holding the status code. */
  public readonly statusLabel: string;
  public readonly name: string;
  public readonly namespace: string;
  private readonly rps: number;
  private readonly profile: readonly number[];
  private readonly bucketBounds: readonly number[];
  private readonly clock: () => number;
  private readonly replicas: Replica[] = [];
  private podCounter = 0;
  private last: number;
  private current: DemoAppFaults = { lostReplicas: 0, addedLatencySeconds: 0, errorRatio: 0 };
  private readonly scheduled: Array<{ at: number; faults: DemoAppFaults }> = [];
  private server?: http.Server;
  private readonly port: number;

  constructor(options: DemoAppOptions = {}) {
    this.name = options.name ?? 'demo-app';
    this.namespace = options.namespace ?? 'team-alpha';
    this.statusLabel = options.statusLabel ?? 'status';
    this.rps = options.requestsPerSecondPerReplica ?? 10;
    this.profile = options.latencyProfileSeconds?.length ? options.latencyProfileSeconds : DEFAULT_LATENCY_PROFILE;
    this.bucketBounds = [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    this.clock = options.clock ?? Date.now;
    this.port = options.port ?? 0;
    const n = options.replicas ?? 3;
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`demo app replicas must be a whole number of at least 1 (got ${n})`);
    if (!(this.rps > 0)) throw new Error(`demo app requestsPerSecondPerReplica must be above 0 (got ${this.rps})`);
    for (let i = 0; i < n; i++) this.replicas.push(this.newReplica());
    this.last = this.clock();
  }

  private newReplica(): Replica {
    return {
      pod: `${this.name}-${HASH}-${podSuffix(this.podCounter++)}`,
      seq: 0,
      carry: 0,
      errorCarry: 0,
      codes: new Map(),
      buckets: this.bucketBounds.map(() => 0),
      count: 0,
      sum: 0,
      restarts: 0,
    };
  }

  /** The pod names, in replica order. */
  public get pods(): string[] {
    return this.replicas.map((r) => r.pod);
  }

  /** The faults in effect. */
  public get faults(): DemoAppFaults {
    this.advance();
    return this.current;
  }

  /**
   * Changes faults from now on (requests until now are counted under the old ones). With
   * `forMs`, the faults before the change come back after exactly that long on the app's
   * clock, as a Chaos Mesh `duration` ends a fault.
   */
  public setFaults(f: Partial<DemoAppFaults>, options: { readonly forMs?: number } = {}): void {
    this.advance();
    const next = this.checked({ ...this.current, ...f });
    if (options.forMs !== undefined) {
      if (!(options.forMs >= 0)) throw new Error(`forMs must be 0 or more (got ${options.forMs})`);
      // Undone at an exact instant of the app's clock, whatever the caller's timers do.
      this.scheduled.push({ at: this.last + options.forMs, faults: this.current });
      this.scheduled.sort((a, b) => a.at - b.at);
    }
    this.current = next;
  }

  /** When the faults set with `forMs` are undone (epoch ms), soonest first. */
  public get pendingHeals(): number[] {
    return this.scheduled.map((x) => x.at);
  }

  private checked(next: DemoAppFaults): DemoAppFaults {
    if (!(Number.isInteger(next.lostReplicas) && next.lostReplicas >= 0 && next.lostReplicas <= this.replicas.length)) {
      throw new Error(`lostReplicas must be a whole number from 0 to ${this.replicas.length} (got ${next.lostReplicas})`);
    }
    if (!(next.addedLatencySeconds >= 0)) throw new Error(`addedLatencySeconds must be 0 or more (got ${next.addedLatencySeconds})`);
    if (!(next.errorRatio >= 0 && next.errorRatio <= 1)) throw new Error(`errorRatio must be between 0 and 1 (got ${next.errorRatio})`);
    return next;
  }

  /** Clears every fault (and any scheduled end of one). */
  public heal(): void {
    this.setFaults({ lostReplicas: 0, addedLatencySeconds: 0, errorRatio: 0 });
    this.scheduled.length = 0;
  }

  /** Counts a container restart of a replica (as pod-failure does when the fault ends). */
  public restart(replica: number): void {
    this.advance();
    const r = this.replicas[replica];
    if (!r) throw new Error(`no replica ${replica} (there are ${this.replicas.length})`);
    r.restarts++;
  }

  /** Replaces a replica's pod with a new one (as a Deployment does after pod-kill); returns the new pod's name. */
  public replacePod(replica: number): string {
    this.advance();
    if (!this.replicas[replica]) throw new Error(`no replica ${replica} (there are ${this.replicas.length})`);
    this.replicas[replica] = this.newReplica();
    return this.replicas[replica].pod;
  }

  /** Counts the requests served until now, applying scheduled fault ends at their instants. */
  private advance(): void {
    const now = this.clock();
    while (this.scheduled.length && this.scheduled[0].at <= now) {
      const next = this.scheduled.shift()!;
      this.serveUntil(next.at);
      this.current = next.faults;
    }
    this.serveUntil(now);
  }

  private serveUntil(now: number): void {
    const dt = Math.max(0, (now - this.last) / 1000);
    this.last = Math.max(this.last, now);
    const f = this.current;
    this.replicas.forEach((r, i) => {
      r.carry += this.rps * dt;
      const n = Math.floor(r.carry + 1e-9);
      r.carry -= n;
      const lost = i < f.lostReplicas;
      for (let k = 0; k < n; k++) {
        let code = '200';
        let latency = this.profile[r.seq % this.profile.length] + f.addedLatencySeconds;
        if (lost) {
          code = '503';
          latency = 0.001 + f.addedLatencySeconds;
        } else if (f.errorRatio > 0) {
          r.errorCarry += f.errorRatio;
          if (r.errorCarry >= 1 - 1e-9) {
            r.errorCarry -= 1;
            code = '500';
          }
        }
        r.seq++;
        r.codes.set(code, (r.codes.get(code) ?? 0) + 1);
        r.count++;
        r.sum += latency;
        this.bucketBounds.forEach((b, j) => {
          if (latency <= b) r.buckets[j]++;
        });
      }
    });
  }

  /** The metrics in Prometheus's text exposition format (0.0.4), as of now. */
  public metricsText(): string {
    this.advance();
    const lines: string[] = [];
    const base = (r: Replica) => `namespace="${esc(this.namespace)}",pod="${esc(r.pod)}",method="GET",handler="/api"`;
    lines.push('# HELP http_requests_total Requests served, by status code.', '# TYPE http_requests_total counter');
    for (const r of this.replicas) {
      // Every code the model can produce is reported from the start (at 0), as client libraries
      // advise: an SLI's error query over a series that does not exist yet returns nothing.
      const codes = new Map([['200', 0], ['500', 0], ['503', 0], ...r.codes]);
      for (const [code, v] of [...codes.entries()].sort()) lines.push(`http_requests_total{${base(r)},${this.statusLabel}="${code}"} ${v}`);
    }
    lines.push('# HELP http_request_duration_seconds Request latency.', '# TYPE http_request_duration_seconds histogram');
    for (const r of this.replicas) {
      this.bucketBounds.forEach((b, j) => lines.push(`http_request_duration_seconds_bucket{${base(r)},le="${num(b)}"} ${r.buckets[j]}`));
      lines.push(`http_request_duration_seconds_bucket{${base(r)},le="+Inf"} ${r.count}`);
      lines.push(`http_request_duration_seconds_sum{${base(r)}} ${num(r.sum)}`);
      lines.push(`http_request_duration_seconds_count{${base(r)}} ${r.count}`);
    }
    lines.push(
      '# HELP kube_pod_container_status_restarts_total Container restarts (as kube-state-metrics reports them).',
      '# TYPE kube_pod_container_status_restarts_total counter',
    );
    for (const r of this.replicas)
      lines.push(
        `kube_pod_container_status_restarts_total{namespace="${esc(this.namespace)}",pod="${esc(r.pod)}",container="${esc(this.name)}"} ${r.restarts}`,
      );
    return `${lines.join('\n')}\n`;
  }

  /** Starts serving `/metrics` (and `/health`) on 127.0.0.1; resolves to the base URL. */
  public async start(): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.metricsText());
      } else if (req.method === 'GET' && path === '/health') {
        const healthy = this.current.lostReplicas < this.replicas.length;
        res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'text/plain' });
        res.end(healthy ? 'ok\n' : 'no replica available\n');
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.url;
  }

  /** The base URL while serving (`http://127.0.0.1:PORT`). */
  public get url(): string {
    if (!this.server) throw new Error('the demo app is not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `host:port` to put in a scrape config. */
  public get target(): string {
    return this.url.replace(/^http:\/\//, '');
  }

  /** Stops serving. */
  public async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
