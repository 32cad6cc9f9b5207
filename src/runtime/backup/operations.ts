/**
 * Velero backup operations as functions over (Cluster, Clock): read backups, create one,
 * follow it, and the checks of `backup validate`, `backup freshness` and `backup cleanup`.
 * They talk to Velero's API objects (Backup, Schedule, BackupStorageLocation,
 * DeleteBackupRequest, DownloadRequest) as the velero CLI does, never by shelling out.
 */
import { gunzipSync } from 'zlib';
import { worstCaseGapSeconds, parseVeleroCron } from '../../backup/cron';
import { formatSeconds } from '../../common/duration';
import { VELERO_BACKUPS, VELERO_DELETE_REQUESTS, VELERO_DOWNLOAD_REQUESTS, VELERO_SCHEDULES, VELERO_STORAGE_LOCATIONS } from '../cluster/resources';
import { Cluster, ClusterError, KubeObject } from '../cluster/types';
import { waitFor } from '../cluster/wait';
import { Check, Table } from '../report/model';
import { Clock } from '../sim/clock';

/** The facts of one Backup the commands use. */
export interface BackupView {
  /** Optional fields are absent when Velero has not written them (yet). */
  readonly name: string;
  readonly namespace: string;
  readonly phase: string;
  readonly createdMs: number;
  readonly startedMs?: number;
  readonly completedMs?: number;
  readonly expiresMs?: number;
  readonly totalItems?: number;
  readonly itemsBackedUp?: number;
  readonly errors: number;
  readonly warnings: number;
  readonly schedule?: string;
  readonly includedNamespaces: readonly string[];
  readonly excludedNamespaces: readonly string[];
  readonly storageLocation?: string;
  readonly failureReason?: string;
  readonly validationErrors: readonly string[];
}

/** Phases after which a Backup does not change any more. */
export const FINAL_BACKUP_PHASES = ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'];

function ms(v: unknown): number | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Reads a Backup object into a view. */
export function backupView(o: KubeObject): BackupView {
  const s = (o.spec ?? {}) as Record<string, unknown>;
  const st = (o.status ?? {}) as Record<string, unknown>;
  const progress = (st.progress ?? {}) as { totalItems?: number; itemsBackedUp?: number };
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? '',
    phase: typeof st.phase === 'string' && st.phase ? st.phase : 'New',
    createdMs: ms(o.metadata.creationTimestamp) ?? 0,
    startedMs: ms(st.startTimestamp),
    completedMs: ms(st.completionTimestamp),
    expiresMs: ms(st.expiration),
    totalItems: progress.totalItems,
    itemsBackedUp: progress.itemsBackedUp,
    errors: Number(st.errors ?? 0),
    warnings: Number(st.warnings ?? 0),
    schedule: o.metadata.labels?.['velero.io/schedule-name'],
    includedNamespaces: strs(s.includedNamespaces),
    excludedNamespaces: strs(s.excludedNamespaces),
    storageLocation: o.metadata.labels?.['velero.io/storage-location'] ?? (typeof s.storageLocation === 'string' ? s.storageLocation : undefined),
    failureReason: typeof st.failureReason === 'string' ? st.failureReason : undefined,
    validationErrors: strs(st.validationErrors),
  };
}

/** When a backup was taken: its start, else its creation. */
export function takenAt(b: BackupView): number {
  return b.startedMs ?? b.createdMs;
}

/** `2h`, `3d4h`: a short age. */
export function age(msValue: number): string {
  if (msValue < 0) return `in ${formatSeconds(Math.round(-msValue / 60000) * 60) || '0s'}`;
  const s = Math.round(msValue / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 && h < 10 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 && d < 10 ? `${d}d${h % 24}h` : `${d}d`;
}

/** Every Backup in Velero's namespace, newest first. */
export async function listBackups(cluster: Cluster, veleroNamespace: string): Promise<BackupView[]> {
  const list = await cluster.list(VELERO_BACKUPS, { namespace: veleroNamespace });
  return list.items.map(backupView).sort((a, b) => takenAt(b) - takenAt(a) || a.name.localeCompare(b.name));
}

/** The `backup list` table. */
export function backupTable(backups: readonly BackupView[], clock: Clock): Table {
  const now = clock.now();
  return {
    title: `Backups (${backups.length})`,
    columns: ['name', 'phase', 'age', 'expires', 'items', 'errors/warnings', 'schedule'],
    rows: backups.map((b) => [
      b.name,
      b.phase,
      age(now - takenAt(b)),
      b.expiresMs === undefined ? '-' : b.expiresMs <= now ? `expired ${age(now - b.expiresMs)} ago` : `in ${age(b.expiresMs - now)}`,
      b.totalItems === undefined ? '-' : `${b.itemsBackedUp ?? 0}/${b.totalItems}`,
      `${b.errors}/${b.warnings}`,
      b.schedule ?? '-',
    ]),
  };
}

/** Storage locations and their phase. */
export interface LocationView {
  readonly name: string;
  readonly phase: string;
  readonly isDefault: boolean;
  readonly message?: string;
  readonly lastValidatedMs?: number;
}

export async function listLocations(cluster: Cluster, veleroNamespace: string): Promise<LocationView[]> {
  const list = await cluster.list(VELERO_STORAGE_LOCATIONS, { namespace: veleroNamespace });
  return list.items.map((o) => {
    const st = (o.status ?? {}) as Record<string, unknown>;
    return {
      name: o.metadata.name,
      phase: typeof st.phase === 'string' ? st.phase : 'Unknown',
      isDefault: (o.spec as { default?: boolean } | undefined)?.default === true,
      message: typeof st.message === 'string' ? st.message : undefined,
      lastValidatedMs: ms(st.lastValidationTime),
    };
  });
}

/** One check per storage location: Available. */
export function locationChecks(locations: readonly LocationView[], clock: Clock): Check[] {
  if (locations.length === 0) {
    return [
      {
        id: 'backup.storage-location',
        title: 'a BackupStorageLocation exists',
        status: 'failed',
        evidence: ['no BackupStorageLocation in the Velero namespace'],
        fix: 'create one (the VeleroPlatform construct or `velero backup-location create`)',
      },
    ];
  }
  return locations.map((l) => ({
    id: `backup.storage-location/${l.name}`,
    title: `storage location ${l.name} is Available`,
    status: l.phase === 'Available' ? 'passed' : 'failed',
    evidence: [
      `phase ${l.phase}${l.isDefault ? ' (default)' : ''}${l.lastValidatedMs !== undefined ? `, validated ${age(clock.now() - l.lastValidatedMs)} ago` : ''}`,
      ...(l.message ? [l.message] : []),
    ],
    fix:
      l.phase === 'Available'
        ? undefined
        : 'check the bucket, its credentials and the network path from the Velero pod (`velero backup-location get`)',
  }));
}

/** Options of {@link createBackup}. */
export interface CreateBackupOptions {
  /** The Backup's name. @default - `backup-<yyyyMMddHHmmss>`, or `<schedule>-<yyyyMMddHHmmss>` with fromSchedule */
  readonly name?: string;
  /** Namespaces to back up. @default - the schedule template's, else all */
  readonly includeNamespaces?: readonly string[];
  /** Namespaces to leave out. @default - none */
  readonly excludeNamespaces?: readonly string[];
  /** A Schedule whose template the Backup copies (and whose label it gets). @default - none */
  readonly fromSchedule?: string;
  /** A Go duration (`720h0m0s`). @default - Velero's default, 720h */
  readonly ttl?: string;
  /** A BackupStorageLocation. @default - Velero's default location */
  readonly storageLocation?: string;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A usage-level problem with the request (exit code 2). */
export class OperationError extends Error {}

function stamp(msValue: number): string {
  return new Date(msValue).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Creates a Backup as `velero backup create` does (with `--from-schedule`: the schedule's template). */
export async function createBackup(cluster: Cluster, clock: Clock, veleroNamespace: string, o: CreateBackupOptions): Promise<KubeObject> {
  let spec: Record<string, unknown> = {};
  const labels: Record<string, string> = { ...(o.labels ?? {}) };
  let name = o.name;
  if (o.fromSchedule) {
    const s = await cluster.get(VELERO_SCHEDULES, o.fromSchedule, veleroNamespace);
    if (!s)
      throw new OperationError(
        `schedule "${o.fromSchedule}" not found in namespace ${veleroNamespace}; list them with kubectl get schedules.velero.io -n ${veleroNamespace}`,
      );
    spec = { ...(((s.spec ?? {}) as { template?: Record<string, unknown> }).template ?? {}) };
    labels['velero.io/schedule-name'] = o.fromSchedule;
    name ??= `${o.fromSchedule}-${stamp(clock.now())}`;
  }
  if (o.includeNamespaces?.length) spec.includedNamespaces = [...o.includeNamespaces];
  if (o.excludeNamespaces?.length) spec.excludedNamespaces = [...o.excludeNamespaces];
  if (o.ttl) spec.ttl = o.ttl;
  if (o.storageLocation) spec.storageLocation = o.storageLocation;
  name ??= `backup-${stamp(clock.now())}`;
  try {
    return await cluster.create(VELERO_BACKUPS, {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name, namespace: veleroNamespace, labels },
      spec,
    });
  } catch (e) {
    if (e instanceof ClusterError && e.status === 409)
      throw new OperationError(`backup "${name}" already exists in namespace ${veleroNamespace}; choose another name`);
    if (e instanceof ClusterError && e.status === 404)
      throw new OperationError(`namespace ${veleroNamespace} does not exist; is Velero installed there? (set --velero-namespace)`);
    throw e;
  }
}

/** Explains a backup that is not Completed, from its status. */
export function explainPhase(b: BackupView): string[] {
  switch (b.phase) {
    case 'PartiallyFailed':
      return [
        `phase PartiallyFailed: ${b.errors} error${b.errors === 1 ? '' : 's'}, ${b.warnings} warning${b.warnings === 1 ? '' : 's'}; ${b.itemsBackedUp ?? 0} of ${b.totalItems ?? '?'} items backed up, so ${Math.max(0, (b.totalItems ?? 0) - (b.itemsBackedUp ?? 0))} are missing from it`,
      ];
    case 'Failed':
      return [`phase Failed: ${b.failureReason ?? 'no failureReason recorded'}`];
    case 'FailedValidation':
      return [`phase FailedValidation: ${b.validationErrors.join('; ') || 'no validationErrors recorded'}`];
    default:
      return [`phase ${b.phase}`];
  }
}

/**
 * Downloads one of Velero's files (`BackupResourceList`, `RestoreResults`, ...) through a
 * DownloadRequest, gunzipped. Undefined when the request is not processed in time or the signed
 * URL cannot be read: it points at the object store, often reachable only inside the cluster, so
 * a caller leaves what depends on the file undecided rather than failing. Creating the request
 * may throw an API error (RBAC, for one), which the caller reports.
 */
export async function downloadVeleroFile(
  cluster: Cluster,
  veleroNamespace: string,
  kind: string,
  name: string,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  const req = await cluster.create(VELERO_DOWNLOAD_REQUESTS, {
    apiVersion: 'velero.io/v1',
    kind: 'DownloadRequest',
    metadata: { name: `${name.slice(0, 40)}-${Math.random().toString(36).slice(2, 8)}`, namespace: veleroNamespace },
    spec: { target: { kind, name } },
  });
  try {
    const r = await waitFor(
      cluster,
      VELERO_DOWNLOAD_REQUESTS,
      req.metadata.name,
      veleroNamespace,
      (o) => (o.status as { phase?: string } | undefined)?.phase === 'Processed',
      { timeoutMs },
    );
    const url = (r.last?.status as { downloadURL?: string } | undefined)?.downloadURL;
    if (r.outcome !== 'met' || !url) return undefined;
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return gunzipSync(Buffer.from(await res.arrayBuffer()));
  } catch {
    return undefined;
  } finally {
    await cluster.delete(VELERO_DOWNLOAD_REQUESTS, req.metadata.name, veleroNamespace).catch(() => false);
  }
}

/** Reads the list of resources in a backup through a DownloadRequest (as `velero backup describe --details`). */
export async function backupResourceList(
  cluster: Cluster,
  veleroNamespace: string,
  backup: string,
  timeoutMs: number,
): Promise<Record<string, string[]> | undefined> {
  const buf = await downloadVeleroFile(cluster, veleroNamespace, 'BackupResourceList', backup, timeoutMs);
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as Record<string, string[]>;
  } catch {
    return undefined;
  }
}

/** Namespaces that have objects in a resource list. */
export function namespacesIn(list: Readonly<Record<string, readonly string[]>>): Set<string> {
  const out = new Set<string>(list['v1/Namespace'] ?? []);
  for (const [key, items] of Object.entries(list)) {
    if (key === 'v1/Namespace') continue;
    for (const i of items) if (i.includes('/')) out.add(i.split('/')[0]);
  }
  return out;
}

/** Which backups `backup validate` checks without names: the newest of each schedule, and every on-demand one. */
export function defaultValidationSet(backups: readonly BackupView[]): BackupView[] {
  const seen = new Set<string>();
  const out: BackupView[] = [];
  for (const b of backups) {
    if (b.schedule) {
      if (seen.has(b.schedule)) continue;
      seen.add(b.schedule);
    }
    out.push(b);
  }
  return out;
}

/** The integrity checks of one backup. */
export async function validateBackup(
  cluster: Cluster,
  clock: Clock,
  veleroNamespace: string,
  b: BackupView,
  locations: readonly LocationView[],
  downloadTimeoutMs = 15000,
): Promise<Check> {
  const id = `backup.validate/${b.name}`;
  const title = `backup ${b.name} is complete and restorable`;
  const now = clock.now();
  if (!FINAL_BACKUP_PHASES.includes(b.phase)) {
    return {
      id,
      title,
      status: 'skipped',
      evidence: [`still running: phase ${b.phase}${b.totalItems !== undefined ? `, ${b.itemsBackedUp ?? 0} of ${b.totalItems} items` : ''}`],
    };
  }
  const problems: string[] = [];
  const facts: string[] = [];
  if (b.phase === 'Completed')
    facts.push(`phase Completed, ${b.errors} error${b.errors === 1 ? '' : 's'}, ${b.warnings} warning${b.warnings === 1 ? '' : 's'}`);
  else problems.push(...explainPhase(b));
  if (b.phase === 'Completed' && b.errors > 0) problems.push(`${b.errors} errors recorded although the phase is Completed`);
  const items = b.itemsBackedUp ?? 0;
  if (items > 0) facts.push(`${items} of ${b.totalItems ?? items} items backed up`);
  else problems.push(`no items backed up (${items} of ${b.totalItems ?? 0})`);
  if (b.expiresMs === undefined) facts.push('no expiration recorded');
  else if (b.expiresMs <= now)
    problems.push(`expired ${age(now - b.expiresMs)} ago (${new Date(b.expiresMs).toISOString()}); Velero's garbage collection deletes it`);
  else facts.push(`expires in ${age(b.expiresMs - now)}`);
  const loc = locations.find((l) => l.name === (b.storageLocation ?? locations.find((x) => x.isDefault)?.name));
  if (!loc) problems.push(`storage location ${b.storageLocation ?? '(default)'} does not exist`);
  else if (loc.phase !== 'Available') problems.push(`storage location ${loc.name} is ${loc.phase}${loc.message ? `: ${loc.message}` : ''}`);
  else facts.push(`storage location ${loc.name} is Available`);
  let undecided: string | undefined;
  const claimed = b.includedNamespaces.filter((n) => n !== '*');
  if (b.phase === 'Completed' || b.phase === 'PartiallyFailed') {
    if (loc?.phase === 'Available') {
      const list = await backupResourceList(cluster, veleroNamespace, b.name, downloadTimeoutMs);
      if (!list)
        undecided = 'its resource list could not be read (the DownloadRequest was not processed, or its signed URL could not be fetched from here)';
      else {
        const present = namespacesIn(list);
        const missing = claimed.filter((n) => !present.has(n));
        const count = Object.values(list).reduce((a, l) => a + l.length, 0);
        if (missing.length)
          problems.push(
            `claims namespace${missing.length === 1 ? '' : 's'} ${missing.join(', ')} but contains nothing from ${missing.length === 1 ? 'it' : 'them'} (contents: ${[...present].sort().join(', ') || 'none'})`,
          );
        else
          facts.push(
            `contains ${claimed.length ? `namespace${claimed.length === 1 ? '' : 's'} ${claimed.join(', ')}` : `${present.size} namespaces`} (${count} objects in its resource list)`,
          );
      }
    }
  }
  if (problems.length) {
    const fix =
      b.phase === 'PartiallyFailed'
        ? `see which items failed with \`velero backup describe ${b.name} --details\` and \`velero backup logs ${b.name}\`, fix them, and take a new backup`
        : b.phase === 'Failed' || b.phase === 'FailedValidation'
          ? `fix the cause above and take a new backup (\`cdk8s-resilience backup create --from-schedule ${b.schedule ?? 'SCHEDULE'} --wait\`)`
          : 'take a new backup that covers these namespaces';
    return { id, title, status: 'failed', evidence: [...problems, ...facts], fix };
  }
  if (undecided)
    return {
      id,
      title,
      status: 'undecided',
      evidence: [...facts, undecided],
      fix: 'check that the Velero server is running and can sign URLs for the bucket',
    };
  return { id, title, status: 'passed', evidence: facts };
}

/** A Schedule's facts. */
export interface ScheduleView {
  readonly name: string;
  readonly cron: string;
  readonly phase: string;
  readonly paused: boolean;
  readonly includedNamespaces: readonly string[];
  readonly validationErrors: readonly string[];
}

export async function listSchedules(cluster: Cluster, veleroNamespace: string): Promise<ScheduleView[]> {
  const list = await cluster.list(VELERO_SCHEDULES, { namespace: veleroNamespace });
  return list.items
    .map((o) => {
      const s = (o.spec ?? {}) as { schedule?: string; paused?: boolean; template?: { includedNamespaces?: string[] } };
      const st = (o.status ?? {}) as { phase?: string; validationErrors?: string[] };
      return {
        name: o.metadata.name,
        cron: s.schedule ?? '',
        phase: st.phase ?? 'New',
        paused: s.paused === true,
        includedNamespaces: s.template?.includedNamespaces ?? [],
        validationErrors: st.validationErrors ?? [],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Grace on top of a schedule's interval: 10% of it, at least 5 minutes (a backup takes time to run). */
export function freshnessGraceSeconds(intervalSeconds: number): number {
  return Math.max(300, Math.round(intervalSeconds * 0.1));
}

/** Freshness of each schedule's last Completed backup, against its own interval and `maxAgeMs`. */
export function freshnessChecks(schedules: readonly ScheduleView[], backups: readonly BackupView[], clock: Clock, maxAgeMs: number): Check[] {
  const now = clock.now();
  return schedules.map((s): Check => {
    const id = `backup.freshness/${s.name}`;
    const title = `schedule ${s.name} has a fresh Completed backup`;
    const mine = backups.filter((b) => b.schedule === s.name);
    const parsed = parseVeleroCron(s.cron);
    if (!parsed.ok)
      return {
        id,
        title,
        status: 'failed',
        evidence: [`its schedule "${s.cron}" is invalid: ${parsed.problem}`, ...s.validationErrors],
        fix: 'fix spec.schedule',
      };
    const interval = worstCaseGapSeconds([s.cron]);
    const allowed = interval + freshnessGraceSeconds(interval);
    const last = mine.filter((b) => b.phase === 'Completed').sort((a, b) => (b.completedMs ?? takenAt(b)) - (a.completedMs ?? takenAt(a)))[0];
    const paused = s.paused ? ['the schedule is paused'] : [];
    if (!last) {
      const phases = mine.map((b) => b.phase);
      const summary = phases.length
        ? `${mine.length} backup${mine.length === 1 ? '' : 's'}, none Completed (${[...new Set(phases)].map((p) => `${phases.filter((x) => x === p).length} ${p}`).join(', ')})`
        : 'no backups at all';
      return {
        id,
        title,
        status: 'failed',
        evidence: [`never succeeded: ${summary}`, ...paused],
        fix: `find out why with \`velero backup describe\` on its latest backup, then run \`cdk8s-resilience backup create --from-schedule ${s.name} --wait\``,
      };
    }
    const ageMs = now - (last.completedMs ?? takenAt(last));
    const ageS = Math.round(ageMs / 1000);
    const withinInterval = ageS <= allowed;
    const withinMax = ageMs <= maxAgeMs;
    const evidence = [
      `last Completed backup ${last.name} finished ${age(ageMs)} ago`,
      `schedule "${s.cron}" runs every ${formatSeconds(interval)} at most; allowed age ${formatSeconds(allowed)} (with ${formatSeconds(freshnessGraceSeconds(interval))} grace): ${withinInterval ? 'within' : 'exceeded'}`,
      `--max-age ${formatSeconds(maxAgeMs / 1000)}: ${withinMax ? 'within' : 'exceeded'}`,
      ...paused,
    ];
    const newer = mine.filter((b) => takenAt(b) > takenAt(last) && FINAL_BACKUP_PHASES.includes(b.phase));
    if (newer.length)
      evidence.push(
        `${newer.length} newer backup${newer.length === 1 ? '' : 's'} did not complete: ${newer
          .slice(0, 3)
          .map((b) => `${b.name} ${b.phase}`)
          .join(', ')}`,
      );
    return {
      id,
      title,
      status: withinInterval && withinMax ? 'passed' : 'failed',
      evidence,
      fix:
        withinInterval && withinMax
          ? undefined
          : `check why recent backups of ${s.name} did not complete; take one now with \`cdk8s-resilience backup create --from-schedule ${s.name} --wait\``,
      measurements: [
        { name: 'age', value: ageS, unit: 'seconds', target: Math.min(allowed, Math.round(maxAgeMs / 1000)) },
        { name: 'schedule interval', value: interval, unit: 'seconds' },
      ],
    };
  });
}

/** What cleanup would do with one backup. */
export interface CleanupDecision {
  readonly backup: BackupView;
  readonly action: 'delete' | 'keep';
  readonly reason: string;
}

/**
 * Plans a cleanup: backups taken more than `olderThanMs` ago are deleted, except the newest
 * Completed backup of each schedule and of each namespace (so nothing loses its last restore
 * point), and backups still running or already being deleted.
 */
export function planCleanup(backups: readonly BackupView[], clock: Clock, olderThanMs: number): CleanupDecision[] {
  const now = clock.now();
  const completed = backups.filter((b) => b.phase === 'Completed').sort((a, b) => takenAt(b) - takenAt(a));
  const protectedBy = new Map<string, string>();
  for (const b of completed) {
    if (b.schedule && ![...protectedBy.values()].includes(`newest Completed backup of schedule ${b.schedule}`)) {
      if (!protectedBy.has(b.name)) protectedBy.set(b.name, `newest Completed backup of schedule ${b.schedule}`);
    }
  }
  const nsSeen = new Set<string>();
  for (const b of completed) {
    for (const ns of b.includedNamespaces.length ? b.includedNamespaces : ['*']) {
      if (nsSeen.has(ns)) continue;
      nsSeen.add(ns);
      if (!protectedBy.has(b.name)) protectedBy.set(b.name, `newest Completed backup of namespace ${ns === '*' ? '(all namespaces)' : ns}`);
    }
  }
  return backups
    .filter((b) => now - takenAt(b) > olderThanMs)
    .map((b): CleanupDecision => {
      const p = protectedBy.get(b.name);
      if (p) return { backup: b, action: 'keep', reason: p };
      if (!FINAL_BACKUP_PHASES.includes(b.phase)) return { backup: b, action: 'keep', reason: `phase ${b.phase}` };
      return { backup: b, action: 'delete', reason: `taken ${age(now - takenAt(b))} ago, older than ${age(olderThanMs)}` };
    });
}

export function cleanupTable(plan: readonly CleanupDecision[], clock: Clock, dryRun: boolean): Table {
  return {
    title: dryRun ? 'Cleanup plan (dry run: nothing deleted)' : 'Cleanup',
    columns: ['name', 'phase', 'age', 'schedule', 'action', 'why'],
    rows: plan.map((d) => [
      d.backup.name,
      d.backup.phase,
      age(clock.now() - takenAt(d.backup)),
      d.backup.schedule ?? '-',
      d.action === 'delete' ? (dryRun ? 'would delete' : 'delete') : 'keep',
      d.reason,
    ]),
  };
}

/** Deletes one backup through a DeleteBackupRequest and waits until Velero processed it. */
export async function deleteBackup(cluster: Cluster, veleroNamespace: string, b: BackupView, timeoutMs: number): Promise<Check> {
  const started = Date.now();
  const dbr = await cluster.create(VELERO_DELETE_REQUESTS, {
    apiVersion: 'velero.io/v1',
    kind: 'DeleteBackupRequest',
    metadata: {
      name: `${b.name.slice(0, 40)}-${Math.random().toString(36).slice(2, 7)}`,
      namespace: veleroNamespace,
      labels: { 'velero.io/backup-name': b.name },
    },
    spec: { backupName: b.name },
  });
  const r = await waitFor(
    cluster,
    VELERO_DELETE_REQUESTS,
    dbr.metadata.name,
    veleroNamespace,
    (o) => (o.status as { phase?: string } | undefined)?.phase === 'Processed',
    { timeoutMs },
  );
  const id = `backup.cleanup/${b.name}`;
  const title = `backup ${b.name} deleted`;
  const durationSeconds = (Date.now() - started) / 1000;
  if (r.outcome !== 'met') {
    return {
      id,
      title,
      status: 'undecided',
      evidence: [
        `DeleteBackupRequest ${dbr.metadata.name} not processed within ${timeoutMs / 1000}s (last phase: ${(r.last?.status as { phase?: string } | undefined)?.phase ?? 'New'})`,
      ],
      fix: 'check that the Velero server is running',
      durationSeconds,
    };
  }
  const errors = strs((r.last!.status as { errors?: unknown }).errors);
  const still = await cluster.get(VELERO_BACKUPS, b.name, veleroNamespace);
  if (errors.length || still) {
    return {
      id,
      title,
      status: 'failed',
      evidence: [`DeleteBackupRequest ${dbr.metadata.name} Processed with errors: ${errors.join('; ') || 'the Backup still exists'}`],
      fix: 'read the errors, fix the storage location, and run cleanup again',
      durationSeconds,
    };
  }
  return {
    id,
    title,
    status: 'passed',
    evidence: [`DeleteBackupRequest ${dbr.metadata.name} Processed; the Backup and its files are gone`],
    durationSeconds,
  };
}
