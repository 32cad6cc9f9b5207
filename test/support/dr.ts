/**
 * Helpers of the DR suites: the CLI as a child process that a test can signal or kill, JSON
 * reports validated against docs/report.schema.json, checks by id, the state of an
 * application namespace in the simulation (to show nothing was lost), and the requests that
 * changed something.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIGMAPS, DEPLOYMENTS, NAMESPACES, PODS, PVCS, SECRETS, SERVICES } from '../../src/runtime/cluster/resources';
import { Check, Report } from '../../src/runtime/report/model';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { BIN, ROOT, Run } from './sim';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require('ajv') as typeof import('ajv').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'report.schema.json'), 'utf8')) as object);

/** Parses a JSON report and checks it against the schema. */
export function reportOf(r: Run): Report {
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  }
  expect(validate(report) ? [] : validate.errors).toEqual([]);
  return report;
}

/** Every check of a report by id. */
export function checksOf(report: Report): Record<string, Check> {
  return Object.fromEntries(report.sections.flatMap((s) => s.checks).map((c) => [c.id, c]));
}

/** Every note of a report. */
export function notesOf(report: Report): string[] {
  return report.sections.flatMap((s) => s.notes ?? []);
}

/** A fresh temporary directory (removed by the OS; tests remove what they can). */
export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-resilience-dr-test-'));
}

/** What an application namespace holds, as names and ready counts (equal before and after means nothing was lost). */
export function appState(sim: SimulatedCluster, ns: string): Record<string, unknown> {
  const names = (t: typeof DEPLOYMENTS): string[] =>
    sim.store
      .list(t, ns)
      .map((o) => o.metadata.name)
      .sort();
  if (!sim.store.get(NAMESPACES, undefined, ns)) return { exists: false };
  return {
    exists: true,
    deployments: sim.store
      .list(DEPLOYMENTS, ns)
      .map(
        (d) =>
          `${d.metadata.name} ${Number((d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0)}/${Number((d.spec as { replicas?: number }).replicas ?? 1)}`,
      )
      .sort(),
    services: names(SERVICES),
    configmaps: names(CONFIGMAPS),
    secrets: names(SECRETS),
    pvcs: names(PVCS),
    readyPods: sim.store.list(PODS, ns).filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length,
  };
}

/** Requests that changed something (not GET), optionally only those whose path contains `part`. */
export function writes(sim: SimulatedCluster, part = ''): string[] {
  return sim.server.requests.filter((r) => !r.startsWith('GET ') && r.includes(part));
}

/** A CLI process a test can signal; `done` resolves with its output and exit code. */
export interface Child {
  readonly process: ChildProcess;
  readonly done: Promise<Run & { readonly signal: NodeJS.Signals | null }>;
}

/** Starts the CLI as a separate process (as a user runs it). */
export function spawnCli(args: readonly string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, KUBECONFIG: '', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? -1, stdout, stderr, signal })),
  );
  return { process: child, done };
}

/** Resolves when `check` holds for the journal file, watching its directory (no polling loop). */
export function whenJournal(
  file: string,
  check: (j: { state: string } & Record<string, unknown>) => boolean,
  timeoutMs = 20000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const test = (): boolean => {
      try {
        const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { state: string } & Record<string, unknown>;
        if (check(j)) {
          watcher.close();
          clearTimeout(timer);
          resolve(j);
          return true;
        }
      } catch {
        // not written yet, or mid-rename
      }
      return false;
    };
    const watcher = fs.watch(dir, () => test());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`the journal ${file} did not reach the expected state in ${timeoutMs}ms`));
    }, timeoutMs);
    test();
  });
}
