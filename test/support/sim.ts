/**
 * Test helpers for the runtime: a simulated cluster on 127.0.0.1 (a free port) with its
 * kubeconfig in a temporary directory, torn down after; and the CLI run as a separate
 * process (`node bin/cdk8s-resilience ...`, on the build in lib/) the way a user runs it, so
 * every command goes through the real @kubernetes/client-node adapter.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SimulatedCluster, SimulatedClusterOptions } from '../../src/runtime/sim/cluster';
import { seedBackupScenario } from '../../src/runtime/sim/scenarios';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'cdk8s-resilience');

/** Fast controllers for tests: a Backup goes through its phases in ~100ms. */
export const FAST = { phaseMs: 20, podReadyMs: 30, namespaceDeleteMs: 20, backupSyncMs: 40 };

/** Starts a simulated cluster (optionally seeded with the demo scenario). Stop it with `sim.stop()`. */
export async function startSim(options: SimulatedClusterOptions & { seed?: boolean } = {}): Promise<SimulatedCluster> {
  const sim = new SimulatedCluster({ timing: FAST, ...options });
  await sim.start();
  if (options.seed) await seedBackupScenario(sim);
  return sim;
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Fails with a build hint when lib/ is missing (npm test builds first). */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js')))
    throw new Error('the CLI is not built: run `npm run build` (npm test does) before this suite');
}

/** Runs the CLI as a separate process; never rejects. */
export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, KUBECONFIG: '', ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 60000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * One long-lived Node process that loads the built CLI once and runs `main(argv)` for each
 * request (JSON lines on stdin/stdout), so a suite pays the client-node start-up once.
 * Each run gets its own stdout/stderr capture and exit code, exactly as `main` returns them.
 */
class CliDriver {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (r: Run) => void>();
  private next = 0;
  private buffer = '';

  constructor() {
    const script = `
      const cli = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'runtime', 'cli.js'))});
      const rl = require('readline').createInterface({ input: process.stdin });
      rl.on('line', async (line) => {
        const { id, args } = JSON.parse(line);
        let stdout = '', stderr = '';
        let code;
        try {
          code = await cli.main(args, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
        } catch (e) {
          code = 99; stderr += 'driver: ' + (e && e.stack || e);
        }
        process.stdout.write(JSON.stringify({ id, code, stdout, stderr }) + '\\n');
      });`;
    this.child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const msg = JSON.parse(line) as Run & { id: number };
        this.pending.get(msg.id)?.({ code: msg.code, stdout: msg.stdout, stderr: msg.stderr });
        this.pending.delete(msg.id);
      }
    });
  }

  run(args: readonly string[]): Promise<Run> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, args })}\n`);
    });
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}

let driver: CliDriver | undefined;
afterAll(() => {
  driver?.stop();
  driver = undefined;
});

/** Runs the CLI's main() against a simulated cluster (in the suite's CLI process; see CliDriver). */
export function cliOn(sim: SimulatedCluster, args: readonly string[]): Promise<Run> {
  driver ??= new CliDriver();
  return driver.run([...args, '--kubeconfig', sim.kubeconfig, '--quiet']);
}

export function stderrLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** The kubectl binary, or an error with an install hint (tests that need it fail, never skip). */
export function kubectlPath(): string {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    throw new Error(
      'kubectl is not installed: install it (https://kubernetes.io/docs/tasks/tools/ or apt-get install kubectl) to run the kubectl-against-the-simulation tests',
    );
  }
}

/** Runs kubectl against the simulation; never rejects. */
export function kubectl(sim: SimulatedCluster, args: readonly string[], timeoutMs = 20000): Promise<Run> {
  const bin = kubectlPath();
  return new Promise((resolve) => {
    execFile(
      bin,
      ['--kubeconfig', sim.kubeconfig, ...args],
      { timeout: timeoutMs, env: { ...process.env, KUBECONFIG: '' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Calls the simulated API server over HTTP (in-process tests of the sim itself). */
export async function api(
  sim: SimulatedCluster,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${p}`, {
    method,
    headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
