/**
 * The non-destructive restore test: restore a backup into temporary `restore-test-<random>`
 * namespaces (Velero's `namespaceMapping`), wait for its deployments to be Ready and its
 * services to have endpoints, measure the time from the Restore's creation to the last
 * workload Ready, compare the object counts with the backup's resource list, and always
 * remove the temporary namespaces and the Restore: after a pass, a failure, a timeout or an
 * interrupt (SIGINT/SIGTERM, given as an AbortSignal).
 */
import { backupResourceList, BackupView, listBackups, namespacesIn, OperationError } from '../backup/operations';
import { NAMESPACES, VELERO_RESTORES } from '../cluster/resources';
import { Cluster } from '../cluster/types';
import { waitForDeletion } from '../cluster/wait';
import { Check, Report, Section } from '../report/model';
import { Clock } from '../sim/clock';
import {
  buildReport,
  clusterIsSimulated,
  DR_RUN_LABEL,
  listText,
  namespaceProblem,
  plural,
  protectedNamespaces,
  randomSuffix,
  secs,
  stamp,
  toSeconds,
} from './common';
import { keepHistory } from './drill';
import { inventory, inventoryTable, NamespaceInventory } from './inventory';
import { RecoveryResult, RecoveryWatch, ReadyMark } from './recovery';
import { createRestore, readRestoreResults, restoreSummary, resultLines, RestoreView, waitForRestore } from './restore';

/** Options of {@link runDrRestoreTest}. */
export interface DrRestoreTestOptions {
  /** The backup to restore. @default - the newest Completed backup */
  readonly backupName?: string;
  /** Only these of the backup's namespaces. @default - every namespace in the backup that is not protected */
  readonly namespaces?: readonly string[];
  /** The RTO target, in seconds. @default 600 */
  readonly rtoTargetSeconds?: number;
  /** Print the plan only; change nothing. @default false */
  readonly dryRun?: boolean;
  /** Velero's namespace. @default 'velero' */
  readonly veleroNamespace?: string;
  /** Chaos Mesh's namespace (never restored). @default 'chaos-mesh' */
  readonly chaosNamespace?: string;
  /** More namespaces never to restore. @default - none */
  readonly protect?: readonly string[];
  /** How long each wait may take, in milliseconds. @default 600000 */
  readonly timeoutMs?: number;
  /** Fires on SIGINT/SIGTERM: the test stops and cleans up. @default - none */
  readonly signal?: AbortSignal;
  /** Progress lines. @default - none */
  readonly onProgress?: (text: string) => void;
  /** Keep the report in the history ConfigMap. @default true */
  readonly history?: boolean;
}

/** Kinds whose counts are compared with the backup's resource list. */
const COUNTED: ReadonlyArray<readonly [string, string]> = [
  ['apps/v1/Deployment', 'deployments'],
  ['v1/Service', 'services'],
  ['v1/PersistentVolumeClaim', 'pvcs'],
  ['v1/ConfigMap', 'configmaps'],
  ['v1/Secret', 'secrets'],
  ['v1/Pod', 'pods'],
];

function inNamespace(list: Readonly<Record<string, readonly string[]>>, key: string, ns: string): string[] {
  return (list[key] ?? []).filter((i) => i.startsWith(`${ns}/`)).map((i) => i.slice(ns.length + 1));
}

/** Picks the backup: the named one, else the newest Completed. */
function chooseBackup(backups: readonly BackupView[], name: string | undefined, veleroNamespace: string): BackupView | undefined {
  if (name !== undefined) {
    const b = backups.find((x) => x.name === name);
    if (!b)
      throw new OperationError(
        `--backup-name: backup "${name}" not found in namespace ${veleroNamespace}; list them with cdk8s-resilience backup list`,
      );
    if (b.phase !== 'Completed' && b.phase !== 'PartiallyFailed')
      throw new OperationError(
        `--backup-name: backup "${name}" is in phase ${b.phase}; only a Completed (or PartiallyFailed) backup can be restored`,
      );
    return b;
  }
  return backups.find((b) => b.phase === 'Completed');
}

/** Runs a restore test (or, with `dryRun`, plans one) and returns its report. */
export async function runDrRestoreTest(cluster: Cluster, clock: Clock, options: DrRestoreTestOptions = {}): Promise<Report> {
  const veleroNamespace = options.veleroNamespace ?? 'velero';
  const rtoTarget = options.rtoTargetSeconds ?? 600;
  if (!(rtoTarget > 0)) throw new OperationError('the RTO target must be more than zero seconds');
  const timeoutMs = options.timeoutMs ?? 10 * 60 * 1000;
  const guarded = protectedNamespaces(veleroNamespace, options.chaosNamespace ?? 'chaos-mesh', options.protect);
  for (const n of options.namespaces ?? []) {
    const p = namespaceProblem(n);
    if (p) throw new OperationError(`--namespaces: ${p}`);
  }
  const simulated = await clusterIsSimulated(cluster);
  const title = (b?: string): string => `Restore test${b ? ` of backup ${b}` : ''}`;
  const backups = await listBackups(cluster, veleroNamespace);
  const backup = chooseBackup(backups, options.backupName, veleroNamespace);
  if (!backup) {
    const phases = [...new Set(backups.map((b) => b.phase))];
    return buildReport('dr restore-test', title(), cluster, simulated, clock, [
      {
        title: 'Plan',
        checks: [
          {
            id: 'dr.restore-test.backup',
            title: 'there is a Completed backup to restore',
            status: 'failed',
            evidence: [
              backups.length
                ? `${plural(backups.length, 'backup')} in namespace ${veleroNamespace}, none Completed (${phases.join(', ')})`
                : `no backups in namespace ${veleroNamespace}`,
            ],
            fix: 'find out why the backups fail (cdk8s-resilience backup report), then take one',
          },
        ],
      },
    ]);
  }

  // Which namespaces: the backup's (claimed, or read from its resource list), minus protected ones.
  const claimed = backup.includedNamespaces.filter((n) => n !== '*');
  const wildcard = claimed.length === 0;
  let list: Record<string, string[]> | undefined;
  if (!options.dryRun) list = await backupResourceList(cluster, veleroNamespace, backup.name, Math.min(timeoutMs, 60000));
  const contents = list ? [...namespacesIn(list)].sort() : undefined;
  let sources = (contents ?? claimed).filter((n) => !guarded.includes(n) && (wildcard || claimed.includes(n)));
  if (options.namespaces?.length) {
    const outside = options.namespaces.filter((n) => !(contents ?? claimed).includes(n) && !(wildcard && !contents));
    if (outside.length)
      throw new OperationError(
        `--namespaces: backup ${backup.name} does not hold ${listText(outside)} (it holds: ${(contents ?? claimed).join(', ') || 'nothing'})`,
      );
    const refused = options.namespaces.filter((n) => guarded.includes(n));
    if (refused.length)
      throw new OperationError(`--namespaces: ${listText(refused)} ${refused.length === 1 ? 'is' : 'are'} protected and never restored`);
    sources = [...options.namespaces];
  }
  const mapping: Record<string, string> = {};
  for (const n of sources) {
    let t: string;
    do t = `restore-test-${randomSuffix(5)}`;
    while (Object.values(mapping).includes(t) || (!options.dryRun && (await cluster.get(NAMESPACES, t))));
    mapping[n] = t;
  }
  const restoreName = `restore-test-${stamp(clock.now())}-${randomSuffix(4)}`;
  const mappingTable = { title: 'Namespace mapping', columns: ['backup namespace', 'restored as'], rows: sources.map((n) => [n, mapping[n]]) };

  if (options.dryRun) {
    const plan: Section = {
      title: 'Plan (dry run: nothing is changed)',
      checks: [],
      tables: [mappingTable],
      notes: [
        `backup ${backup.name}: phase ${backup.phase}, taken ${new Date(backup.startedMs ?? backup.createdMs).toISOString()}${options.backupName ? '' : ' (the newest Completed backup)'}`,
        wildcard
          ? `the backup includes every namespace: the namespaces to restore are read from its resource list when the test runs (protected ones left out: ${guarded.join(', ')})`
          : `namespaces to restore: ${sources.join(', ') || 'none'}${claimed.some((n) => guarded.includes(n)) ? ` (left out as protected: ${claimed.filter((n) => guarded.includes(n)).join(', ')})` : ''}`,
        `would create Restore ${restoreName} in namespace ${veleroNamespace} with that namespaceMapping`,
        `would check: the restore Completes; every deployment is Ready and every service with a selector has endpoints within ${secs(timeoutMs)}; object counts per kind equal the backup's resource list; restore time within the RTO target of ${rtoTarget}s`,
        `would delete afterwards, whatever happens: Restore ${restoreName} and namespace${sources.length === 1 ? '' : 's'} ${sources.map((n) => mapping[n]).join(', ') || '(none)'}`,
      ],
    };
    return buildReport('dr restore-test', `${title(backup.name)} (dry run)`, cluster, simulated, clock, [plan]);
  }

  const sections: Section[] = [];
  const recommendations: string[] = [];
  const interrupted = (): string | undefined => (options.signal?.aborted ? String(options.signal.reason ?? 'interrupt') : undefined);
  sections.push({ title: 'Plan', checks: [], tables: [mappingTable], notes: [`backup ${backup.name} (${backup.phase}); Restore ${restoreName}`] });
  if (!list) {
    sections.push({
      title: 'Restore',
      checks: [
        {
          id: 'dr.restore-test.contents',
          title: `the resource list of ${backup.name} can be read`,
          status: 'undecided',
          evidence: ['its DownloadRequest was not processed, or its signed URL could not be fetched from here; nothing was restored'],
          fix: 'make the object store reachable from where the test runs',
        },
      ],
    });
    return buildReport('dr restore-test', title(backup.name), cluster, simulated, clock, sections);
  }
  if (!sources.length) {
    sections.push({
      title: 'Restore',
      checks: [
        {
          id: 'dr.restore-test.contents',
          title: `backup ${backup.name} holds an application namespace`,
          status: 'failed',
          evidence: [`its resource list holds: ${(contents ?? []).join(', ') || 'nothing'} (protected ones are never restored)`],
          fix: 'test a backup of application namespaces (--backup-name)',
        },
      ],
    });
    return buildReport('dr restore-test', title(backup.name), cluster, simulated, clock, sections);
  }

  const started = clock.now();
  const targets = sources.map((n) => ({ namespace: mapping[n], deployments: inNamespace(list!, 'apps/v1/Deployment', n), services: [] as string[] }));
  const deployments = new RecoveryWatch(cluster, clock, targets, options.signal);
  let restore: RestoreView | undefined;
  let rec: RecoveryResult | undefined;
  let serviceRec: RecoveryResult | undefined;
  let createdAt = started;
  try {
    deployments.start(timeoutMs);
    options.onProgress?.(`restore ${restoreName}`);
    await createRestore(
      cluster,
      veleroNamespace,
      { name: restoreName, backupName: backup.name, includedNamespaces: sources, namespaceMapping: mapping, labels: { [DR_RUN_LABEL]: restoreName } },
      Date.now() + Math.min(timeoutMs, 60000),
    );
    createdAt = clock.now();
    const w = await waitForRestore(cluster, veleroNamespace, restoreName, timeoutMs, options.signal, (v) =>
      options.onProgress?.(`restore ${restoreName}: ${v.phase}`),
    );
    restore = w.view;
    const checks: Check[] = [];
    const id = `dr.restore-test.restore/${restoreName}`;
    const rtitle = `restore ${restoreName} of ${backup.name} Completed`;
    if (w.outcome === 'final' && restore) {
      await deployments.restoreEnded();
      if (restore.phase === 'Completed') checks.push({ id, title: rtitle, status: 'passed', evidence: [restoreSummary(restore)] });
      else {
        const results =
          restore.phase === 'PartiallyFailed'
            ? await readRestoreResults(cluster, veleroNamespace, restoreName, Math.min(timeoutMs, 60000))
            : undefined;
        checks.push({
          id,
          title: rtitle,
          status: 'failed',
          evidence: [restoreSummary(restore), ...resultLines(results?.errors).map((e) => `error: ${e}`)],
          fix: `see velero restore describe ${restoreName} --details; this backup does not restore whole`,
        });
      }
    } else {
      deployments.stop();
      checks.push({
        id,
        title: rtitle,
        status: w.outcome === 'aborted' ? 'undecided' : 'failed',
        evidence: [
          w.outcome === 'aborted'
            ? `interrupted (${interrupted()}) while the restore was ${restore?.phase ?? 'New'}`
            : `still ${restore?.phase ?? 'New'} after ${secs(timeoutMs)}`,
        ],
        ...(w.outcome === 'aborted' ? {} : { fix: 'check the Velero server (velero restore describe, its logs), or allow more time with --timeout' }),
      });
    }
    sections.push({ title: 'Restore', checks, durationSeconds: toSeconds(clock.now() - createdAt) });
    rec = await deployments.wait();
    if (w.outcome === 'final' && !interrupted()) {
      // Services with a selector, as restored: each must get endpoints.
      const restored = await inventory(
        cluster,
        sources.map((n) => mapping[n]),
      );
      // Services with a selector that a restored deployment's pods match (others have no pods here to serve).
      const serviceTargets = restored.map((inv) => ({
        namespace: inv.namespace,
        deployments: [] as string[],
        services: Object.entries(inv.serviceDeployments)
          .filter(([, ds]) => ds.length > 0)
          .map(([n]) => n),
      }));
      const unbacked = restored.flatMap((inv) =>
        Object.entries(inv.serviceDeployments)
          .filter(([, ds]) => ds.length === 0)
          .map(([n]) => `${inv.namespace}/${n}`),
      );
      const services = new RecoveryWatch(cluster, clock, serviceTargets, options.signal);
      services.start(Math.max(1000, timeoutMs - (clock.now() - createdAt)));
      await services.restoreEnded();
      serviceRec = await services.wait();
      sections.push(recoverySection(rec, serviceRec, createdAt, unbacked));
      const after = await inventory(
        cluster,
        sources.map((n) => mapping[n]),
      );
      sections.push(countsSection(list, sources, mapping, after));
      sections.push(rtoSection(rec, serviceRec, createdAt, rtoTarget));
    }
  } catch (e) {
    sections.push({
      title: 'Restore',
      checks: [
        {
          id: `dr.restore-test.restore/${restoreName}`,
          title: `restore ${restoreName} of ${backup.name} Completed`,
          status: 'undecided',
          evidence: [`stopped by an error: ${String((e as Error).message).split('\n')[0]}`],
        },
      ],
    });
  } finally {
    deployments.stop();
    sections.push(await cleanup(cluster, clock, veleroNamespace, restoreName, Object.values(mapping), timeoutMs));
  }
  const why = interrupted();
  if (why)
    sections.push({
      title: 'Interrupted',
      checks: [
        {
          id: 'dr.restore-test.interrupted',
          title: 'the restore test ran to its end',
          status: 'undecided',
          evidence: [`interrupted by ${why}: the test stopped and removed what it had created`],
        },
      ],
    });
  for (const c of sections.flatMap((x) => x.checks)) if (c.status === 'failed' && c.fix) recommendations.push(`${c.id}: ${c.fix}`);
  sections.push({
    title: 'Timings',
    checks: [],
    tables: [
      {
        title: 'Steps',
        columns: ['step', 'seconds'],
        rows: sections.filter((x) => x.durationSeconds !== undefined).map((x) => [x.title.toLowerCase(), x.durationSeconds!]),
      },
    ],
    notes: [`total ${toSeconds(clock.now() - started)}s`],
  });
  let report = buildReport('dr restore-test', title(backup.name), cluster, simulated, clock, sections, recommendations);
  if (options.history !== false)
    report = await keepHistory(
      cluster,
      veleroNamespace,
      report,
      { namespaces: sources, backupName: backup.name, rtoTargetSeconds: rtoTarget },
      simulated,
    );
  return report;
}

function readyRows(marks: readonly ReadyMark[], since: number): Array<Array<string | number>> {
  return marks.map((m) => [
    m.namespace,
    m.kind,
    m.name,
    toSeconds(m.at - since),
    m.how === 'event' ? 'watch event' : m.how === 'timestamp' ? 'object timestamp' : 'list',
  ]);
}

function recoverySection(deployments: RecoveryResult, services: RecoveryResult, since: number, unbacked: readonly string[]): Section {
  const notReady = [...deployments.notReady, ...services.notReady];
  const ready = [...deployments.ready, ...services.ready].sort((a, b) => a.at - b.at);
  return {
    title: 'Recovery',
    checks: [
      {
        id: 'dr.restore-test.recovery',
        title: 'every restored deployment is Ready and every service with a selector has endpoints',
        status: notReady.length ? 'failed' : 'passed',
        evidence: notReady.length
          ? [`${notReady.length} not Ready`, ...notReady.map((n) => `${n.namespace}: ${n.kind} ${n.name}: ${n.why}`)]
          : [`${plural(ready.length, 'workload')} Ready`],
        ...(notReady.length
          ? { fix: 'look at the restored pods (kubectl describe) before the namespaces are removed: rerun with a longer --timeout' }
          : {}),
      },
    ],
    tables: [
      {
        title: 'Ready (seconds after the Restore was created)',
        columns: ['namespace', 'kind', 'name', 'ready after', 'seen by'],
        rows: readyRows(ready, since),
      },
    ],
    durationSeconds: ready.length ? toSeconds(ready[ready.length - 1].at - since) : undefined,
    ...(unbacked.length ? { notes: [`not waited for, no restored Deployment selects their pods: services ${unbacked.join(', ')}`] } : {}),
  };
}

function countsSection(
  list: Readonly<Record<string, readonly string[]>>,
  sources: readonly string[],
  mapping: Readonly<Record<string, string>>,
  after: readonly NamespaceInventory[],
): Section {
  const rows: Array<Array<string | number>> = [];
  const problems: string[] = [];
  sources.forEach((n, i) => {
    const inv = after[i];
    for (const [key, field] of COUNTED) {
      const inBackup = inNamespace(list, key, n).length;
      const now = field === 'pods' ? inv.counts.podsReady : inv.counts[field as 'deployments' | 'services' | 'pvcs' | 'configmaps' | 'secrets'];
      rows.push([n, mapping[n], key.split('/').pop()!, inBackup, now]);
      if (now !== inBackup)
        problems.push(
          `${n} → ${mapping[n]}: ${key.split('/').pop()} ${inBackup} in the backup, ${now}${field === 'pods' ? ' Ready' : ''} after the restore`,
        );
    }
  });
  return {
    title: 'Contents',
    checks: [
      {
        id: 'dr.restore-test.contents',
        title: "object counts after the restore equal the backup's resource list",
        status: problems.length ? 'failed' : 'passed',
        evidence: problems.length ? problems : [`${rows.length} counts compared (deployments, services, PVCs, configmaps, secrets, Ready pods)`],
        ...(problems.length ? { fix: 'see velero restore describe --details for what was skipped' } : {}),
      },
    ],
    tables: [
      { title: 'Counts per kind', columns: ['namespace', 'restored as', 'kind', 'in backup', 'after restore'], rows },
      inventoryTable('Restored namespaces', after),
    ],
  };
}

function rtoSection(deployments: RecoveryResult, services: RecoveryResult, since: number, target: number): Section {
  const all = [...deployments.ready, ...services.ready].sort((a, b) => a.at - b.at);
  const done = deployments.notReady.length === 0 && services.notReady.length === 0;
  const last = all[all.length - 1];
  const check: Check =
    done && last
      ? {
          id: 'dr.restore-test.rto',
          title: `restore time within the RTO target of ${target}s`,
          status: toSeconds(last.at - since) <= target ? 'passed' : 'failed',
          evidence: [
            `restore time ${toSeconds(last.at - since)}s: from the Restore's creation to the last workload Ready (${last.namespace}: ${last.kind} ${last.name})`,
            `target ${target}s: ${toSeconds(last.at - since) <= target ? 'met' : 'exceeded'}`,
          ],
          measurements: [{ name: 'rto', value: toSeconds(last.at - since), unit: 'seconds', target }],
        }
      : done
        ? {
            id: 'dr.restore-test.rto',
            title: `restore time within the RTO target of ${target}s`,
            status: 'skipped',
            evidence: ['the backup holds no deployment or service to wait for'],
          }
        : {
            id: 'dr.restore-test.rto',
            title: `restore time within the RTO target of ${target}s`,
            status: 'failed',
            evidence: ['not every workload became Ready, so no restore time was measured'],
            measurements: [{ name: 'rto', value: -1, unit: 'seconds', target }],
          };
  return { title: 'RTO', checks: [check] };
}

/** Removes the Restore and the temporary namespaces, and waits until they are gone. */
async function cleanup(
  cluster: Cluster,
  clock: Clock,
  veleroNamespace: string,
  restoreName: string,
  namespaces: readonly string[],
  timeoutMs: number,
): Promise<Section> {
  const started = clock.now();
  const evidence: string[] = [];
  const problems: string[] = [];
  const waitMs = Math.min(timeoutMs, 120000);
  try {
    // The Restore first, so Velero stops restoring into namespaces that are going away.
    if (await cluster.delete(VELERO_RESTORES, restoreName, veleroNamespace)) {
      const w = await waitForDeletion(cluster, VELERO_RESTORES, restoreName, veleroNamespace, { timeoutMs: waitMs });
      if (w.outcome === 'deleted') evidence.push(`Restore ${restoreName} deleted`);
      else problems.push(`Restore ${restoreName} still there after ${secs(waitMs)}`);
    } else evidence.push(`Restore ${restoreName} was never created or is already gone`);
    // Every namespace the restore made (by its label), besides the planned ones.
    const labelled = (await cluster.list(NAMESPACES, { labelSelector: `velero.io/restore-name=${restoreName}` })).items.map((n) => n.metadata.name);
    const doomed = [...new Set([...namespaces, ...labelled])];
    for (const n of doomed) await cluster.delete(NAMESPACES, n);
    for (const n of doomed) {
      const w = await waitForDeletion(cluster, NAMESPACES, n, undefined, { timeoutMs: waitMs });
      if (w.outcome === 'deleted') evidence.push(`namespace ${n} is gone`);
      else problems.push(`namespace ${n} still ${w.last?.metadata.deletionTimestamp ? 'Terminating' : 'there'} after ${secs(waitMs)}`);
    }
  } catch (e) {
    problems.push(`cleanup stopped by an error: ${String((e as Error).message).split('\n')[0]}`);
  }
  return {
    title: 'Cleanup',
    checks: [
      {
        id: 'dr.restore-test.cleanup',
        title: 'the temporary namespaces and the Restore are removed',
        status: problems.length ? 'failed' : 'passed',
        evidence: [...problems, ...evidence],
        ...(problems.length
          ? {
              fix: `delete them by hand: kubectl delete namespace ${namespaces.join(' ')}; kubectl -n ${veleroNamespace} delete restores.velero.io ${restoreName}`,
            }
          : {}),
      },
    ],
    durationSeconds: toSeconds(clock.now() - started),
  };
}
