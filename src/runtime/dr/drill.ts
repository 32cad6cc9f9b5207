/**
 * The disaster-recovery drill: inventory → backup → disaster (delete the namespaces) →
 * restore → recovery → integrity, with the recovery time measured from watch events.
 *
 * Safety rules, in the order they apply:
 * - protected namespaces are refused, and so is a run without `yes`, before any change;
 * - nothing is deleted unless the drill's own backup is `Completed` with zero errors and its
 *   resource list holds every namespace and every inventoried object;
 * - from the first deletion on, everything rolls forward to a restore: an interrupt
 *   (SIGINT/SIGTERM, given as an AbortSignal) or an error is recorded and the restore still
 *   runs; a journal file, rewritten at every step, lets `resume` finish a drill whose process
 *   was killed;
 * - the drill's Backup and Restore are removed only after a drill that passed (unless
 *   `keepArtifacts`); after a failure they are kept, since the backup may hold what the
 *   restore missed.
 */
import {
  backupResourceList,
  backupView,
  BackupView,
  deleteBackup,
  explainPhase,
  FINAL_BACKUP_PHASES,
  listLocations,
  OperationError,
} from '../backup/operations';
import { NAMESPACES, VELERO_BACKUPS, VELERO_RESTORES, VELERO_STORAGE_LOCATIONS } from '../cluster/resources';
import { Cluster, KubeObject } from '../cluster/types';
import { waitFor, waitForDeletion } from '../cluster/wait';
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
  secs,
  stamp,
  toSeconds,
} from './common';
import { DrHistoryRecord, HISTORY_SCHEMA, recordHistory } from './history';
import { compareInventories, differenceLines, inventory, inventoryTable, itemCount, NamespaceInventory } from './inventory';
import { DEFAULT_JOURNAL, DrillJournal, DrillState, ended, Journal, JOURNAL_SCHEMA, pastDeletion, readJournal } from './journal';
import { RecoveryResult, RecoveryWatch } from './recovery';
import { createRestore, readRestoreResults, restoreSummary, resultLines, RestoreView, waitForRestore } from './restore';

/** Options of {@link runDrDrill}. */
export interface DrDrillOptions {
  /** The namespaces to back up, delete and restore (required unless `resume`). @default - none */
  readonly namespaces?: readonly string[];
  /** The RTO target, in seconds. @default 600 */
  readonly rtoTargetSeconds?: number;
  /** Confirms that the drill may delete the namespaces (required unless `resume`). @default false */
  readonly yes?: boolean;
  /** Keep the drill's Backup and Restore objects after a drill that passed. @default false */
  readonly keepArtifacts?: boolean;
  /** More namespaces to refuse, besides the protected ones. @default - none */
  readonly protect?: readonly string[];
  /** Velero's namespace. @default 'velero' */
  readonly veleroNamespace?: string;
  /** Chaos Mesh's namespace (protected). @default 'chaos-mesh' */
  readonly chaosNamespace?: string;
  /** The journal file. @default '.cdk8s-resilience/dr-drill-journal.json' */
  readonly journal?: string;
  /** Finish the drill recorded in the journal instead of starting one. @default false */
  readonly resume?: boolean;
  /** How long each wait may take, in milliseconds. @default 600000 */
  readonly timeoutMs?: number;
  /** A second cluster sharing the backup storage location to restore into (a failover drill). @default - the same cluster */
  readonly target?: Cluster;
  /** Fires on SIGINT/SIGTERM; its `reason` names the signal. Before the deletion the drill stops; after, it rolls forward. @default - none */
  readonly signal?: AbortSignal;
  /** Progress lines (for a terminal). @default - none */
  readonly onProgress?: (text: string) => void;
  /** Keep the report in the history ConfigMap (for `dr check`). @default true */
  readonly history?: boolean;
}

const DEFAULT_RTO_SECONDS = 600;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

interface Settings {
  readonly rtoTargetSeconds: number;
  readonly keepArtifacts: boolean;
  readonly veleroNamespace: string;
  readonly journalFile: string;
  readonly timeoutMs: number;
  readonly history: boolean;
}

/** One drill run: its clusters, journal, sections so far and interruptions. */
class Run {
  readonly sections: Section[] = [];
  readonly notes: string[] = [];
  readonly recommendations: string[] = [];
  interruptedBy?: string;

  constructor(
    readonly source: Cluster,
    readonly restoreCluster: Cluster,
    readonly clock: Clock,
    readonly settings: Settings,
    readonly journal: Journal,
    readonly options: DrDrillOptions,
  ) {
    options.signal?.addEventListener('abort', () => this.interrupt(), { once: true });
    if (options.signal?.aborted) this.interrupt();
  }

  get j(): DrillJournal {
    return this.journal.value;
  }

  progress(text: string): void {
    this.options.onProgress?.(text);
  }

  private interrupt(): void {
    const signal = String(this.options.signal?.reason ?? 'interrupt');
    this.interruptedBy = signal;
    try {
      this.journal.update({ interruptions: [...this.j.interruptions, { signal, at: this.clock.now(), state: this.j.state }] });
    } catch {
      // the journal is written again at the next step
    }
  }

  /** True when an interrupt arrived before anything was deleted. */
  get stopRequested(): boolean {
    return this.interruptedBy !== undefined && !pastDeletion(this.j.state);
  }

  /** The signal to give waits: only before the deletion (after it, nothing stops the restore). */
  get waitSignal(): AbortSignal | undefined {
    return pastDeletion(this.j.state) ? undefined : this.options.signal;
  }

  section(title: string, checks: Check[], extra: Partial<Section> = {}): void {
    this.sections.push({ title, checks, ...extra });
  }
}

/** Restore phases in which nothing was restored. */
const FAILED_WHOLE = ['Failed', 'FailedValidation'];

function phaseOf(o: KubeObject | undefined): string {
  return String((o?.status as { phase?: string } | undefined)?.phase ?? 'New');
}

/** The resource-list key of an inventoried kind. */
function listKey(kind: string): string | undefined {
  switch (kind) {
    case 'Deployment':
      return 'apps/v1/Deployment';
    case 'Service':
    case 'PersistentVolumeClaim':
    case 'ConfigMap':
    case 'Secret':
    case 'Pod':
      return `v1/${kind}`;
    default:
      return undefined;
  }
}

function settingsOf(o: DrDrillOptions): Settings {
  return {
    rtoTargetSeconds: o.rtoTargetSeconds ?? DEFAULT_RTO_SECONDS,
    keepArtifacts: o.keepArtifacts === true,
    veleroNamespace: o.veleroNamespace ?? 'velero',
    journalFile: o.journal ?? DEFAULT_JOURNAL,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    history: o.history !== false,
  };
}

/**
 * Runs (or, with `resume`, finishes) a DR drill and returns its report. Usage mistakes
 * (protected or missing namespaces, no `yes`, an unfinished drill in the journal) throw an
 * OperationError before anything is changed.
 */
export async function runDrDrill(cluster: Cluster, clock: Clock, options: DrDrillOptions): Promise<Report> {
  const s = settingsOf(options);
  if (!(s.rtoTargetSeconds > 0)) throw new OperationError('the RTO target must be more than zero seconds');
  const simulated = await clusterIsSimulated(cluster);
  const restoreCluster = options.target ?? cluster;
  if (options.resume) return resume(cluster, restoreCluster, clock, s, options, simulated);

  // 1. Refusals, before any change.
  const namespaces = [...new Set(options.namespaces ?? [])];
  if (!namespaces.length)
    throw new OperationError(
      '--namespaces is required: the namespaces the drill backs up, deletes and restores (e.g. --namespaces team-alpha,team-beta)',
    );
  for (const n of namespaces) {
    const p = namespaceProblem(n);
    if (p) throw new OperationError(`--namespaces: ${p}`);
  }
  const guarded = protectedNamespaces(s.veleroNamespace, options.chaosNamespace ?? 'chaos-mesh', options.protect);
  const refused = namespaces.filter((n) => guarded.includes(n));
  if (refused.length)
    throw new OperationError(
      `--namespaces: ${listText(refused)} ${refused.length === 1 ? 'is' : 'are'} protected (${guarded.join(', ')}); a drill never deletes ${refused.length === 1 ? 'it' : 'them'}; nothing was changed`,
    );
  if (!options.yes)
    throw new OperationError(
      `the drill deletes namespace${namespaces.length === 1 ? '' : 's'} ${listText(namespaces)} and restores ${namespaces.length === 1 ? 'it' : 'them'} from a new backup; pass --yes to run it; nothing was changed`,
    );
  const previous = readJournal(s.journalFile);
  if (previous && !ended(previous.state)) {
    throw new OperationError(
      `${s.journalFile} records an unfinished drill ${previous.id} (state ${previous.state}, namespaces ${previous.namespaces.join(', ')}); finish it with dr drill --resume, or pass another --journal; nothing was changed`,
    );
  }
  const missing: string[] = [];
  const terminating: string[] = [];
  for (const n of namespaces) {
    const ns = await cluster.get(NAMESPACES, n);
    if (!ns) missing.push(n);
    else if (ns.metadata.deletionTimestamp) terminating.push(n);
  }
  if (missing.length)
    throw new OperationError(
      `--namespaces: namespace${missing.length === 1 ? '' : 's'} ${listText(missing)} ${missing.length === 1 ? 'does' : 'do'} not exist in context ${cluster.target.context}; nothing was changed`,
    );
  if (terminating.length)
    throw new OperationError(
      `--namespaces: ${listText(terminating)} ${terminating.length === 1 ? 'is' : 'are'} being deleted (Terminating); nothing was changed`,
    );

  // 2. Preflight: the storage location, and the target cluster.
  const started = clock.now();
  const id = `dr-drill-${stamp(started)}`;
  const preflight = await preflightChecks(cluster, options.target, s.veleroNamespace, namespaces);
  const journal = new Journal(
    s.journalFile,
    {
      schema: JOURNAL_SCHEMA,
      id,
      state: 'started',
      context: cluster.target.context,
      server: cluster.target.server,
      ...(options.target ? { targetContext: options.target.target.context, targetServer: options.target.target.server } : {}),
      veleroNamespace: s.veleroNamespace,
      namespaces,
      rtoTargetSeconds: s.rtoTargetSeconds,
      keepArtifacts: s.keepArtifacts,
      startedAt: started,
      backupName: `dr-drill-backup-${stamp(started)}`,
      restoreName: `dr-drill-restore-${stamp(started)}`,
      inventoryBefore: [],
      steps: [],
      interruptions: [],
      resumes: [],
      updatedAt: started,
    },
    () => clock.now(),
  );
  if (preflight.some((c) => c.status !== 'passed')) {
    // Nothing was written to the cluster; the journal records a stopped drill.
    journal.update({ state: 'stopped' });
    const sections: Section[] = [
      { title: 'Preflight', checks: preflight, notes: ['the drill stopped before any change: nothing was backed up or deleted'] },
    ];
    return buildReport('dr drill', `DR drill of ${listText(namespaces)}`, cluster, simulated, clock, sections);
  }
  const run = new Run(cluster, restoreCluster, clock, s, journal, options);
  run.section('Preflight', preflight);

  // 3. Inventory.
  run.progress('inventory');
  journal.begin('inventory');
  const before = await inventory(cluster, namespaces);
  journal.finish('inventory');
  journal.update({ inventoryBefore: before });
  run.section('Inventory', [], {
    tables: [inventoryTable('Before the disaster', before)],
    durationSeconds: journal.duration('inventory'),
    notes: [`${itemCount(before)} objects to compare after the restore (the pods of a deployment count once, by their ready number)`],
  });

  // 4. Backup: Completed, zero errors, every namespace and object in it.
  const backupOk = await backupStep(run, before);
  if (!backupOk || run.stopRequested) return stopBeforeDeletion(run, simulated, backupOk);

  // 5. From here on, everything rolls forward to a restore.
  await fromDeletion(run);
  return finish(run, simulated);
}

async function preflightChecks(
  cluster: Cluster,
  target: Cluster | undefined,
  veleroNamespace: string,
  namespaces: readonly string[],
): Promise<Check[]> {
  const checks: Check[] = [];
  const locations = await listLocations(cluster, veleroNamespace);
  const loc = locations.find((l) => l.isDefault) ?? locations[0];
  checks.push(
    !loc
      ? {
          id: 'dr.drill.storage-location',
          title: 'a backup storage location is Available',
          status: 'failed',
          evidence: [`no BackupStorageLocation in namespace ${veleroNamespace}`],
          fix: 'install Velero with a storage location (VeleroPlatform / MinioStorage constructs)',
        }
      : {
          id: 'dr.drill.storage-location',
          title: 'the backup storage location is Available',
          status: loc.phase === 'Available' ? 'passed' : 'failed',
          evidence: [`${loc.name}: phase ${loc.phase}${loc.message ? `: ${loc.message}` : ''}`],
          ...(loc.phase === 'Available' ? {} : { fix: 'fix the bucket, its credentials or the network path from Velero, then run the drill again' }),
        },
  );
  if (target) {
    const evidence: string[] = [];
    const problems: string[] = [];
    const sourceBsl = loc ? await cluster.get(VELERO_STORAGE_LOCATIONS, loc.name, veleroNamespace) : undefined;
    const where = (o: KubeObject | undefined): string => {
      const sp = (o?.spec ?? {}) as { provider?: string; objectStorage?: { bucket?: string; prefix?: string } };
      return `${sp.provider ?? '?'}:${sp.objectStorage?.bucket ?? '?'}/${sp.objectStorage?.prefix ?? ''}`;
    };
    const targetBsls = (await target.list(VELERO_STORAGE_LOCATIONS, { namespace: veleroNamespace })).items;
    const shared = targetBsls.find((b) => where(b) === where(sourceBsl));
    if (!shared)
      problems.push(
        `no storage location in context ${target.target.context} points at ${where(sourceBsl)} (it has: ${targetBsls.map((b) => `${b.metadata.name} ${where(b)}`).join(', ') || 'none'})`,
      );
    else if (phaseOf(shared) !== 'Available')
      problems.push(`storage location ${shared.metadata.name} in context ${target.target.context} is ${phaseOf(shared)}`);
    else evidence.push(`context ${target.target.context}: storage location ${shared.metadata.name} shares ${where(sourceBsl)} and is Available`);
    const present: string[] = [];
    for (const n of namespaces) if (await target.get(NAMESPACES, n)) present.push(n);
    if (present.length)
      problems.push(
        `namespace${present.length === 1 ? '' : 's'} ${listText(present)} already exist${present.length === 1 ? 's' : ''} in context ${target.target.context}; a restore would skip what is there`,
      );
    else evidence.push(`none of ${listText(namespaces)} exists in context ${target.target.context} yet`);
    checks.push({
      id: 'dr.drill.target',
      title: `the target cluster (context ${target.target.context}) can take the restore`,
      status: problems.length ? 'failed' : 'passed',
      evidence: [...problems, ...evidence],
      ...(problems.length
        ? { fix: 'point a storage location of the target cluster at the same bucket and prefix, and remove the namespaces there' }
        : {}),
    });
  }
  return checks;
}

async function backupStep(run: Run, before: readonly NamespaceInventory[]): Promise<boolean> {
  const { source, settings: s, journal, clock } = run;
  const name = run.j.backupName;
  run.progress(`backup ${name}`);
  journal.begin('backup');
  const startedAt = clock.now();
  await source.create(VELERO_BACKUPS, {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: s.veleroNamespace, labels: { [DR_RUN_LABEL]: run.j.id } },
    spec: { includedNamespaces: [...run.j.namespaces], ttl: '72h0m0s', snapshotMoveData: false },
  });
  const r = await waitFor(source, VELERO_BACKUPS, name, s.veleroNamespace, (o) => FINAL_BACKUP_PHASES.includes(phaseOf(o)), {
    timeoutMs: s.timeoutMs,
    signal: run.waitSignal,
    onUpdate: (o) => run.progress(`backup ${name}: ${phaseOf(o)}`),
  });
  const v: BackupView | undefined = r.last ? backupView(r.last) : undefined;
  const checks: Check[] = [];
  const id = `dr.drill.backup/${name}`;
  const title = `backup ${name} is Completed, without errors, and holds every namespace and object`;
  let ok = false;
  if (r.outcome === 'aborted') {
    checks.push({ id, title, status: 'undecided', evidence: [`interrupted (${run.interruptedBy}) while the backup was ${v?.phase ?? 'New'}`] });
  } else if (r.outcome !== 'met' || !v) {
    checks.push({
      id,
      title,
      status: 'undecided',
      evidence: [`no final phase within ${secs(s.timeoutMs)}; last seen: phase ${v?.phase ?? 'New'}`],
      fix: 'check the Velero server (velero backup describe, its logs), or allow more time with --timeout',
    });
  } else if (v.phase !== 'Completed' || v.errors > 0) {
    checks.push({
      id,
      title,
      status: 'failed',
      evidence: [...explainPhase(v), ...(v.phase === 'Completed' ? [`${v.errors} errors recorded`] : [])],
      fix: `see velero backup describe ${name} --details and velero backup logs ${name}; fix the cause and run the drill again`,
    });
  } else {
    const list = await backupResourceList(source, s.veleroNamespace, name, Math.min(s.timeoutMs, 60000));
    if (!list) {
      checks.push({
        id,
        title,
        status: 'undecided',
        evidence: [
          `phase Completed, ${v.itemsBackedUp ?? 0} of ${v.totalItems ?? 0} items`,
          'its resource list could not be read (DownloadRequest not processed, or its signed URL unreachable from here), so its contents are not verified',
        ],
        fix: 'make the object store reachable from where the drill runs, then run the drill again',
      });
    } else {
      const present = new Set(Object.entries(list).flatMap(([k, items]) => items.map((i) => `${k}|${i}`)));
      const missingNs = run.j.namespaces.filter((n) => !present.has(`v1/Namespace|${n}`) && ![...present].some((x) => x.includes(`|${n}/`)));
      const missingObjects: string[] = [];
      for (const inv of before) {
        if (missingNs.includes(inv.namespace)) continue;
        for (const item of inv.items) {
          const key = listKey(item.kind);
          if (key && !present.has(`${key}|${inv.namespace}/${item.name}`)) missingObjects.push(`${inv.namespace}: ${item.kind} ${item.name}`);
        }
      }
      const facts = [`phase Completed: ${v.itemsBackedUp ?? 0} of ${v.totalItems ?? 0} items, ${v.errors} errors, ${v.warnings} warnings`];
      if (missingNs.length || missingObjects.length) {
        checks.push({
          id,
          title,
          status: 'failed',
          evidence: [
            ...facts,
            ...(missingNs.length ? [`its resource list has nothing from namespace${missingNs.length === 1 ? '' : 's'} ${listText(missingNs)}`] : []),
            ...missingObjects.slice(0, 20).map((m) => `not in the backup: ${m}`),
            ...(missingObjects.length > 20 ? [`and ${missingObjects.length - 20} more objects`] : []),
          ],
          fix: 'find out why Velero left them out (velero backup describe --details; resource policies, the velero.io/exclude-from-backup label), then run the drill again',
        });
      } else {
        ok = true;
        checks.push({
          id,
          title,
          status: 'passed',
          evidence: [...facts, `its resource list holds ${listText(run.j.namespaces)} and all ${itemCount(before)} inventoried objects`],
        });
      }
    }
  }
  if (ok && run.options.target && !run.stopRequested) checks.push(await syncCheck(run, name));
  journal.finish('backup', checks.every((c) => c.status === 'passed') ? 'backed-up' : undefined);
  run.section('Backup', checks, { durationSeconds: toSeconds(clock.now() - startedAt) });
  return checks.every((c) => c.status === 'passed');
}

/** The failover drill's restore cluster must see the backup through its own backup sync. */
async function syncCheck(run: Run, name: string): Promise<Check> {
  const target = run.restoreCluster;
  run.progress(`waiting for ${name} to appear in context ${target.target.context}`);
  const started = run.clock.now();
  const r = await waitFor(target, VELERO_BACKUPS, name, run.settings.veleroNamespace, (o) => phaseOf(o) === 'Completed', {
    timeoutMs: run.settings.timeoutMs,
    signal: run.waitSignal,
  });
  const id = `dr.drill.backup-sync/${name}`;
  const title = `backup ${name} is visible in context ${target.target.context}`;
  if (r.outcome === 'met')
    return {
      id,
      title,
      status: 'passed',
      evidence: [`synced from the shared bucket after ${secs(run.clock.now() - started)} (phase Completed)`],
      durationSeconds: toSeconds(run.clock.now() - started),
    };
  return {
    id,
    title,
    status: r.outcome === 'aborted' ? 'undecided' : 'failed',
    evidence: [
      r.outcome === 'aborted'
        ? `interrupted (${run.interruptedBy})`
        : `not synced within ${secs(run.settings.timeoutMs)} (last seen: ${r.last ? phaseOf(r.last) : 'no Backup object'})`,
    ],
    fix: "check the target's Velero server and its backupSyncPeriod",
  };
}

function stopBeforeDeletion(run: Run, simulated: boolean, backupOk: boolean): Report {
  run.journal.update({ state: 'stopped' });
  const checks: Check[] = [];
  if (run.interruptedBy)
    checks.push({
      id: 'dr.drill.interrupted',
      title: 'the drill ran to its end',
      status: 'undecided',
      evidence: [`interrupted by ${run.interruptedBy} before any deletion: nothing was deleted`],
    });
  run.section('Disaster', checks, {
    notes: [
      `not started: ${backupOk ? 'the drill was interrupted' : 'the backup is not verified'}, so no namespace was deleted`,
      `the drill's backup ${run.j.backupName} is kept for inspection; delete it with: velero backup delete ${run.j.backupName} --confirm`,
    ],
  });
  return buildReport('dr drill', `DR drill of ${listText(run.j.namespaces)}`, run.source, simulated, run.clock, run.sections, run.recommendations);
}

/** Deletion, restore, recovery, integrity and cleanup: the part that always rolls forward. */
async function fromDeletion(run: Run): Promise<void> {
  const { source, settings: s, journal, clock } = run;
  let error: unknown;
  // Disaster: delete the namespaces and wait until they are gone.
  if (run.j.state === 'backed-up' || run.j.state === 'deleting') {
    const firstTime = run.j.state === 'backed-up';
    journal.begin('disaster', 'deleting');
    if (firstTime) journal.update({ disasterStartedAt: clock.now() });
    run.progress(`deleting ${listText(run.j.namespaces)}`);
    const evidence: string[] = [];
    let gone = true;
    try {
      for (const n of run.j.namespaces) await source.delete(NAMESPACES, n);
      for (const n of run.j.namespaces) {
        const w = await waitForDeletion(source, NAMESPACES, n, undefined, { timeoutMs: s.timeoutMs });
        if (w.outcome !== 'deleted') {
          gone = false;
          evidence.push(`namespace ${n} still ${w.last?.metadata.deletionTimestamp ? 'Terminating' : 'there'} after ${secs(s.timeoutMs)}`);
        } else evidence.push(`namespace ${n} is gone`);
      }
    } catch (e) {
      error = e;
      gone = false;
      evidence.push(`error while deleting: ${String((e as Error).message).split('\n')[0]}; rolling forward to the restore`);
    }
    journal.finish('disaster', 'deleted');
    run.section(
      'Disaster',
      [
        {
          id: 'dr.drill.disaster',
          title: `namespaces ${listText(run.j.namespaces)} deleted`,
          status: gone ? 'passed' : 'failed',
          evidence: [`deletion requested at ${new Date(run.j.disasterStartedAt!).toISOString()} (the start of the RTO)`, ...evidence],
          durationSeconds: journal.duration('disaster'),
        },
      ],
      { durationSeconds: journal.duration('disaster') },
    );
  }
  // Restore.
  const restoreCluster = run.restoreCluster;
  const recoveryTargets = run.j.inventoryBefore.map((inv) => ({
    namespace: inv.namespace,
    deployments: inv.readyDeployments,
    services: inv.servedServices,
    serviceDeployments: inv.serviceDeployments,
  }));
  const recovery = new RecoveryWatch(restoreCluster, clock, recoveryTargets);
  recovery.start(s.timeoutMs);
  const restoreChecks: Check[] = [];
  let restoreView: RestoreView | undefined;
  let restoreFinal = false;
  try {
    // A Restore that failed as a whole (a resume after it) is not followed again: a new one is made.
    const previous = await restoreCluster.get(VELERO_RESTORES, run.j.restoreName, s.veleroNamespace);
    if (previous && FAILED_WHOLE.includes(phaseOf(previous))) {
      const base = run.j.restoreName.replace(/-r\d+$/, '');
      const n = Number(/-r(\d+)$/.exec(run.j.restoreName)?.[1] ?? '1') + 1;
      run.notes.push(`restore ${run.j.restoreName} had ended ${phaseOf(previous)}; a new restore ${base}-r${n} was made`);
      journal.update({ restoreName: `${base}-r${n}` });
    }
  } catch {
    // unreadable now: the creation below retries and reports
  }
  journal.begin('restore', 'restoring');
  run.progress(`restore ${run.j.restoreName}`);
  try {
    const created = await createRestore(
      restoreCluster,
      s.veleroNamespace,
      { name: run.j.restoreName, backupName: run.j.backupName, includedNamespaces: run.j.namespaces, labels: { [DR_RUN_LABEL]: run.j.id } },
      Date.now() + s.timeoutMs,
    );
    const w = await waitForRestore(restoreCluster, s.veleroNamespace, run.j.restoreName, s.timeoutMs, undefined, (v) =>
      run.progress(`restore ${v.name}: ${v.phase}`),
    );
    restoreView = w.view;
    const seen = `${plural(w.reconnects, 'watch reconnect')}, ${plural(w.relists, 'relist')}${created.attempts > 1 ? `, created after ${created.attempts} attempts` : ''}`;
    const id = `dr.drill.restore/${run.j.restoreName}`;
    const title = `restore ${run.j.restoreName} Completed`;
    if (w.outcome === 'final' && w.view) {
      restoreFinal = true;
      await recovery.restoreEnded();
      if (w.view.phase === 'Completed') restoreChecks.push({ id, title, status: 'passed', evidence: [restoreSummary(w.view), seen] });
      else {
        const results =
          w.view.phase === 'PartiallyFailed'
            ? await readRestoreResults(restoreCluster, s.veleroNamespace, run.j.restoreName, Math.min(s.timeoutMs, 60000))
            : undefined;
        const errs = resultLines(results?.errors);
        restoreChecks.push({
          id,
          title,
          status: 'failed',
          evidence: [
            restoreSummary(w.view),
            ...(errs.length
              ? errs.map((e) => `error: ${e}`)
              : w.view.phase === 'PartiallyFailed'
                ? ['its results file could not be read; see velero restore describe --details']
                : []),
            seen,
          ],
          fix: FAILED_WHOLE.includes(w.view.phase)
            ? `see velero restore describe ${run.j.restoreName} and velero restore logs ${run.j.restoreName}; fix the cause, then run cdk8s-resilience dr drill --resume --journal ${s.journalFile} to restore again from ${run.j.backupName}`
            : `see velero restore describe ${run.j.restoreName} --details and velero restore logs ${run.j.restoreName}; the backup ${run.j.backupName} is kept so the missing objects can be restored`,
        });
      }
    } else {
      recovery.stop();
      restoreChecks.push({
        id,
        title,
        status: 'failed',
        evidence: [
          `still ${w.view?.phase ?? 'not started'} after ${secs(s.timeoutMs)}${w.view?.totalItems !== undefined ? ` (${w.view.itemsRestored ?? 0} of ${w.view.totalItems} items restored)` : ''}`,
          `the Restore is left in place so Velero can finish it; namespaces ${listText(run.j.namespaces)} wait for it`,
          seen,
        ],
        fix: `check the Velero server (velero restore describe ${run.j.restoreName}, its logs); then run cdk8s-resilience dr drill --resume --journal ${s.journalFile} to follow it to the end`,
      });
    }
  } catch (e) {
    error ??= e;
    recovery.stop();
    restoreChecks.push({
      id: `dr.drill.restore/${run.j.restoreName}`,
      title: `restore ${run.j.restoreName} Completed`,
      status: 'failed',
      evidence: [
        `the restore could not be started or followed: ${String((e as Error).message).split('\n')[0]}`,
        `namespaces ${listText(run.j.namespaces)} are deleted; the backup ${run.j.backupName} holds them`,
      ],
      fix: `once the API server answers, run cdk8s-resilience dr drill --resume --journal ${s.journalFile}`,
    });
  }
  journal.finish('restore', restoreFinal ? 'restored' : 'restoring');
  run.section('Restore', restoreChecks, { durationSeconds: journal.duration('restore') });
  journal.begin('recovery');
  const rec = await recovery.wait();
  journal.finish('recovery');
  recoverySection(run, rec);
  journal.begin('integrity');
  try {
    await integritySection(run, restoreFinal);
  } catch (e) {
    run.section('Integrity', [
      {
        id: 'dr.drill.integrity',
        title: 'the inventory after the restore equals the inventory before, object by object',
        status: 'undecided',
        evidence: [`the namespaces could not be read: ${String((e as Error).message).split('\n')[0]}`],
      },
    ]);
  }
  journal.finish('integrity');
  rtoSection(run, rec);
  if (error !== undefined && run.sections.every((x) => x.checks.every((c) => c.status !== 'failed')))
    run.notes.push(`an error occurred after the deletion and the drill rolled forward: ${String((error as Error).message).split('\n')[0]}`);
  await cleanupSection(run, restoreFinal, restoreView);
}

function recoverySection(run: Run, rec: RecoveryResult): void {
  const start = run.j.disasterStartedAt ?? run.j.startedAt;
  const all = run.j.inventoryBefore.reduce((a, i) => a + i.readyDeployments.length + i.servedServices.length, 0);
  const ok = rec.outcome === 'recovered';
  const notes: string[] = [];
  if (run.j.inventoryBefore.some((i) => i.counts.deployments > i.readyDeployments.length))
    notes.push('deployments that were not Ready before the disaster are not waited for (they are compared in the integrity step)');
  if (rec.ready.some((m) => m.how !== 'event'))
    notes.push(
      'some workloads were first seen already Ready in a list (after a relist, or on a resume): their time is their own timestamp (to the second, rounded up) or the time of the list',
    );
  run.section(
    'Recovery',
    [
      {
        id: 'dr.drill.recovery',
        title: 'every restored deployment is Ready and every service has endpoints',
        status: ok ? 'passed' : 'failed',
        evidence: [
          ok ? `${plural(all, 'workload')} Ready again` : `${rec.notReady.length} of ${all} not Ready (${rec.outcome})`,
          ...rec.notReady.map((n) => `${n.namespace}: ${n.kind} ${n.name}: ${n.why}`),
          `${plural(rec.reconnects, 'watch reconnect')}, ${plural(rec.relists, 'relist')}`,
        ],
        ...(ok
          ? {}
          : { fix: 'look at the pods of the deployments listed (kubectl describe, events); see the integrity step for what the restore missed' }),
      },
    ],
    {
      tables: [
        {
          title: 'Ready again (seconds after the disaster started)',
          columns: ['namespace', 'kind', 'name', 'ready after', 'seen by'],
          rows: rec.ready.map((m) => [
            m.namespace,
            m.kind,
            m.name,
            toSeconds(m.at - start),
            m.how === 'event' ? 'watch event' : m.how === 'timestamp' ? 'object timestamp' : 'list',
          ]),
        },
      ],
      notes,
      durationSeconds: run.journal.duration('recovery'),
    },
  );
}

async function integritySection(run: Run, restoreFinal: boolean): Promise<void> {
  const started = run.clock.now();
  const after = await inventory(run.restoreCluster, run.j.namespaces);
  const diffs = compareInventories(run.j.inventoryBefore, after);
  const missing = diffs.filter((d) => d.change === 'missing');
  const differs = diffs.filter((d) => d.change === 'differs');
  const extra = diffs.filter((d) => d.change === 'extra');
  const bad = missing.length + differs.length;
  run.section(
    'Integrity',
    [
      {
        id: 'dr.drill.integrity',
        title: 'the inventory after the restore equals the inventory before, object by object',
        status: bad ? 'failed' : 'passed',
        evidence: bad
          ? [
              `${plural(missing.length, 'object')} missing, ${plural(differs.length, 'object')} different (of ${itemCount(run.j.inventoryBefore)})${restoreFinal ? '' : ', with the restore still in progress'}`,
              ...differenceLines([...missing, ...differs]),
            ]
          : [`all ${itemCount(run.j.inventoryBefore)} objects are back, with the same fields`],
        ...(bad
          ? {
              fix: restoreFinal
                ? `restore what is missing from ${run.j.backupName} (velero restore create --from-backup ${run.j.backupName} --include-namespaces ...), and find out why it was left out`
                : `the restore has not finished: follow it with cdk8s-resilience dr drill --resume --journal ${run.settings.journalFile}, which compares again`,
            }
          : {}),
      },
    ],
    {
      tables: [inventoryTable('After the restore', after)],
      durationSeconds: toSeconds(run.clock.now() - started),
      ...(extra.length ? { notes: differenceLines(extra) } : {}),
    },
  );
}

function rtoSection(run: Run, rec: RecoveryResult): void {
  const start = run.j.disasterStartedAt ?? run.j.startedAt;
  const target = run.settings.rtoTargetSeconds;
  const checks: Check[] = [];
  if (rec.lastReady) {
    const rto = toSeconds(rec.lastReady.at - start);
    const ok = rto <= target;
    checks.push({
      id: 'dr.drill.rto',
      title: `recovery time within the RTO target of ${target}s`,
      status: ok ? 'passed' : 'failed',
      evidence: [
        `RTO ${rto}s: from the deletion request at ${new Date(start).toISOString()} to the last workload Ready (${rec.lastReady.namespace}: ${rec.lastReady.kind} ${rec.lastReady.name}) at ${new Date(rec.lastReady.at).toISOString()}, seen by ${rec.lastReady.how === 'event' ? 'a watch event' : rec.lastReady.how === 'timestamp' ? 'its own timestamp' : 'a list'}`,
        `target ${target}s: ${ok ? 'met' : `exceeded by ${toSeconds((rto - target) * 1000)}s`}`,
      ],
      measurements: [{ name: 'rto', value: rto, unit: 'seconds', target }],
      ...(ok ? {} : { fix: 'find the slowest step in the timings above (restore, or pods becoming Ready), or review the RTO target' }),
    });
  } else {
    checks.push({
      id: 'dr.drill.rto',
      title: `recovery time within the RTO target of ${target}s`,
      status: 'failed',
      evidence: [`not recovered: ${rec.notReady.length} workload${rec.notReady.length === 1 ? '' : 's'} not Ready, so no recovery time was measured`],
      measurements: [{ name: 'rto', value: -1, unit: 'seconds', target }],
      fix: 'see the recovery and integrity steps',
    });
  }
  run.section('RTO', checks);
}

async function cleanupSection(run: Run, restoreFinal: boolean, restore: RestoreView | undefined): Promise<void> {
  const { source, restoreCluster, settings: s, journal } = run;
  const passed = run.sections.every((x) => x.checks.every((c) => c.status === 'passed' || c.status === 'skipped'));
  const notes: string[] = [];
  const checks: Check[] = [];
  const started = run.clock.now();
  if (!restoreFinal) {
    notes.push(
      `nothing cleaned up: restore ${run.j.restoreName} is ${restore?.phase ?? 'not started'}; the journal ${s.journalFile} stays open (state ${run.j.state}) for dr drill --resume`,
    );
  } else if (!passed) {
    notes.push(
      `kept for inspection because the drill did not pass: backup ${run.j.backupName} and restore ${run.j.restoreName}; delete them with velero backup delete ${run.j.backupName} --confirm once the namespaces are whole again`,
    );
  } else if (s.keepArtifacts) {
    notes.push(`kept (--keep-artifacts): backup ${run.j.backupName} and restore ${run.j.restoreName}`);
  } else {
    journal.begin('cleanup');
    run.progress('cleanup');
    await restoreCluster.delete(VELERO_RESTORES, run.j.restoreName, s.veleroNamespace).catch(() => false);
    const b = await source.get(VELERO_BACKUPS, run.j.backupName, s.veleroNamespace);
    if (b) {
      const del = await deleteBackup(source, s.veleroNamespace, backupView(b), s.timeoutMs);
      checks.push({
        ...del,
        id: `dr.drill.cleanup/${run.j.backupName}`,
        title: `the drill's backup ${run.j.backupName} and restore ${run.j.restoreName} are removed`,
        evidence: [`Restore ${run.j.restoreName} deleted`, ...del.evidence],
      });
    }
    if (run.options.target)
      notes.push(
        `the copy of ${run.j.backupName} in context ${restoreCluster.target.context} goes at its next backup sync, once the files are gone from the bucket`,
      );
    journal.finish('cleanup');
  }
  // A restore that failed as a whole restored nothing: the namespaces are still gone, and a resume tries again.
  if (restoreFinal && restore && FAILED_WHOLE.includes(restore.phase)) {
    journal.update({ state: 'deleted' });
    notes.push(
      `restore ${run.j.restoreName} ended ${restore.phase}: namespaces ${listText(run.j.namespaces)} are still deleted; once the cause is fixed, cdk8s-resilience dr drill --resume --journal ${s.journalFile} makes a new restore from ${run.j.backupName}`,
    );
  } else if (restoreFinal) journal.update({ state: 'finished' });
  run.section('Cleanup', checks, { notes, durationSeconds: toSeconds(run.clock.now() - started) });
}

async function finish(run: Run, simulated: boolean): Promise<Report> {
  const notes: string[] = [`journal: ${run.settings.journalFile} (state ${run.j.state})`, ...run.notes];
  for (const i of run.j.interruptions)
    notes.push(
      `interrupted by ${i.signal} at ${new Date(i.at).toISOString()} in state ${i.state}: ${pastDeletion(i.state as DrillState) ? 'the drill rolled forward to the restore' : 'stopped before any deletion'}`,
    );
  if (run.j.resumes.length)
    notes.push(`resumed ${plural(run.j.resumes.length, 'time')}: ${run.j.resumes.map((t) => new Date(t).toISOString()).join(', ')}`);
  if (run.options.target)
    notes.push(
      `failover drill: backup in context ${run.source.target.context}, restore into context ${run.restoreCluster.target.context}; the namespaces now live in ${run.restoreCluster.target.context}`,
    );
  const timing: Section = {
    title: 'Timings',
    checks: [],
    tables: [
      {
        title: 'Steps',
        columns: ['step', 'seconds'],
        rows: ['inventory', 'backup', 'disaster', 'restore', 'recovery', 'integrity', 'cleanup']
          .filter((st) => run.journal.duration(st) !== undefined)
          .map((st) => [st, toSeconds(run.journal.duration(st)! * 1000)]),
      },
    ],
    notes,
  };
  for (const c of run.sections.flatMap((x) => x.checks)) if (c.status === 'failed' && c.fix) run.recommendations.push(`${c.id}: ${c.fix}`);
  let report = buildReport(
    'dr drill',
    `DR drill of ${listText(run.j.namespaces)}`,
    run.source,
    simulated,
    run.clock,
    [...run.sections, timing],
    run.recommendations,
  );
  if (run.settings.history) report = await keepHistory(run.source, run.settings.veleroNamespace, report, run.j, simulated);
  return report;
}

/** Keeps a run in the history ConfigMap and says where in the report (or why not). */
export async function keepHistory(
  cluster: Cluster,
  veleroNamespace: string,
  report: Report,
  j: { readonly namespaces: readonly string[]; readonly backupName: string; readonly rtoTargetSeconds: number },
  simulated: boolean,
): Promise<Report> {
  const rto = report.sections
    .flatMap((x) => x.checks)
    .find((c) => c.id === 'dr.drill.rto' || c.id === 'dr.restore-test.rto')
    ?.measurements?.find((m) => m.name === 'rto');
  const record: DrHistoryRecord = {
    schema: HISTORY_SCHEMA,
    command: report.command,
    at: report.generatedAt,
    verdict: report.verdict,
    namespaces: j.namespaces,
    backup: j.backupName,
    ...(rto && rto.value >= 0 ? { rtoSeconds: rto.value } : {}),
    rtoTargetSeconds: j.rtoTargetSeconds,
    context: cluster.target.context,
    server: cluster.target.server,
    simulated,
    report,
  };
  let note: string;
  try {
    const key = await recordHistory(cluster, veleroNamespace, record);
    note = `kept in ConfigMap ${veleroNamespace}/cdk8s-resilience-dr-history as ${key} (dr check reads it)`;
  } catch (e) {
    note = `not kept in the history ConfigMap: ${String((e as Error).message).split('\n')[0]}`;
  }
  const sections = report.sections.map((x) => (x.title === 'Timings' ? { ...x, notes: [...(x.notes ?? []), `history: ${note}`] } : x));
  return { ...report, sections };
}

/** Finishes the drill recorded in the journal. */
async function resume(
  cluster: Cluster,
  restoreCluster: Cluster,
  clock: Clock,
  s: Settings,
  options: DrDrillOptions,
  simulated: boolean,
): Promise<Report> {
  const j = readJournal(s.journalFile);
  if (!j) throw new OperationError(`no drill journal at ${s.journalFile}; nothing to resume (pass --journal with the file the drill wrote)`);
  if (ended(j.state))
    throw new OperationError(
      `the drill ${j.id} in ${s.journalFile} has ended (state ${j.state}); nothing to resume; start a new drill without --resume`,
    );
  if (options.namespaces?.length && [...options.namespaces].sort().join(',') !== [...j.namespaces].sort().join(',')) {
    throw new OperationError(
      `--namespaces ${options.namespaces.join(',')} differs from the drill in ${s.journalFile} (${j.namespaces.join(',')}); leave --namespaces out with --resume`,
    );
  }
  if (j.server && cluster.target.server !== j.server)
    throw new OperationError(
      `${s.journalFile} records a drill on ${j.server} (context ${j.context}); this is ${cluster.target.server} (context ${cluster.target.context}); pass --context ${j.context}`,
    );
  if (j.targetServer && restoreCluster.target.server !== j.targetServer)
    throw new OperationError(
      `${s.journalFile} records a restore into ${j.targetServer} (context ${j.targetContext}); pass --target-context ${j.targetContext}`,
    );
  const journal = new Journal(s.journalFile, j, () => clock.now());
  const settings: Settings = { ...s, rtoTargetSeconds: j.rtoTargetSeconds, keepArtifacts: j.keepArtifacts, veleroNamespace: j.veleroNamespace };
  const run = new Run(cluster, restoreCluster, clock, settings, journal, { ...options, target: j.targetServer ? restoreCluster : undefined });
  const lastUpdate = j.updatedAt;
  journal.closeOpenSteps(lastUpdate);
  journal.update({ resumes: [...j.resumes, clock.now()] });
  const resumeCheck: Check = {
    id: 'dr.drill.resume',
    title: `drill ${j.id} resumed from its journal`,
    status: 'passed',
    evidence: [
      `the journal was last written ${secs(clock.now() - lastUpdate)} before this resume, in state ${j.state}`,
      pastDeletion(j.state)
        ? `the namespaces had been deleted (at ${new Date(j.disasterStartedAt ?? j.startedAt).toISOString()}): rolling forward to the restore`
        : 'nothing had been deleted',
    ],
  };
  run.section('Resume', [resumeCheck]);
  run.section('Inventory', [], {
    tables: [inventoryTable('Before the disaster (from the journal)', j.inventoryBefore)],
    durationSeconds: journal.duration('inventory'),
  });
  if (!pastDeletion(j.state)) {
    // Nothing was deleted: there is nothing to recover; the drill ends here.
    journal.update({ state: 'stopped' });
    run.section('Disaster', [], {
      notes: [
        `not started: the drill stopped in state ${j.state} before any deletion`,
        `backup ${j.backupName} (if it was created) is kept; delete it with: velero backup delete ${j.backupName} --confirm`,
      ],
    });
    return buildReport('dr drill', `DR drill of ${listText(j.namespaces)} (resumed)`, cluster, simulated, clock, run.sections);
  }
  run.section(
    'Backup',
    [
      {
        id: `dr.drill.backup/${j.backupName}`,
        title: `backup ${j.backupName} was verified before the deletion`,
        status: 'passed',
        evidence: ['verified by the run that wrote the journal (the deletion happens only after that)'],
      },
    ],
    { durationSeconds: journal.duration('backup') },
  );
  if (j.state !== 'deleting') {
    run.section(
      'Disaster',
      [
        {
          id: 'dr.drill.disaster',
          title: `namespaces ${listText(j.namespaces)} deleted`,
          status: 'passed',
          evidence: [
            `deletion requested at ${new Date(j.disasterStartedAt ?? j.startedAt).toISOString()} (the start of the RTO); recorded as done in the journal`,
          ],
        },
      ],
      { durationSeconds: journal.duration('disaster') },
    );
  }
  await fromDeletion(run);
  return finish(run, simulated);
}

/** The target context a journal records (the CLI connects to it on --resume). */
export function journalTargetContext(file: string): string | undefined {
  return readJournal(file)?.targetContext;
}
