/**
 * `cdk8s-resilience sim`: runs in the foreground, prints its kubeconfig, serves kubectl and
 * the CLI, and removes its temporary kubeconfig when stopped.
 */
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import { BIN, kubectlPath, requireBuild, ROOT } from '../support/sim';

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, timeout: 30000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('sim --demo: kubectl and backup report see the same backups; Ctrl-C stops it and removes the kubeconfig', async () => {
  requireBuild();
  const kubectl = kubectlPath();
  const child = spawn(process.execPath, [BIN, 'sim', '--demo', '--fault', 'backup-partially-failed'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20000;
    while (!/kubeconfig: (\S+)/.test(out)) {
      if (Date.now() > deadline) throw new Error(`sim did not print its kubeconfig: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(out.split('\n')[0]).toMatch(/^simulated cluster \(not a real one\) listening on http:\/\/127\.0\.0\.1:\d+$/);
    const kubeconfig = /kubeconfig: (\S+)/.exec(out)![1];
    expect(fs.existsSync(kubeconfig)).toBe(true);
    const [k, report] = await Promise.all([
      run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'backups.velero.io', '-A', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name']),
      run(process.execPath, [BIN, 'backup', 'list', '--kubeconfig', kubeconfig, '--format', 'json']),
    ]);
    expect(k.code).toBe(0);
    expect(report.code).toBe(0);
    const fromReport = (JSON.parse(report.stdout) as { sections: Array<{ tables: Array<{ rows: string[][] }> }> }).sections[0].tables[0].rows
      .map((r) => r[0])
      .sort();
    expect(k.stdout.trim().split('\n').sort()).toEqual(fromReport);
    expect(fromReport.length).toBe(12);
    // The fault given on the command line applies to the next backup.
    const created = await run(process.execPath, [
      BIN,
      'backup',
      'create',
      'faulty',
      '-n',
      'shop',
      '--wait',
      '--kubeconfig',
      kubeconfig,
      '--format',
      'json',
    ]);
    expect(created.code).toBe(1);
    expect(created.stdout).toContain('phase PartiallyFailed: 2 errors');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(fs.existsSync(kubeconfig)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('sim --demo --dr-cluster: one kubeconfig with two clusters over one object store; a failover drill runs between them', async () => {
  requireBuild();
  const child = spawn(process.execPath, [BIN, 'sim', '--demo', '--dr-cluster'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20000;
    while (!/kubeconfig: (\S+)/.test(out)) {
      if (Date.now() > deadline) throw new Error(`sim did not print its kubeconfig: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(out.split('\n')[1]).toBe('second simulated cluster (context cdk8s-resilience-sim-dr, sharing the object store) in the same kubeconfig');
    const kubeconfig = /kubeconfig: (\S+)/.exec(out)![1];
    const journal = `${kubeconfig}.journal.json`;
    const r = await run(process.execPath, [
      BIN,
      'dr',
      'drill',
      '--namespaces',
      'team-alpha',
      '--yes',
      '--kubeconfig',
      kubeconfig,
      '--target-context',
      'cdk8s-resilience-sim-dr',
      '--journal',
      journal,
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { verdict: string; sections: Array<{ checks: Array<{ id: string; status: string }> }> };
    expect(
      report.sections
        .flatMap((s) => s.checks)
        .filter((c) => c.id === 'dr.drill.target' || c.id.startsWith('dr.drill.backup-sync/'))
        .map((c) => c.status),
    ).toEqual(['passed', 'passed']);
    expect(report.verdict).toBe('passed');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
