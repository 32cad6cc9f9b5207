/**
 * The command tree and bad input: per-subcommand help, shared global flags, and every kind
 * of bad input (unknown flags, bad durations, missing kubeconfig, unreachable server,
 * unknown context, 401/403) as one line on stderr, exit code 2, nothing changed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VELERO_BACKUPS, VELERO_DELETE_REQUESTS } from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { cli, cliOn, requireBuild, startSim, stderrLines } from '../support/sim';

let tmp: string;
let sim: SimulatedCluster;
beforeAll(async () => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-cli-'));
  sim = await startSim({ seed: true });
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function mutations(): string[] {
  return sim.server.requests.filter((r) => !r.startsWith('GET '));
}

describe('help', () => {
  test('each subcommand has its own help with its own flags and the global flags', async () => {
    const [create, fresh, top, backup] = await Promise.all([
      cli(['backup', 'create', '--help']),
      cli(['backup', 'freshness', '--help']),
      cli(['--help']),
      cli(['backup', '--help']),
    ]);
    for (const r of [create, fresh, top, backup]) expect(r.code).toBe(0);
    expect(create.stdout).toMatch(/^Usage: cdk8s-resilience backup create \[options\] \[name\]/);
    for (const flag of [
      '--include-namespaces',
      '--from-schedule',
      '--ttl',
      '--wait',
      '--kubeconfig',
      '--context',
      '-n, --namespace',
      '--velero-namespace',
      '--output',
      '--format',
      '--quiet',
      '--no-color',
      '--demo',
    ])
      expect(create.stdout).toContain(flag);
    expect(create.stdout).not.toContain('--max-age');
    expect(fresh.stdout).toContain('--max-age <duration>');
    expect(fresh.stdout).not.toContain('--include-namespaces');
    expect(top.stdout).toMatch(/\n  backup +Velero backups/);
    expect(top.stdout).toMatch(/\n  sim +run a simulated cluster/);
    for (const sub of ['create', 'list', 'validate', 'freshness', 'cleanup', 'report']) expect(backup.stdout).toMatch(new RegExp(`\\n  ${sub} +`));
  });

  test('no arguments: the usage, exit 2; --version prints the package version', async () => {
    const [none, version] = await Promise.all([cli([]), cli(['--version'])]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/^Usage: cdk8s-resilience/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version,
    );
  });
});

describe('bad input: one line on stderr, exit 2, no output', () => {
  test.each([
    [['backup', 'list', '--bogus'], "cdk8s-resilience backup list: unknown option '--bogus' (see cdk8s-resilience backup list --help)"],
    [['backup', 'frobnicate'], "cdk8s-resilience backup: unknown command 'frobnicate'; run cdk8s-resilience backup --help for the list"],
    [['nope'], "cdk8s-resilience: unknown command 'nope'; run cdk8s-resilience --help for the list"],
    [
      ['backup', 'list', '--format', 'yaml'],
      "cdk8s-resilience backup list: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, markdown, json, junit (see cdk8s-resilience backup list --help)",
    ],
    [
      ['backup', 'freshness', '--max-age', '1x', '--kubeconfig', '/nonexistent/kubeconfig'],
      'cdk8s-resilience backup freshness: kubeconfig /nonexistent/kubeconfig does not exist; pass --kubeconfig with an existing file (cdk8s-resilience sim prints one)',
    ],
    [
      ['backup', 'list', '--kubeconfig', '/nonexistent/kubeconfig'],
      'cdk8s-resilience backup list: kubeconfig /nonexistent/kubeconfig does not exist; pass --kubeconfig with an existing file (cdk8s-resilience sim prints one)',
    ],
    [
      ['backup', 'list', '--demo', '--kubeconfig', '/x'],
      'cdk8s-resilience backup list: --demo runs against its own simulated cluster; leave out --kubeconfig and --context',
    ],
    [
      ['backup', 'list', '--timeout', 'soon'],
      'cdk8s-resilience backup list: --timeout "soon" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m',
    ],
    [
      ['sim', '--fault', 'meteor'],
      'cdk8s-resilience sim: unknown fault "meteor"; known: backup-failed, backup-partially-failed, restore-stuck, restore-partially-failed, storage-unavailable, api-5xx, api-429, drop-watches, watch-gone, slow-controllers, backup-omits-namespace=NS',
    ],
  ])('%j', async (args, line) => {
    const r = await cli(args);
    expect(stderrLines(r)).toEqual([line]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  test('bad durations against a cluster: nothing is changed', async () => {
    const before = sim.snapshot([VELERO_BACKUPS, VELERO_DELETE_REQUESTS]);
    const runs = await Promise.all([
      cliOn(sim, ['backup', 'freshness', '--max-age', '1x']),
      cliOn(sim, ['backup', 'create', 'x', '--ttl', '1x']),
      cliOn(sim, ['backup', 'cleanup', '--older-than', '1x', '--yes']),
      cliOn(sim, ['backup', 'cleanup', '--yes']),
      cliOn(sim, ['backup', 'report', '--older-than', '30 days']),
    ]);
    expect(runs.map((r) => stderrLines(r))).toEqual([
      ['cdk8s-resilience backup freshness: --max-age "1x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m'],
      ['cdk8s-resilience backup create: --ttl "1x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m'],
      ['cdk8s-resilience backup cleanup: --older-than "1x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m'],
      ['cdk8s-resilience backup cleanup: --older-than is required (e.g. --older-than 30d)'],
      ['cdk8s-resilience backup report: --older-than "30 days" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m'],
    ]);
    expect(runs.map((r) => [r.code, r.stdout])).toEqual(runs.map(() => [2, '']));
    expect(mutations()).toEqual([]);
    expect(sim.snapshot([VELERO_BACKUPS, VELERO_DELETE_REQUESTS])).toBe(before);
  });

  test('an unreachable server names the server and the context', async () => {
    const dead = await startSim();
    const kubeconfig = path.join(tmp, 'dead-kubeconfig');
    fs.copyFileSync(dead.kubeconfig, kubeconfig);
    const url = dead.url;
    await dead.stop();
    const r = await cli(['backup', 'list', '--kubeconfig', kubeconfig]);
    expect(stderrLines(r)).toEqual([
      `cdk8s-resilience backup list: cannot reach the Kubernetes API at ${url} (context cdk8s-resilience-sim): connection refused`,
    ]);
    expect(r.code).toBe(2);
  });

  test('a context that is not in the kubeconfig', async () => {
    const r = await cli(['backup', 'list', '--kubeconfig', sim.kubeconfig, '--context', 'prod-eu']);
    expect(stderrLines(r)).toEqual([
      'cdk8s-resilience backup list: context "prod-eu" is not in the kubeconfig (it has: cdk8s-resilience-sim); pass --context with one of them',
    ]);
    expect(r.code).toBe(2);
  });

  test('rejected credentials (401)', async () => {
    const kubeconfig = path.join(tmp, 'bad-token');
    fs.writeFileSync(kubeconfig, fs.readFileSync(sim.kubeconfig, 'utf8').replace(/token: \w+/, 'token: wrong'));
    const r = await cli(['backup', 'list', '--kubeconfig', kubeconfig]);
    expect(stderrLines(r)).toEqual([
      `cdk8s-resilience backup list: unauthorized at ${sim.url} (context cdk8s-resilience-sim): the credentials were rejected; refresh them in the kubeconfig`,
    ]);
    expect(r.code).toBe(2);
  });

  test('403 from the API names the missing RBAC verb and resource; nothing changed', async () => {
    const before = sim.snapshot([VELERO_BACKUPS]);
    sim.faults.forbidden.push({ verb: 'list', resource: 'backups.velero.io' }, { verb: 'create', resource: 'backups.velero.io' });
    try {
      const [list, create] = await Promise.all([cliOn(sim, ['backup', 'list']), cliOn(sim, ['backup', 'create', 'not-allowed', '-n', 'shop'])]);
      expect(stderrLines(list)).toEqual([
        'cdk8s-resilience backup list: forbidden: RBAC does not allow verb "list" on resource "backups.velero.io" in namespace velero (context cdk8s-resilience-sim); grant it with a Role/ClusterRole: backups.velero.io is forbidden: User "sim-user" cannot list resource "backups" in API group "velero.io" in the namespace "velero"',
      ]);
      expect(stderrLines(create)).toEqual([
        'cdk8s-resilience backup create: forbidden: RBAC does not allow verb "create" on resource "backups.velero.io" in namespace velero (context cdk8s-resilience-sim); grant it with a Role/ClusterRole: backups.velero.io is forbidden: User "sim-user" cannot create resource "backups" in API group "velero.io" in the namespace "velero"',
      ]);
      expect([list.code, create.code, list.stdout, create.stdout]).toEqual([2, 2, '', '']);
      expect(sim.snapshot([VELERO_BACKUPS])).toBe(before);
    } finally {
      sim.faults.forbidden.length = 0;
    }
  });
});

describe('--demo', () => {
  test('backup report --demo: a fresh, a stale and a partially failed backup with their verdicts; exit 1', async () => {
    const r = await cli(['backup', 'report', '--demo', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe(
      '*** SIMULATION: this report comes from the simulated cluster (cdk8s-resilience sim), not from a real cluster. ***',
    );
    expect(out).toMatch(/\[PASS\] schedule daily-shop has a fresh Completed backup/);
    expect(out).toMatch(
      /\[FAIL\] schedule hourly-payments has a fresh Completed backup\n {6}last Completed backup hourly-payments-\d{14} finished 29h ago/,
    );
    expect(out).toMatch(
      /\[FAIL\] backup twice-daily-analytics-\d{14} is complete and restorable\n {6}phase PartiallyFailed: 3 errors, 1 warning; 5 of 8 items backed up, so 3 are missing from it/,
    );
    expect(out).toMatch(/\[PASS\] backup daily-shop-\d{14} is complete and restorable/);
    expect(out).toMatch(/verdict: FAILED \(8 checks: 4 passed, 4 failed, 0 undecided, 0 skipped\) \[simulated\]\n$/);
  });
});
