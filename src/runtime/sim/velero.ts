/**
 * A simulated Velero server (v1.18 behaviour, from its CRDs and documentation):
 *
 * - Backup: validated (storage location exists and is Available), then
 *   `Queued → ReadyToStart → InProgress → Finalizing → Completed`, or through
 *   `FinalizingPartiallyFailed` to `PartiallyFailed` (with `errors`), or `Failed` (with
 *   `failureReason`), or `FailedValidation` (with `validationErrors`). It fills `version`,
 *   `formatVersion`, `startTimestamp`, `expiration` (start + `spec.ttl`, default 720h),
 *   `progress.totalItems/itemsBackedUp`, `warnings`, `errors` and `completionTimestamp`, labels
 *   the backup with `velero.io/storage-location`, and writes the objects of the namespaces it
 *   includes to the simulated object store.
 * - Schedule: `Enabled` or `FailedValidation`; creates `<schedule>-<yyyyMMddHHmmss>` backups
 *   from its template on its cron (on the simulation clock), labelled
 *   `velero.io/schedule-name`, and records `status.lastBackup`.
 * - Restore: `InProgress → Completed | PartiallyFailed | Failed`, recreating objects from the
 *   backup (without their status, which controllers rebuild) with `namespaceMapping` and
 *   included/excluded namespaces, counting `progress.itemsRestored`, warning about objects
 *   that already exist, and writing its results file; a deleted Restore restores nothing more.
 * - DeleteBackupRequest: `InProgress → Processed`, deletes the backup, its files and its restores.
 * - BackupStorageLocation: `Available`, or `Unavailable` with a message under the fault.
 * - DownloadRequest: `Processed` with a `downloadURL` to a backup's resource list or a
 *   restore's results (errors and warnings per namespace).
 * - Backup sync: on a period, backups in the object store that the cluster has no Backup
 *   object for (made by another cluster sharing the bucket) get one; Completed backups whose
 *   files are gone are deleted.
 * - Garbage collection: every hour (simulated time), a DeleteBackupRequest for each backup
 *   past its `status.expiration`, as Velero's gc controller does.
 */
import { gzipSync } from 'zlib';
import { nextCronRun, parseVeleroCron } from '../../backup/cron';
import { goDurationMs } from '../../common/duration';
import {
  ALL_TYPES,
  NAMESPACES,
  VELERO_BACKUPS,
  VELERO_DELETE_REQUESTS,
  VELERO_DOWNLOAD_REQUESTS,
  VELERO_RESTORES,
  VELERO_SCHEDULES,
  VELERO_STORAGE_LOCATIONS,
} from '../cluster/resources';
import { ResourceType } from '../cluster/types';
import { SimContext, SimController } from './controller';
import { takeFault } from './faults';
import { isoSeconds, Obj, StoreEvent } from './store';

/** One backup's files in the simulated object store. */
export interface BackupArchive {
  readonly backup: string;
  readonly items: ReadonlyArray<{ readonly type: ResourceType; readonly object: Obj }>;
  /** The Backup object as Velero uploads it (`velero-backup.json`) when the backup ends; what another cluster's backup sync reads. @default - none */
  readonly metadata?: Obj;
}

/** What a restore did, per scope, as Velero writes `restore-<name>-results.gz`. */
export interface RestoreResults {
  readonly errors: { readonly velero: string[]; readonly cluster: string[]; readonly namespaces: Record<string, string[]> };
  readonly warnings: { readonly velero: string[]; readonly cluster: string[]; readonly namespaces: Record<string, string[]> };
}

/**
 * The simulated object storage bucket behind every BackupStorageLocation. Two simulated
 * clusters given the same ObjectStorage share their backups (a region failover setup).
 */
export class ObjectStorage {
  readonly archives = new Map<string, BackupArchive>();
  readonly restoreResults = new Map<string, RestoreResults>();

  /** The gzipped results of a restore. */
  restoreResultsGz(restore: string): Buffer | undefined {
    const r = this.restoreResults.get(restore);
    return r ? gzipSync(Buffer.from(JSON.stringify(r))) : undefined;
  }

  /** Velero's resource list: `group/version/Kind` → `namespace/name` (or `name`). */
  resourceList(backup: string): Record<string, string[]> | undefined {
    const a = this.archives.get(backup);
    if (!a) return undefined;
    const out: Record<string, string[]> = {};
    for (const { type, object } of a.items) {
      const key = `${type.group ? `${type.group}/` : ''}${type.version}/${type.kind}`;
      (out[key] ??= []).push(object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name);
    }
    return out;
  }

  /** The gzipped resource list, as Velero stores `<backup>-resource-list.json.gz`. */
  resourceListGz(backup: string): Buffer | undefined {
    const l = this.resourceList(backup);
    return l ? gzipSync(Buffer.from(JSON.stringify(l))) : undefined;
  }
}

const DEFAULT_TTL_MS = 720 * 3600 * 1000;
const GC_INTERVAL_MS = 3600 * 1000;

/** `yyyyMMddHHmmss` in UTC, as Velero names scheduled backups. */
export function scheduleTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Namespace-scoped types whose objects a backup takes (not Velero's or Chaos Mesh's own, not events). */
const BACKED_UP = ALL_TYPES.filter((t) => t.namespaced !== false && t.group !== 'velero.io' && t.group !== 'chaos-mesh.org' && t.plural !== 'events');

function spec(o: Obj): Record<string, unknown> {
  return (o.spec ?? {}) as Record<string, unknown>;
}
function status(o: Obj): Record<string, unknown> {
  return (o.status ?? {}) as Record<string, unknown>;
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function matchesNamespace(ns: string, included: string[], excluded: string[]): boolean {
  const all = included.length === 0 || included.includes('*');
  return (all || included.includes(ns)) && !excluded.includes(ns);
}

export class VeleroController implements SimController {
  readonly name = 'velero';
  private ctx!: SimContext;
  private unsubscribe?: () => void;
  private readonly scheduleTimers = new Map<string, { spec: string; cancel: () => void }>();
  private stopped = false;
  private cancelGc?: () => void;
  private cancelSync?: () => void;
  private readonly stuck: Array<() => void> = [];

  constructor(
    readonly storage: ObjectStorage,
    /** Base URL of the signed download links (the simulated API server). */
    private readonly downloadBase: () => string,
  ) {}

  start(ctx: SimContext): void {
    this.ctx = ctx;
    this.unsubscribe = ctx.store.subscribe((e) => setImmediate(() => this.onEvent(e)));
    for (const bsl of ctx.store.list(VELERO_STORAGE_LOCATIONS)) this.validateLocation(bsl);
    for (const s of ctx.store.list(VELERO_SCHEDULES)) this.armSchedule(s);
    this.armGc();
    this.armSync();
  }

  /** Velero's backup sync: on a period, backups found in the object store become Backup objects. */
  private armSync(): void {
    this.cancelSync = this.ctx.clock.after(this.ctx.timing.backupSyncMs, () => {
      if (this.stopped) return;
      this.syncBackups();
      this.armSync();
    });
  }

  /**
   * Creates a Backup for every backup in the object store this cluster has no object for
   * (made by another cluster sharing the bucket), and deletes Completed backups whose files
   * are gone from it, as Velero's backup sync controller does.
   */
  syncBackups(): void {
    const { store } = this.ctx;
    const locations = store.list(VELERO_STORAGE_LOCATIONS, this.ctx.veleroNamespace);
    const location = locations.find((b) => spec(b).default === true) ?? locations[0];
    if (!location || this.ctx.faults.unavailableStorage.has(location.metadata.name)) return;
    for (const a of this.storage.archives.values()) {
      if (!a.metadata || store.get(VELERO_BACKUPS, this.ctx.veleroNamespace, a.backup)) continue;
      const { uid: _u, resourceVersion: _r, ...meta } = a.metadata.metadata as Record<string, unknown>;
      void _u;
      void _r;
      store.create(
        VELERO_BACKUPS,
        {
          ...a.metadata,
          metadata: {
            ...meta,
            name: a.backup,
            namespace: this.ctx.veleroNamespace,
            labels: { ...((meta.labels as Record<string, string>) ?? {}), 'velero.io/storage-location': location.metadata.name },
          },
        } as Obj,
        this.ctx.veleroNamespace,
      );
    }
    for (const b of store.list(VELERO_BACKUPS, this.ctx.veleroNamespace)) {
      if (status(b).phase === 'Completed' && !this.storage.archives.has(b.metadata.name))
        store.delete(VELERO_BACKUPS, b.metadata.namespace, b.metadata.name);
    }
  }

  /** Records a backup's metadata in the object store (for seeded backups; a real backup does it when it ends). */
  uploadMetadata(name: string): void {
    const b = this.ctx.store.get(VELERO_BACKUPS, this.ctx.veleroNamespace, name);
    const a = this.storage.archives.get(name);
    if (b && a) this.storage.archives.set(name, { ...a, metadata: b });
  }

  /** Lets every restore held by the `stuck` fault go on (tests: the controller recovered). */
  releaseStuckRestores(): void {
    const held = [...this.stuck];
    this.stuck.length = 0;
    for (const go of held) go();
  }

  /** Velero's garbage collection: hourly, expired backups get a DeleteBackupRequest. */
  private armGc(): void {
    this.cancelGc = this.ctx.clock.after(GC_INTERVAL_MS, () => {
      if (this.stopped) return;
      this.collectExpired();
      this.armGc();
    });
  }

  /** Creates a DeleteBackupRequest for every expired backup that has none yet. */
  collectExpired(): void {
    const now = this.ctx.clock.now();
    const pending = new Set(this.ctx.store.list(VELERO_DELETE_REQUESTS).map((d) => String(spec(d).backupName)));
    for (const b of this.ctx.store.list(VELERO_BACKUPS)) {
      const exp = Date.parse(String(status(b).expiration ?? ''));
      if (Number.isNaN(exp) || exp > now || pending.has(b.metadata.name)) continue;
      this.ctx.store.create(
        VELERO_DELETE_REQUESTS,
        {
          metadata: {
            name: `${b.metadata.name.slice(0, 40)}-gc${Math.random().toString(36).slice(2, 7)}`,
            namespace: b.metadata.namespace,
            labels: { 'velero.io/backup-name': b.metadata.name },
          },
          spec: { backupName: b.metadata.name },
        },
        b.metadata.namespace,
      );
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancelGc?.();
    this.cancelSync?.();
    this.unsubscribe?.();
    for (const t of this.scheduleTimers.values()) t.cancel();
    this.scheduleTimers.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped || e.type.group !== 'velero.io') return;
    const o = e.object;
    const fresh = e.kind === 'ADDED' && !status(o).phase;
    switch (e.type.plural) {
      case 'backups':
        if (fresh || (e.kind === 'ADDED' && status(o).phase === 'New')) this.runBackup(o);
        break;
      case 'restores':
        if (fresh) this.runRestore(o);
        break;
      case 'deletebackuprequests':
        if (fresh) this.runDelete(o);
        break;
      case 'backupstoragelocations':
        if (e.kind === 'ADDED') this.validateLocation(o);
        break;
      case 'downloadrequests':
        if (fresh) this.runDownload(o);
        break;
      case 'schedules':
        if (e.kind === 'DELETED') {
          this.scheduleTimers.get(`${o.metadata.namespace}/${o.metadata.name}`)?.cancel();
          this.scheduleTimers.delete(`${o.metadata.namespace}/${o.metadata.name}`);
        } else this.armSchedule(o);
        break;
      default:
        break;
    }
  }

  private now(): string {
    return isoSeconds(this.ctx.clock.now());
  }

  /** Writes `status` fields of an object if it still exists; returns false if it is gone. */
  private setStatus(type: ResourceType, o: Obj, fields: Record<string, unknown>, labels?: Record<string, string>): boolean {
    const cur = this.ctx.store.get(type, o.metadata.namespace, o.metadata.name);
    if (!cur || cur.metadata.uid !== o.metadata.uid) return false;
    const next: Record<string, unknown> = { ...status(cur), ...fields };
    for (const [k, v] of Object.entries(next)) if (v === null || v === undefined) delete next[k];
    this.ctx.store.update(type, {
      ...cur,
      metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...(labels ?? {}) } },
      status: next,
    } as Obj);
    return true;
  }

  /** Re-checks every storage location (call after changing the storage fault). */
  revalidateLocations(): void {
    for (const bsl of this.ctx.store.list(VELERO_STORAGE_LOCATIONS)) this.validateLocation(bsl);
  }

  private validateLocation(bsl: Obj): 'Available' | 'Unavailable' {
    const down = this.ctx.faults.unavailableStorage.has(bsl.metadata.name);
    const phase = down ? 'Unavailable' : 'Available';
    const st = status(bsl);
    if (st.phase !== phase || !st.lastValidationTime) {
      const fields: Record<string, unknown> = { phase, lastValidationTime: this.now() };
      fields.message = down
        ? `simulated: BackupStorageLocation "${bsl.metadata.name}" is unavailable: rpc error: code = Unknown desc = the bucket cannot be reached`
        : null;
      if (!down) delete fields.message;
      const cur = this.ctx.store.get(VELERO_STORAGE_LOCATIONS, bsl.metadata.namespace, bsl.metadata.name);
      if (cur) {
        const next = { ...status(cur), ...fields } as Record<string, unknown>;
        if (!down) delete next.message;
        this.ctx.store.update(VELERO_STORAGE_LOCATIONS, { ...cur, status: next } as Obj);
      }
    }
    return phase;
  }

  private locationFor(backup: Obj): { name: string; problem?: string } {
    const wanted = spec(backup).storageLocation as string | undefined;
    const all = this.ctx.store.list(VELERO_STORAGE_LOCATIONS, this.ctx.veleroNamespace);
    const bsl = wanted
      ? all.find((b) => b.metadata.name === wanted)
      : (all.find((b) => spec(b).default === true) ?? all.find((b) => b.metadata.name === 'default'));
    if (!bsl) {
      return {
        name: wanted ?? 'default',
        problem: wanted
          ? `an existing backup storage location wasn't specified at backup creation time and the default '${wanted}' wasn't found. Please address this issue (see \`velero backup-location -h\` for options) and create a new backup. Error: BackupStorageLocation.velero.io "${wanted}" not found`
          : `an existing backup storage location wasn't specified at backup creation time and the server default 'default' doesn't exist. Please address this issue (see \`velero backup-location -h\` for options) and create a new backup. Error: BackupStorageLocation.velero.io "default" not found`,
      };
    }
    if (this.validateLocation(bsl) === 'Unavailable') {
      return {
        name: bsl.metadata.name,
        problem: `backup can't be created because BackupStorageLocation ${bsl.metadata.name} is in Unavailable status.`,
      };
    }
    return { name: bsl.metadata.name };
  }

  /** The objects a backup spec selects, now. */
  private select(backupSpec: Record<string, unknown>): Array<{ type: ResourceType; object: Obj }> {
    const inc = strings(backupSpec.includedNamespaces);
    const exc = strings(backupSpec.excludedNamespaces);
    const matchLabels = (backupSpec.labelSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
    const byLabels = (o: Obj): boolean => Object.entries(matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v);
    const namespaces = this.ctx.store
      .list(NAMESPACES)
      .filter((n) => n.metadata.name !== this.ctx.veleroNamespace || inc.includes(n.metadata.name))
      .filter((n) => matchesNamespace(n.metadata.name, inc, exc));
    const items: Array<{ type: ResourceType; object: Obj }> = [];
    for (const ns of namespaces) {
      if (Object.keys(matchLabels).length === 0) items.push({ type: NAMESPACES, object: ns });
      for (const t of BACKED_UP) for (const o of this.ctx.store.list(t, ns.metadata.name)) if (byLabels(o)) items.push({ type: t, object: o });
    }
    return items;
  }

  /** Takes a backup now, as it would be archived (for seeding scenarios and for tests). */
  archive(backupName: string, backupSpec: Record<string, unknown>): number {
    const items = this.select(backupSpec);
    this.storage.archives.set(backupName, { backup: backupName, items });
    return items.length;
  }

  private runBackup(b: Obj): void {
    const { later } = this.ctx;
    const s = spec(b);
    const loc = this.locationFor(b);
    const labels = { 'velero.io/storage-location': loc.name };
    later(this.ctx.timing.phaseMs / 3, () => {
      if (loc.problem) {
        this.setStatus(
          VELERO_BACKUPS,
          b,
          {
            phase: 'FailedValidation',
            validationErrors: [loc.problem],
            version: 1,
            formatVersion: '1.1.0',
            expiration: isoSeconds(this.ctx.clock.now() + (goDurationMs(s.ttl as string) ?? DEFAULT_TTL_MS)),
          },
          labels,
        );
        return;
      }
      if (!this.setStatus(VELERO_BACKUPS, b, { phase: 'Queued', queuePosition: 1 }, labels)) return;
      later(this.ctx.timing.phaseMs / 3, () => {
        if (!this.setStatus(VELERO_BACKUPS, b, { phase: 'ReadyToStart', queuePosition: null })) return;
        later(this.ctx.timing.phaseMs / 3, () => {
          const startedAt = this.ctx.clock.now();
          const items = this.select(s);
          const total = items.length;
          const fault = takeFault(this.ctx.faults.backupOutcomes, (f) => !f.namePrefix || b.metadata.name.startsWith(f.namePrefix));
          if (
            !this.setStatus(VELERO_BACKUPS, b, {
              phase: 'InProgress',
              version: 1,
              formatVersion: '1.1.0',
              startTimestamp: isoSeconds(startedAt),
              expiration: isoSeconds(startedAt + (goDurationMs(s.ttl as string) ?? DEFAULT_TTL_MS)),
              progress: { totalItems: total, itemsBackedUp: 0 },
            })
          )
            return;
          later(this.ctx.timing.phaseMs, () => {
            const half = Math.floor(total / 2);
            if (!this.setStatus(VELERO_BACKUPS, b, { progress: { totalItems: total, itemsBackedUp: half } })) return;
            later(this.ctx.timing.phaseMs, () => {
              if (fault?.outcome === 'Failed') {
                this.setStatus(VELERO_BACKUPS, b, {
                  phase: 'Failed',
                  failureReason: fault.failureReason ?? 'simulated: error uploading the backup tarball to object storage: the bucket returned 503',
                  completionTimestamp: this.now(),
                  errors: 0,
                  warnings: 0,
                });
                return;
              }
              const errors = fault ? Math.min(total, fault.errors ?? 2) : 0;
              const backedUp = total - errors;
              // The omission fault: a namespace's objects never reach the archive, yet the backup completes.
              const omission = takeFault(this.ctx.faults.backupOmissions, (f) =>
                items.some(({ type, object }) => (type === NAMESPACES ? object.metadata.name : object.metadata.namespace) === f.namespace),
              );
              const kept = items
                .slice(0, backedUp)
                .filter(
                  ({ type, object }) => !omission || (type === NAMESPACES ? object.metadata.name : object.metadata.namespace) !== omission.namespace,
                );
              this.storage.archives.set(b.metadata.name, { backup: b.metadata.name, items: kept });
              const warnings = strings(s.includedNamespaces).filter((n) => n !== '*' && !this.ctx.store.get(NAMESPACES, undefined, n)).length;
              if (
                !this.setStatus(VELERO_BACKUPS, b, {
                  phase: errors ? 'FinalizingPartiallyFailed' : 'Finalizing',
                  progress: { totalItems: total, itemsBackedUp: backedUp },
                  errors: errors || undefined,
                  warnings: warnings || undefined,
                })
              )
                return;
              later(this.ctx.timing.phaseMs / 2, () => {
                if (this.setStatus(VELERO_BACKUPS, b, { phase: errors ? 'PartiallyFailed' : 'Completed', completionTimestamp: this.now() }))
                  this.uploadMetadata(b.metadata.name);
              });
            });
          });
        });
      });
    });
  }

  private armSchedule(s: Obj): void {
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    const cron = String(spec(s).schedule ?? '');
    const specText = JSON.stringify(s.spec ?? {});
    const armed = this.scheduleTimers.get(key);
    if (armed && armed.spec === specText) return;
    armed?.cancel();
    this.scheduleTimers.delete(key);
    const parsed = parseVeleroCron(cron);
    const st = status(s);
    if (!parsed.ok) {
      if (st.phase !== 'FailedValidation')
        this.setStatus(VELERO_SCHEDULES, s, { phase: 'FailedValidation', validationErrors: [`invalid schedule: ${parsed.problem}`] });
      return;
    }
    if (st.phase !== 'Enabled') this.setStatus(VELERO_SCHEDULES, s, { phase: 'Enabled', validationErrors: null });
    const arm = (): void => {
      const now = this.ctx.clock.now();
      const next = nextCronRun(cron, now);
      const cancel = this.ctx.clock.after(next - now, () => {
        if (this.stopped) return;
        const cur = this.ctx.store.get(VELERO_SCHEDULES, s.metadata.namespace, s.metadata.name);
        if (!cur) return;
        if (spec(cur).paused === true) {
          this.setStatus(VELERO_SCHEDULES, cur, { lastSkipped: isoSeconds(next) });
        } else {
          this.fireSchedule(cur, next);
        }
        arm();
      });
      this.scheduleTimers.set(key, { spec: specText, cancel });
    };
    arm();
  }

  /** Creates the backup a schedule makes at `at` (ms), as Velero's schedule controller does. */
  fireSchedule(s: Obj, at: number): Obj {
    const tpl = (spec(s).template ?? {}) as Record<string, unknown>;
    const b = this.ctx.store.create(
      VELERO_BACKUPS,
      {
        metadata: {
          name: `${s.metadata.name}-${scheduleTimestamp(at)}`,
          namespace: s.metadata.namespace,
          labels: {
            ...((spec(s).template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? {}),
            'velero.io/schedule-name': s.metadata.name,
          },
        },
        spec: tpl,
      },
      s.metadata.namespace,
    );
    this.setStatus(VELERO_SCHEDULES, s, { lastBackup: isoSeconds(at) });
    return b;
  }

  private runRestore(r: Obj): void {
    const { later, store } = this.ctx;
    const s = spec(r);
    later(this.ctx.timing.phaseMs / 2, () => {
      let backupName = s.backupName as string | undefined;
      if (!backupName && s.scheduleName) {
        const latest = store
          .list(VELERO_BACKUPS, r.metadata.namespace, `velero.io/schedule-name=${String(s.scheduleName)}`)
          .filter((b) => status(b).phase === 'Completed')
          .sort((a, b) => String(status(b).startTimestamp).localeCompare(String(status(a).startTimestamp)))[0];
        backupName = latest?.metadata.name;
      }
      const backup = backupName ? store.get(VELERO_BACKUPS, r.metadata.namespace, backupName) : undefined;
      const problems: string[] = [];
      if (!backupName) problems.push('Either a backup or schedule must be specified as a source for the restore, but not both');
      else if (!backup) problems.push(`Error retrieving backup: backups.velero.io "${backupName}" not found`);
      else if (!['Completed', 'PartiallyFailed'].includes(String(status(backup).phase)))
        problems.push(
          `backup "${backupName}" is in phase ${String(status(backup).phase ?? 'New')}; only Completed or PartiallyFailed backups can be restored`,
        );
      const archive = backupName ? this.storage.archives.get(backupName) : undefined;
      if (!problems.length && !archive)
        problems.push(`error downloading backup "${backupName}" from the backup storage location: the backup tarball is not in object storage`);
      if (problems.length) {
        this.setStatus(
          VELERO_RESTORES,
          r,
          { phase: 'FailedValidation', validationErrors: problems },
          backupName ? { 'velero.io/backup-name': backupName } : undefined,
        );
        return;
      }
      const inc = strings(s.includedNamespaces);
      const exc = strings(s.excludedNamespaces);
      const mapping = (s.namespaceMapping ?? {}) as Record<string, string>;
      // Pods owned by a controller and Endpoints are recreated by their controllers.
      const items = archive!.items.filter(({ type, object }) => {
        const ns = type === NAMESPACES ? object.metadata.name : object.metadata.namespace!;
        if (!matchesNamespace(ns, inc, exc)) return false;
        if (type.plural === 'pods' && object.metadata.ownerReferences?.length) return false;
        if (type.plural === 'endpoints') return false;
        return true;
      });
      const fault = takeFault(this.ctx.faults.restoreOutcomes, (f) => !f.namePrefix || r.metadata.name.startsWith(f.namePrefix));
      const total = items.length;
      if (
        !this.setStatus(
          VELERO_RESTORES,
          r,
          { phase: 'InProgress', startTimestamp: this.now(), progress: { totalItems: total, itemsRestored: 0 } },
          { 'velero.io/backup-name': backupName! },
        )
      )
        return;
      const proceed = (): void => later(this.ctx.timing.phaseMs, () => this.restoreItems(r, backupName!, items, mapping, fault?.outcome));
      // A stuck restore stays InProgress until the test releases it (as a restarted Velero server would pick it up).
      if (fault?.outcome === 'stuck') this.stuck.push(proceed);
      else proceed();
    });
  }

  /** Recreates a restore's items, records its results, then finishes it. */
  private restoreItems(
    r: Obj,
    backupName: string,
    items: ReadonlyArray<{ type: ResourceType; object: Obj }>,
    mapping: Record<string, string>,
    outcome: string | undefined,
  ): void {
    const { later, store } = this.ctx;
    // A Restore deleted meanwhile restores nothing more.
    const live = (): boolean => store.get(VELERO_RESTORES, r.metadata.namespace, r.metadata.name)?.metadata.uid === r.metadata.uid;
    if (this.stopped || !live()) return;
    if (outcome === 'Failed') {
      this.setStatus(VELERO_RESTORES, r, {
        phase: 'Failed',
        failureReason: 'simulated: error downloading the backup contents from object storage',
        completionTimestamp: this.now(),
      });
      return;
    }
    const total = items.length;
    const failing = outcome === 'PartiallyFailed' ? Math.min(2, total) : 0;
    let restored = 0;
    const results: RestoreResults = { errors: { velero: [], cluster: [], namespaces: {} }, warnings: { velero: [], cluster: [], namespaces: {} } };
    const note = (bucket: 'errors' | 'warnings', ns: string | undefined, text: string): void => {
      if (ns === undefined) results[bucket].cluster.push(text);
      else (results[bucket].namespaces[ns] ??= []).push(text);
    };
    const ordered = [...items].sort((a, b) => (a.type === NAMESPACES ? -1 : 0) - (b.type === NAMESPACES ? -1 : 0));
    ordered.forEach(({ type, object }, i) => {
      const srcNs = type === NAMESPACES ? object.metadata.name : object.metadata.namespace!;
      const ns = mapping[srcNs] ?? srcNs;
      const what = `${type.kind.toLowerCase()}s${type.group ? `.${type.group}` : ''} ${type === NAMESPACES ? ns : `${ns}/${object.metadata.name}`}`;
      if (i >= total - failing) {
        note(
          'errors',
          type === NAMESPACES ? undefined : ns,
          `error restoring ${what}: simulated: admission webhook "policy.example.com" denied the request`,
        );
        return;
      }
      const { uid: _u, resourceVersion: _r, creationTimestamp: _c, deletionTimestamp: _d, ...meta } = object.metadata as Record<string, unknown>;
      void _u;
      void _r;
      void _c;
      void _d;
      const target = type === NAMESPACES ? { ...meta, name: ns } : { ...meta, namespace: ns };
      (target as Record<string, unknown>).labels = {
        ...((meta.labels as Record<string, string>) ?? {}),
        'velero.io/backup-name': backupName,
        'velero.io/restore-name': r.metadata.name,
      };
      // Velero restores no status (unless spec.restoreStatus asks): controllers rebuild it.
      const copy = { ...object, metadata: target } as Obj;
      delete (copy as { status?: unknown }).status;
      if (type === NAMESPACES) delete (copy as { spec?: unknown }).spec;
      if (store.get(type, type === NAMESPACES ? undefined : ns, copy.metadata.name)) {
        note(
          'warnings',
          type === NAMESPACES ? undefined : ns,
          `could not restore, ${type.kind} "${copy.metadata.name}" already exists. Warning: the in-cluster version is different than the backed-up version`,
        );
        return;
      }
      try {
        store.create(type, copy, type === NAMESPACES ? undefined : ns);
        restored++;
      } catch (e) {
        note('errors', type === NAMESPACES ? undefined : ns, `error restoring ${what}: ${(e as Error).message}`);
      }
    });
    const count = (b: RestoreResults['errors']): number =>
      b.velero.length + b.cluster.length + Object.values(b.namespaces).reduce((a, l) => a + l.length, 0);
    const errors = count(results.errors);
    const warnings = count(results.warnings);
    this.storage.restoreResults.set(r.metadata.name, results);
    if (
      !this.setStatus(VELERO_RESTORES, r, {
        phase: errors ? 'FinalizingPartiallyFailed' : 'Finalizing',
        progress: { totalItems: total, itemsRestored: restored },
      })
    )
      return;
    later(this.ctx.timing.phaseMs / 2, () => {
      this.setStatus(VELERO_RESTORES, r, {
        phase: errors ? 'PartiallyFailed' : 'Completed',
        completionTimestamp: this.now(),
        warnings: warnings || undefined,
        errors: errors || undefined,
      });
    });
  }

  private runDelete(d: Obj): void {
    const { later, store } = this.ctx;
    const name = String(spec(d).backupName ?? '');
    later(this.ctx.timing.phaseMs / 2, () => {
      if (!this.setStatus(VELERO_DELETE_REQUESTS, d, { phase: 'InProgress' }, { 'velero.io/backup-name': name })) return;
      later(this.ctx.timing.phaseMs, () => {
        const b = store.get(VELERO_BACKUPS, d.metadata.namespace, name);
        const errors: string[] = [];
        if (!b) errors.push(`backup "${name}" not found`);
        else {
          const loc = this.locationFor(b);
          if (loc.problem) errors.push(`error deleting backup files: ${loc.problem}`);
        }
        if (!errors.length && b) {
          this.storage.archives.delete(name);
          for (const r of store.list(VELERO_RESTORES, d.metadata.namespace, `velero.io/backup-name=${name}`))
            store.delete(VELERO_RESTORES, r.metadata.namespace, r.metadata.name);
          store.delete(VELERO_BACKUPS, b.metadata.namespace, b.metadata.name);
        }
        this.setStatus(VELERO_DELETE_REQUESTS, d, { phase: 'Processed', ...(errors.length ? { errors } : {}) });
      });
    });
  }

  private runDownload(d: Obj): void {
    const target = (spec(d).target ?? {}) as { kind?: string; name?: string };
    this.ctx.later(this.ctx.timing.phaseMs / 3, () => {
      if (target.kind === 'RestoreResults' && target.name && this.storage.restoreResults.has(target.name)) {
        this.setStatus(VELERO_DOWNLOAD_REQUESTS, d, {
          phase: 'Processed',
          downloadURL: `${this.downloadBase()}/sim-objectstore/restores/${encodeURIComponent(target.name)}/restore-${encodeURIComponent(target.name)}-results.gz?X-Sim-Signature=1`,
          expiration: isoSeconds(this.ctx.clock.now() + 10 * 60 * 1000),
        });
        return;
      }
      if (target.kind !== 'BackupResourceList' || !target.name || !this.storage.archives.has(target.name)) {
        // Velero leaves the request unprocessed when the file cannot be signed; the client times out.
        this.setStatus(VELERO_DOWNLOAD_REQUESTS, d, { phase: 'New' });
        return;
      }
      this.setStatus(VELERO_DOWNLOAD_REQUESTS, d, {
        phase: 'Processed',
        downloadURL: `${this.downloadBase()}/sim-objectstore/backups/${encodeURIComponent(target.name)}/${encodeURIComponent(target.name)}-resource-list.json.gz?X-Sim-Signature=1`,
        expiration: isoSeconds(this.ctx.clock.now() + 10 * 60 * 1000),
      });
    });
  }
}
