/**
 * A small client for the Prometheus HTTP API (`/api/v1`): instant and range queries, the
 * alerts and rules APIs, and build information. Operations depend on the
 * {@link PrometheusApi} interface only, so tests can give them recorded data; the real
 * client is {@link PrometheusClient} (Node's own `fetch`, no dependency).
 *
 * Every failure is a {@link PrometheusError} with a one-line message: an unreachable server
 * names the URL, a rejected query quotes Prometheus's own error text.
 */

/** A label set. */
export type Labels = Readonly<Record<string, string>>;

/** One sample: Unix time in seconds, and the value (NaN and ±Infinity as Prometheus sends them). */
export interface Sample {
  readonly t: number;
  readonly v: number;
}

/** One series of an instant query result. */
export interface InstantSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** One series of a range query result. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly samples: readonly Sample[];
}

/** An active alert, as `/api/v1/alerts` reports it. */
export interface PromAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  /** `pending` or `firing`. */
  readonly state: string;
  /** When the alert became active (pending), as Prometheus reports it. @default - not reported */
  readonly activeAt?: string;
  /** The alert expression's value when it last fired. @default - not reported */
  readonly value?: string;
}

/** One rule of a loaded rule group, as `/api/v1/rules` reports it. */
export interface PromRuleStatus {
  readonly type: 'recording' | 'alerting';
  readonly name: string;
  readonly query: string;
  readonly labels: Labels;
  /** `ok`, `err` or `unknown`. */
  readonly health: string;
  /** The evaluation error, when health is `err`. @default - none */
  readonly lastError?: string;
  /** For alerting rules: `inactive`, `pending` or `firing`. @default - recording rule */
  readonly state?: string;
  /** For alerting rules: the alerts it currently has. @default [] */
  readonly alerts?: readonly PromAlert[];
}

/** A loaded rule group. */
export interface PromRuleGroupStatus {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly PromRuleStatus[];
}

/** What `/api/v1/status/buildinfo` reports. */
export interface PromBuildInfo {
  readonly version: string;
  /** @default - not reported */
  readonly revision?: string;
  /** @default - not reported */
  readonly goVersion?: string;
}

/** The part of the Prometheus HTTP API the runtime uses. */
export interface PrometheusApi {
  /** The base URL, for reports and messages. */
  readonly url: string;
  /** An instant query at `time` (default: now). Scalars come back as one sample without labels. */
  query(expr: string, time?: Date): Promise<InstantSample[]>;
  /** A range query from `start` to `end` every `stepSeconds`. */
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
  /** The active (pending and firing) alerts. */
  alerts(): Promise<PromAlert[]>;
  /** The loaded rule groups. */
  rules(): Promise<PromRuleGroupStatus[]>;
  /** The server's version. */
  buildInfo(): Promise<PromBuildInfo>;
}

/** Why a call failed. */
export type PrometheusErrorKind = 'unreachable' | 'timeout' | 'bad_query' | 'http' | 'protocol' | 'usage';

/** A failed call to Prometheus; `message` is one line meant for the user. */
export class PrometheusError extends Error {
  constructor(
    /** Why it failed. */
    public readonly kind: PrometheusErrorKind,
    message: string,
    /** The URL called. */
    public readonly url: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** The default Prometheus URL of the runtime commands (`--prometheus-url`). */
export const DEFAULT_PROMETHEUS_URL = 'http://localhost:9090';

/** Options of {@link PrometheusClient}. */
export interface PrometheusClientOptions {
  /** How long one HTTP call may take, in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /** Extra headers on every call (e.g. `Authorization`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch implementation. @default the global fetch of Node 20 */
  readonly fetch?: typeof fetch;
}

/** Parses a sample value as Prometheus encodes it (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`). */
export function parseSampleValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  return Number.isNaN(n) ? NaN : n;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, n = 200): string {
  const t = oneLine(s);
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** The low-level cause of a fetch failure (`ECONNREFUSED`, `ENOTFOUND`, ...). */
function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error).message ?? String(e);
}

type ApiEnvelope = { status?: string; data?: unknown; errorType?: string; error?: string };

/**
 * The Prometheus HTTP API over `fetch`. Queries are sent as form-encoded POSTs (no URL
 * length limit on long SLO expressions); the other calls are GETs.
 */
export class PrometheusClient implements PrometheusApi {
  public readonly url: string;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetchFn: typeof fetch;

  constructor(url: string = DEFAULT_PROMETHEUS_URL, options: PrometheusClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PrometheusError('usage', `--prometheus-url "${url}" is not a URL (e.g. http://localhost:9090)`, url);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new PrometheusError('usage', `--prometheus-url "${url}" must be an http:// or https:// URL`, url);
    }
    this.url = url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.headers = options.headers ?? {};
    this.fetchFn = options.fetch ?? fetch;
  }

  public async query(expr: string, time?: Date): Promise<InstantSample[]> {
    const params: Record<string, string> = { query: expr };
    if (time) params.time = (time.getTime() / 1000).toFixed(3);
    const data = (await this.call('/api/v1/query', params, expr)) as { resultType?: string; result?: unknown };
    return parseInstant(data, this.url);
  }

  public async queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
    if (!(stepSeconds > 0)) throw new PrometheusError('usage', `range query step must be above 0 seconds (got ${stepSeconds})`, this.url);
    const params = {
      query: expr,
      start: (start.getTime() / 1000).toFixed(3),
      end: (end.getTime() / 1000).toFixed(3),
      step: String(stepSeconds),
    };
    const data = (await this.call('/api/v1/query_range', params, expr)) as { resultType?: string; result?: unknown };
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) throw this.protocol('/api/v1/query_range', 'no matrix in the answer');
    return (data.result as Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }>).map((r) => ({
      labels: r.metric ?? {},
      samples: (r.values ?? []).map(([t, v]) => ({ t: Number(t), v: parseSampleValue(v) })),
    }));
  }

  public async alerts(): Promise<PromAlert[]> {
    const data = (await this.call('/api/v1/alerts')) as { alerts?: unknown };
    if (!Array.isArray(data?.alerts)) throw this.protocol('/api/v1/alerts', 'no alerts list in the answer');
    return (data.alerts as Array<Record<string, unknown>>).map(toAlert);
  }

  public async rules(): Promise<PromRuleGroupStatus[]> {
    const data = (await this.call('/api/v1/rules')) as { groups?: unknown };
    if (!Array.isArray(data?.groups)) throw this.protocol('/api/v1/rules', 'no rule groups in the answer');
    return (data.groups as Array<Record<string, unknown>>).map((g) => ({
      name: String(g.name ?? ''),
      file: String(g.file ?? ''),
      rules: (Array.isArray(g.rules) ? (g.rules as Array<Record<string, unknown>>) : []).map((r) => ({
        type: r.type === 'alerting' ? 'alerting' : 'recording',
        name: String(r.name ?? ''),
        query: String(r.query ?? ''),
        labels: (r.labels as Labels) ?? {},
        health: String(r.health ?? 'unknown'),
        ...(r.lastError ? { lastError: String(r.lastError) } : {}),
        ...(r.state !== undefined ? { state: String(r.state) } : {}),
        ...(Array.isArray(r.alerts) ? { alerts: (r.alerts as Array<Record<string, unknown>>).map(toAlert) } : {}),
      })),
    }));
  }

  public async buildInfo(): Promise<PromBuildInfo> {
    const data = (await this.call('/api/v1/status/buildinfo')) as Record<string, unknown>;
    if (typeof data?.version !== 'string') throw this.protocol('/api/v1/status/buildinfo', 'no version in the answer');
    return { version: data.version, revision: data.revision as string | undefined, goVersion: data.goVersion as string | undefined };
  }

  private protocol(path: string, what: string): PrometheusError {
    return new PrometheusError('protocol', `${this.url}${path} did not answer as the Prometheus API: ${what}`, this.url + path);
  }

  /** One API call; resolves to the envelope's `data`. */
  private async call(path: string, form?: Record<string, string>, expr?: string): Promise<unknown> {
    const target = this.url + path;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(target, {
        method: form ? 'POST' : 'GET',
        headers: { Accept: 'application/json', ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}), ...this.headers },
        body: form ? new URLSearchParams(form).toString() : undefined,
        signal: controller.signal,
      });
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted) {
        throw new PrometheusError('timeout', `Prometheus at ${this.url} did not answer within ${this.timeoutMs / 1000}s (${path})`, target);
      }
      throw new PrometheusError('unreachable', `Prometheus at ${this.url} is unreachable (${causeOf(e)}); check --prometheus-url`, target);
    } finally {
      clearTimeout(timer);
    }
    let body: ApiEnvelope | undefined;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      body = undefined;
    }
    if (body && body.status === 'error') {
      const msg = oneLine(body.error ?? 'unknown error');
      if (expr !== undefined && (body.errorType === 'bad_data' || res.status === 400 || res.status === 422)) {
        throw new PrometheusError('bad_query', `Prometheus rejected the query ${clip(expr, 120)}: ${msg}`, target);
      }
      throw new PrometheusError(
        'http',
        `Prometheus at ${this.url} answered ${res.status} on ${path}: ${body.errorType ? `${body.errorType}: ` : ''}${msg}`,
        target,
      );
    }
    if (!res.ok) {
      throw new PrometheusError(
        'http',
        `Prometheus at ${this.url} answered HTTP ${res.status} on ${path}${text ? `: ${clip(text, 120)}` : ''}`,
        target,
      );
    }
    if (!body || body.status !== 'success') {
      throw new PrometheusError(
        'protocol',
        `${target} did not answer as the Prometheus API (not a JSON success envelope: ${clip(text, 80) || 'empty body'})`,
        target,
      );
    }
    return body.data;
  }
}

function toAlert(a: Record<string, unknown>): PromAlert {
  return {
    labels: (a.labels as Labels) ?? {},
    annotations: (a.annotations as Labels) ?? {},
    state: String(a.state ?? ''),
    ...(a.activeAt ? { activeAt: String(a.activeAt) } : {}),
    ...(a.value !== undefined ? { value: String(a.value) } : {}),
  };
}

function parseInstant(data: { resultType?: string; result?: unknown }, url: string): InstantSample[] {
  if (data?.resultType === 'vector' && Array.isArray(data.result)) {
    return (data.result as Array<{ metric?: Record<string, string>; value?: [number, string] }>).map((r) => ({
      labels: r.metric ?? {},
      t: Number(r.value?.[0] ?? 0),
      v: parseSampleValue(r.value?.[1] ?? 'NaN'),
    }));
  }
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
    const [t, v] = data.result as [number, string];
    return [{ labels: {}, t: Number(t), v: parseSampleValue(v) }];
  }
  throw new PrometheusError(
    'protocol',
    `${url}/api/v1/query answered a ${data?.resultType ?? 'missing'} result; the runtime needs an instant vector or a scalar`,
    url,
  );
}

/** Quotes a label value for a PromQL selector. */
export function promString(v: string): string {
  return JSON.stringify(v);
}

/** A PromQL selector body from exact label matches: `{a="x",b="y"}` (empty string for none). */
export function matchers(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${promString(v)}`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
