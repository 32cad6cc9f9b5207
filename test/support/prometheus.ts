/**
 * A harness for the real Prometheus server in tests: starts the `prometheus` binary on
 * 127.0.0.1 (a free port, a temporary data directory, 1s scrape and rule evaluation by
 * default) through the runtime's own launcher (src/runtime/sim/local-prometheus), scraping
 * the given targets and loading the given rule files; waits for readiness; stops it.
 *
 * The binary is required. When it is missing, starting throws (the tests fail, never skip)
 * with the way to install it: `apt-get install prometheus` (Debian/Ubuntu), which CI does.
 * `PROMETHEUS_KEEP_FILES=1` keeps the config, rules and data of each run.
 */
import {
  findPrometheusBinary,
  freePort,
  LocalPrometheus,
  LocalPrometheusOptions,
  prometheusBinaryVersion,
  ScrapeJob,
  startLocalPrometheus,
} from '../../src/runtime/sim/local-prometheus';

export { freePort, ScrapeJob };

/** Options of {@link startPrometheus}. */
export type PrometheusServerOptions = Omit<LocalPrometheusOptions, 'binary' | 'keepFiles'>;

/** A running Prometheus. */
export type PrometheusServer = LocalPrometheus;

/**
 * Finds the prometheus binary: `PROMETHEUS`, else the first `prometheus` on `PATH`.
 * Throws with the way to install it when there is none.
 */
export function findPrometheus(env: Readonly<Record<string, string | undefined>>): string {
  const bin = findPrometheusBinary(env);
  if (bin) return bin;
  throw new Error(
    'prometheus was not found (looked at $PROMETHEUS and every directory of $PATH). ' +
      'These tests run the real Prometheus server: install it (apt-get install prometheus), or set PROMETHEUS to its path.',
  );
}

/** The first line of `prometheus --version` (e.g. `prometheus, version 2.42.0+ds ...`). */
export function prometheusVersion(bin: string = findPrometheus(process.env)): string {
  return prometheusBinaryVersion(bin);
}

/** Starts Prometheus and waits until it is ready; throws (with the install hint when the binary is missing). */
export async function startPrometheus(o: PrometheusServerOptions = {}): Promise<PrometheusServer> {
  return startLocalPrometheus({ ...o, binary: findPrometheus(process.env), keepFiles: Boolean(process.env.PROMETHEUS_KEEP_FILES) });
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
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
