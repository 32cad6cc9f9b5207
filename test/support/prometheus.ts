/**
 * A harness for the real Prometheus server: starts the `prometheus` binary on 127.0.0.1 (a
 * free port, a temporary data directory, 1s scrape and rule evaluation by default),
 * scraping the given targets and loading the given rule files; waits until it is ready;
 * stops it and removes its files.
 *
 * The binary is required. When it is missing, starting throws (the tests fail, never skip)
 * with the way to install it: `apt-get install prometheus` (Debian/Ubuntu), which CI does.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

/** One scrape job. */
export interface ScrapeJob {
  /** The job name (the `job` label of its series). */
  readonly job: string;
  /** `host:port` targets. */
  readonly targets: readonly string[];
  /** @default "/metrics" */
  readonly metricsPath?: string;
}

/** Options of {@link startPrometheus}. */
export interface PrometheusServerOptions {
  readonly scrape?: readonly ScrapeJob[];
  /** Rule files: name → YAML text (a Prometheus rules file). @default {} */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** @default "1s" */
  readonly scrapeInterval?: string;
  /** @default "1s" */
  readonly evaluationInterval?: string;
  /** How long to wait for `/-/ready`, in ms. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The first line of `prometheus --version`. */
  readonly version: string;
  readonly dir: string;
  /** What the server logged so far (for assertion messages). */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5s) and removes its files; safe to call twice. */
  stop(): Promise<void>;
  /** Whether the process is still running. */
  running(): boolean;
}

/**
 * Finds the prometheus binary: `PROMETHEUS`, else the first `prometheus` on `PATH`.
 * Throws with the way to install it when there is none.
 */
export function findPrometheus(env: Readonly<Record<string, string | undefined>>): string {
  const candidates = [env.PROMETHEUS, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'prometheus'))];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  throw new Error(
    'prometheus was not found (looked at $PROMETHEUS and every directory of $PATH). ' +
      'These tests run the real Prometheus server: install it (apt-get install prometheus), or set PROMETHEUS to its path.',
  );
}

/** The first line of `prometheus --version` (e.g. `prometheus, version 2.42.0+ds ...`). */
export function prometheusVersion(bin: string = findPrometheus(process.env)): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0].trim();
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The prometheus.yml for the options (rule files relative to the config's directory). */
export function prometheusConfigYaml(o: PrometheusServerOptions): string {
  return YAML.stringify({
    global: { scrape_interval: o.scrapeInterval ?? '1s', evaluation_interval: o.evaluationInterval ?? '1s', scrape_timeout: o.scrapeInterval ?? '1s' },
    rule_files: Object.keys(o.ruleFiles ?? {}),
    scrape_configs: (o.scrape ?? []).map((j) => ({ job_name: j.job, metrics_path: j.metricsPath ?? '/metrics', static_configs: [{ targets: [...j.targets] }] })),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts Prometheus and waits until it is ready; throws with its log when it does not get there. */
export async function startPrometheus(o: PrometheusServerOptions = {}): Promise<PrometheusServer> {
  const bin = findPrometheus(process.env);
  const version = prometheusVersion(bin);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-'));
  for (const [name, text] of Object.entries(o.ruleFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), prometheusConfigYaml(o));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(killer);
    }
    if (!process.env.PROMETHEUS_KEEP_FILES) fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`prometheus exited before it was ready (${version}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready at ${url} within ${(o.readyTimeoutMs ?? 30000) / 1000}s:\n${log}`);
    }
    await sleep(100);
  }
  return { url, version, dir, logs: () => log, stop, running: () => !exited };
}

/** Polls `fn` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs` naming `what`. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(intervalMs);
  }
}
