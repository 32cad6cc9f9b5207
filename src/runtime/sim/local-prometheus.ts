/**
 * A local Prometheus server for the demo and the tests: the real `prometheus` binary on
 * 127.0.0.1 (a free port, a temporary data directory, 1s scrape and rule evaluation by
 * default), scraping the given targets and loading the given rule files. Started, waited
 * for until ready, stopped and cleaned up.
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

/** Options of {@link startLocalPrometheus}. */
export interface LocalPrometheusOptions {
  /** What to scrape. @default [] */
  readonly scrape?: readonly ScrapeJob[];
  /** Rule files: name → YAML text (a Prometheus rules file). @default {} */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** @default "1s" */
  readonly scrapeInterval?: string;
  /** @default "1s" */
  readonly evaluationInterval?: string;
  /** How long to wait for `/-/ready`, in ms. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** The binary. @default the first `prometheus` on PATH (see {@link findPrometheusBinary}) */
  readonly binary?: string;
  /** Keep the data directory after stopping (to look at what Prometheus saw). @default false */
  readonly keepFiles?: boolean;
}

/** A running local Prometheus. */
export interface LocalPrometheus {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The first line of `prometheus --version`. */
  readonly version: string;
  /** Its config, rules and data. */
  readonly dir: string;
  /** What the server logged so far. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5s) and removes its files; safe to call twice. */
  stop(): Promise<void>;
  /** Whether the process is still running. */
  running(): boolean;
}

/** The install hint for a missing binary. */
export const PROMETHEUS_INSTALL_HINT = 'install it (apt-get install prometheus on Debian/Ubuntu), or set PROMETHEUS to its path';

/** The prometheus binary from `PROMETHEUS`, else the first `prometheus` on `PATH`; undefined when there is none. */
export function findPrometheusBinary(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const candidates = [
    env.PROMETHEUS,
    ...(env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, 'prometheus')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The first line of `prometheus --version` (e.g. `prometheus, version 2.42.0+ds ...`). */
export function prometheusBinaryVersion(bin: string): string {
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
export function prometheusConfigYaml(o: LocalPrometheusOptions): string {
  return YAML.stringify({
    global: {
      scrape_interval: o.scrapeInterval ?? '1s',
      evaluation_interval: o.evaluationInterval ?? '1s',
      scrape_timeout: o.scrapeInterval ?? '1s',
    },
    rule_files: Object.keys(o.ruleFiles ?? {}),
    scrape_configs: (o.scrape ?? []).map((j) => ({
      job_name: j.job,
      metrics_path: j.metricsPath ?? '/metrics',
      static_configs: [{ targets: [...j.targets] }],
    })),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts Prometheus and waits until it is ready; throws with its log when it does not get there. */
export async function startLocalPrometheus(o: LocalPrometheusOptions = {}): Promise<LocalPrometheus> {
  const bin = o.binary ?? findPrometheusBinary();
  if (!bin) throw new Error(`prometheus was not found (looked at $PROMETHEUS and every directory of $PATH): ${PROMETHEUS_INSTALL_HINT}`);
  const version = prometheusBinaryVersion(bin);
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
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(killer);
    }
    if (!o.keepFiles) fs.rmSync(dir, { recursive: true, force: true });
  };
  const timeout = o.readyTimeoutMs ?? 30000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`prometheus exited before it was ready (${version}): ${log.trim().split('\n').pop() ?? ''}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready at ${url} within ${timeout / 1000}s: ${log.trim().split('\n').pop() ?? ''}`);
    }
    await sleep(100);
  }
  return { url, version, dir, logs: () => log, stop, running: () => !exited };
}
