/**
 * Starts the real `prometheus` binary for the demo (`--demo`): on 127.0.0.1, a free port, a
 * temporary data directory, a short scrape and rule evaluation interval, scraping the
 * simulated demo app and loading the SLO rules. Stops it and removes its files.
 *
 * The runtime does not ship Prometheus: the demo uses the one on the PATH (or `$PROMETHEUS`),
 * and says so when there is none.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

/** Options of {@link launchPrometheus}. */
export interface LaunchPrometheusOptions {
  /** Scrape jobs: job name → `host:port` targets. */
  readonly scrape: Readonly<Record<string, readonly string[]>>;
  /** Rule files: file name → YAML text. @default {} */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** @default "1s" */
  readonly interval?: string;
  /** How long to wait until it is ready, in ms. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** A Prometheus started by {@link launchPrometheus}. */
export interface LaunchedPrometheus {
  readonly url: string;
  /** The first line of `prometheus --version`. */
  readonly version: string;
  stop(): Promise<void>;
}

/** The prometheus binary ($PROMETHEUS, else the first on PATH), or undefined when there is none. */
export function prometheusBinary(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus and resolves once `/-/ready` answers; rejects with its log when it does not start. */
export async function launchPrometheus(bin: string, o: LaunchPrometheusOptions): Promise<LaunchedPrometheus> {
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10000 });
  const version = `${v.stdout ?? ''}${v.stderr ?? ''}`.split('\n')[0].trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-resilience-prometheus-'));
  for (const [name, text] of Object.entries(o.ruleFiles ?? {})) fs.writeFileSync(path.join(dir, name), text);
  const interval = o.interval ?? '1s';
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    YAML.stringify({
      global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
      rule_files: Object.keys(o.ruleFiles ?? {}),
      scrape_configs: Object.entries(o.scrape).map(([job, targets]) => ({ job_name: job, static_configs: [{ targets: [...targets] }] })),
    }),
  );
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
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`prometheus exited before it was ready: ${log.split('\n').filter(Boolean).pop() ?? 'no output'}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready at ${url} within ${(o.readyTimeoutMs ?? 30000) / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, version, stop };
}
