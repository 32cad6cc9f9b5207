/**
 * `cdk8s-resilience backup create|list|validate|freshness|cleanup|report`: Velero backups
 * through Velero's API objects, the runtime counterpart of the chapter's
 * backup-automation.py (--create, --validate-backups, --check-freshness, --cleanup,
 * --generate-report).
 */
import { Command } from 'commander';
import {
  backupTable,
  BackupView,
  cleanupTable,
  createBackup,
  defaultValidationSet,
  deleteBackup,
  explainPhase,
  FINAL_BACKUP_PHASES,
  freshnessChecks,
  listBackups,
  listLocations,
  listSchedules,
  locationChecks,
  planCleanup,
  validateBackup,
  age,
  backupView,
  ScheduleView,
} from '../backup/operations';
import { VELERO_BACKUPS } from '../cluster/resources';
import { waitFor } from '../cluster/wait';
import { Check, Section } from '../report/model';
import {
  CliIo,
  CommandContext,
  CommandState,
  durationFlag,
  GlobalOptions,
  isSimulated,
  makeReport,
  runClusterCommand,
  UsageError,
  withGlobalFlags,
} from './common';

function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Backups concerning -n NAMESPACE (included, or all namespaces). */
function concerning(backups: readonly BackupView[], ns: string | undefined): BackupView[] {
  if (!ns) return [...backups];
  return backups.filter(
    (b) =>
      (b.includedNamespaces.length === 0 || b.includedNamespaces.includes('*') || b.includedNamespaces.includes(ns)) &&
      !b.excludedNamespaces.includes(ns),
  );
}

function schedulesConcerning(schedules: readonly ScheduleView[], ns: string | undefined): ScheduleView[] {
  if (!ns) return [...schedules];
  return schedules.filter((s) => s.includedNamespaces.length === 0 || s.includedNamespaces.includes('*') || s.includedNamespaces.includes(ns));
}

/** A Go duration Velero accepts, from `30d`, `720h`, `90m`. */
function ttlFlag(value: string): string {
  const msValue = durationFlag('--ttl', value);
  const h = Math.floor(msValue / 3600000);
  const m = Math.floor((msValue % 3600000) / 60000);
  const s = Math.floor((msValue % 60000) / 1000);
  return `${h}h${m}m${s}s`;
}

async function validateSection(ctx: CommandContext, backups: readonly BackupView[], names: readonly string[]): Promise<Section> {
  const { cluster, clock, options } = ctx;
  const locations = await listLocations(cluster, options.veleroNamespace);
  let chosen: BackupView[];
  if (names.length) {
    const missing = names.filter((n) => !backups.some((b) => b.name === n));
    if (missing.length)
      throw new UsageError(
        `backup${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found in namespace ${options.veleroNamespace}; list them with cdk8s-resilience backup list`,
      );
    chosen = names.map((n) => backups.find((b) => b.name === n)!);
  } else chosen = defaultValidationSet(concerning(backups, options.namespace));
  const checks: Check[] = [];
  for (const b of chosen) {
    ctx.progress.update(`validating ${b.name}`);
    checks.push(await validateBackup(cluster, clock, options.veleroNamespace, b, locations));
  }
  if (!chosen.length)
    checks.push({
      id: 'backup.validate',
      title: 'there are backups to validate',
      status: 'failed',
      evidence: [`no backups in namespace ${options.veleroNamespace}${options.namespace ? ` that include ${options.namespace}` : ''}`],
      fix: 'create a Schedule (VeleroPlatform / BackupSchedule constructs) or run cdk8s-resilience backup create',
    });
  return {
    title: 'Backup integrity',
    checks: [...locationChecks(locations, clock), ...checks],
    notes: names.length ? undefined : ['without names: the newest backup of each schedule and every on-demand backup'],
  };
}

async function freshnessSection(ctx: CommandContext, backups: readonly BackupView[], maxAgeMs: number): Promise<Section> {
  const schedules = schedulesConcerning(await listSchedules(ctx.cluster, ctx.options.veleroNamespace), ctx.options.namespace);
  const checks = freshnessChecks(schedules, backups, ctx.clock, maxAgeMs);
  if (!schedules.length)
    checks.push({
      id: 'backup.freshness',
      title: 'there are backup schedules',
      status: 'failed',
      evidence: [`no Schedule in namespace ${ctx.options.veleroNamespace}${ctx.options.namespace ? ` that includes ${ctx.options.namespace}` : ''}`],
      fix: 'declare one with the BackupSchedule construct',
    });
  return {
    title: 'Backup freshness',
    checks,
    tables: [
      {
        title: 'Schedules',
        columns: ['name', 'schedule', 'phase', 'paused', 'namespaces'],
        rows: schedules.map((s) => [s.name, s.cron, s.phase, s.paused ? 'yes' : 'no', s.includedNamespaces.join(',') || '*']),
      },
    ],
  };
}

interface ReportOpts extends GlobalOptions {
  readonly maxAge: string;
  readonly olderThan: string;
}

export function backupCommand(io: CliIo, state: CommandState): Command {
  const backup = new Command('backup').description('Velero backups: create, list, validate, freshness, cleanup, report (backup-automation.py)');

  withGlobalFlags(
    backup
      .command('create')
      .description('create a Velero Backup (as velero backup create); --wait follows it to a final phase')
      .argument('[name]', 'backup name (default: backup-<timestamp>, or <schedule>-<timestamp> with --from-schedule)')
      .option('--include-namespaces <list>', 'namespaces to back up, comma-separated (repeatable; default: -n, or all)', collect)
      .option('--exclude-namespaces <list>', 'namespaces to leave out (repeatable)', collect)
      .option('--from-schedule <schedule>', "use a Schedule's template (and label the backup with it)")
      .option('--ttl <duration>', 'how long Velero keeps it (e.g. 720h, 30d; default: Velero default, 720h)')
      .option('--storage-location <name>', 'BackupStorageLocation (default: the default one)')
      .option('--wait', 'follow the backup by watch until Completed, PartiallyFailed or Failed'),
  ).action(
    async (
      name: string | undefined,
      opts: GlobalOptions & {
        includeNamespaces?: string[];
        excludeNamespaces?: string[];
        fromSchedule?: string;
        ttl?: string;
        storageLocation?: string;
        wait?: boolean;
      },
    ) => {
      state.code = await runClusterCommand(io, 'backup create', opts, async (ctx) => {
        const ttl = opts.ttl !== undefined ? ttlFlag(opts.ttl) : undefined;
        const include = splitList(opts.includeNamespaces);
        if (!include.length && opts.namespace) include.push(opts.namespace);
        const simulated = await isSimulated(ctx.cluster);
        const created = await createBackup(ctx.cluster, ctx.clock, opts.veleroNamespace, {
          name,
          includeNamespaces: include,
          excludeNamespaces: splitList(opts.excludeNamespaces),
          fromSchedule: opts.fromSchedule,
          ttl,
          storageLocation: opts.storageLocation,
        });
        const bname = created.metadata.name;
        const id = `backup.create/${bname}`;
        let check: Check;
        const started = Date.now();
        if (!opts.wait) {
          check = {
            id,
            title: `backup ${bname} created`,
            status: 'passed',
            evidence: [
              `created in namespace ${opts.veleroNamespace} (namespaces: ${include.join(', ') || (opts.fromSchedule ? `from schedule ${opts.fromSchedule}` : 'all')})`,
              `follow it with: cdk8s-resilience backup list, or create with --wait`,
            ],
          };
        } else {
          const r = await waitFor(
            ctx.cluster,
            VELERO_BACKUPS,
            bname,
            opts.veleroNamespace,
            (o) => FINAL_BACKUP_PHASES.includes(String((o.status as { phase?: string } | undefined)?.phase)),
            {
              timeoutMs: ctx.timeoutMs,
              onUpdate: (o) => {
                const v = backupView(o);
                ctx.progress.update(
                  `backup ${bname}: ${v.phase}${v.totalItems !== undefined ? ` ${v.itemsBackedUp ?? 0}/${v.totalItems} items` : ''}`,
                );
              },
            },
          );
          const durationSeconds = (Date.now() - started) / 1000;
          const v = r.last ? backupView(r.last) : undefined;
          const seen = `${r.reconnects} watch reconnect${r.reconnects === 1 ? '' : 's'}, ${r.relists} relist${r.relists === 1 ? '' : 's'}`;
          if (r.outcome === 'timeout') {
            check = {
              id,
              title: `backup ${bname} finished`,
              status: 'undecided',
              evidence: [
                `no final phase within ${opts.timeout}; last seen: phase ${v?.phase ?? 'New'}${v?.totalItems !== undefined ? `, ${v.itemsBackedUp ?? 0} of ${v.totalItems} items` : ''}`,
                seen,
              ],
              fix: 'check the Velero server (velero backup describe; its logs), or wait longer with --timeout',
              durationSeconds,
            };
          } else if (r.outcome === 'deleted') {
            check = {
              id,
              title: `backup ${bname} finished`,
              status: 'failed',
              evidence: ['the Backup was deleted while it was followed'],
              durationSeconds,
            };
          } else if (v!.phase === 'Completed') {
            check = {
              id,
              title: `backup ${bname} Completed`,
              status: 'passed',
              evidence: [
                `phase Completed: ${v!.itemsBackedUp ?? 0} of ${v!.totalItems ?? 0} items, ${v!.errors} errors, ${v!.warnings} warnings`,
                `expires ${v!.expiresMs ? new Date(v!.expiresMs).toISOString() : 'never'}`,
                seen,
              ],
              durationSeconds,
            };
          } else {
            check = {
              id,
              title: `backup ${bname} Completed`,
              status: 'failed',
              evidence: [...explainPhase(v!), seen],
              fix: `see velero backup describe ${bname} --details and velero backup logs ${bname}`,
              durationSeconds,
            };
          }
        }
        return makeReport('backup create', `Backup ${bname}`, ctx.cluster, simulated, ctx.clock, [{ title: 'Create', checks: [check] }]);
      });
    },
  );

  withGlobalFlags(backup.command('list').description('table of backups: name, phase, age, expires, items, errors/warnings, schedule')).action(
    async (opts: GlobalOptions) => {
      state.code = await runClusterCommand(io, 'backup list', opts, async (ctx) => {
        const simulated = await isSimulated(ctx.cluster);
        const backups = concerning(await listBackups(ctx.cluster, opts.veleroNamespace), opts.namespace);
        return makeReport('backup list', 'Velero backups', ctx.cluster, simulated, ctx.clock, [
          { title: 'Backups', checks: [], tables: [backupTable(backups, ctx.clock)] },
        ]);
      });
    },
  );

  withGlobalFlags(
    backup
      .command('validate')
      .description('integrity: Completed, no errors, items > 0, not expired, storage Available, contains the namespaces it claims')
      .argument('[names...]', 'backups to validate (default: the newest of each schedule and every on-demand backup)'),
  ).action(async (names: string[], opts: GlobalOptions) => {
    state.code = await runClusterCommand(io, 'backup validate', opts, async (ctx) => {
      const simulated = await isSimulated(ctx.cluster);
      const backups = await listBackups(ctx.cluster, opts.veleroNamespace);
      return makeReport('backup validate', 'Velero backup integrity', ctx.cluster, simulated, ctx.clock, [
        await validateSection(ctx, backups, names),
      ]);
    });
  });

  withGlobalFlags(
    backup
      .command('freshness')
      .description("per schedule: age of its last Completed backup against the schedule's own interval and --max-age")
      .option('--max-age <duration>', 'oldest acceptable last Completed backup (e.g. 24h, 2d)', '24h'),
  ).action(async (opts: GlobalOptions & { maxAge: string }) => {
    state.code = await runClusterCommand(io, 'backup freshness', opts, async (ctx) => {
      const maxAgeMs = durationFlag('--max-age', opts.maxAge);
      const simulated = await isSimulated(ctx.cluster);
      const backups = await listBackups(ctx.cluster, opts.veleroNamespace);
      return makeReport('backup freshness', 'Velero backup freshness', ctx.cluster, simulated, ctx.clock, [
        await freshnessSection(ctx, backups, maxAgeMs),
      ]);
    });
  });

  withGlobalFlags(
    backup
      .command('cleanup')
      .description(
        'delete backups older than --older-than through DeleteBackupRequests; never the newest Completed backup of a schedule or namespace',
      )
      .option('--older-than <duration>', 'delete backups taken longer ago than this (e.g. 30d)')
      .option('--dry-run', 'only list what would be deleted')
      .option('--yes', 'really delete (required without --dry-run)'),
  ).action(async (opts: GlobalOptions & { olderThan?: string; dryRun?: boolean; yes?: boolean }) => {
    state.code = await runClusterCommand(io, 'backup cleanup', opts, async (ctx) => {
      if (opts.olderThan === undefined) throw new UsageError('--older-than is required (e.g. --older-than 30d)');
      const olderThanMs = durationFlag('--older-than', opts.olderThan);
      const simulated = await isSimulated(ctx.cluster);
      const backups = await listBackups(ctx.cluster, opts.veleroNamespace);
      const plan = planCleanup(concerning(backups, opts.namespace), ctx.clock, olderThanMs);
      const doomed = plan.filter((d) => d.action === 'delete');
      if (!opts.dryRun && !opts.yes && doomed.length) {
        throw new UsageError(
          `would delete ${doomed.length} backup${doomed.length === 1 ? '' : 's'} (${doomed.map((d) => d.backup.name).join(', ')}); pass --yes to delete them or --dry-run to see the plan; nothing was deleted`,
        );
      }
      const checks: Check[] = [];
      if (!opts.dryRun) {
        for (const d of doomed) {
          ctx.progress.update(`deleting ${d.backup.name}`);
          checks.push(await deleteBackup(ctx.cluster, opts.veleroNamespace, d.backup, ctx.timeoutMs));
        }
      }
      const kept = plan.filter((d) => d.action === 'keep');
      return makeReport('backup cleanup', `Velero backup cleanup (older than ${age(olderThanMs)})`, ctx.cluster, simulated, ctx.clock, [
        {
          title: 'Cleanup',
          checks,
          tables: [cleanupTable(plan, ctx.clock, opts.dryRun === true)],
          notes: [
            `${plan.length} backup${plan.length === 1 ? '' : 's'} older than ${age(olderThanMs)}: ${doomed.length} ${opts.dryRun ? 'would be deleted' : 'to delete'}, ${kept.length} kept`,
          ],
        },
      ]);
    });
  });

  withGlobalFlags(
    backup
      .command('report')
      .description('everything above as one report: backups, storage, integrity, freshness, cleanup plan (dry run)')
      .option('--max-age <duration>', 'as for backup freshness', '24h')
      .option('--older-than <duration>', 'cleanup plan threshold (nothing is deleted)', '30d'),
  ).action(async (opts: ReportOpts) => {
    state.code = await runClusterCommand(io, 'backup report', opts, async (ctx) => {
      const maxAgeMs = durationFlag('--max-age', opts.maxAge);
      const olderThanMs = durationFlag('--older-than', opts.olderThan);
      const simulated = await isSimulated(ctx.cluster);
      const all = await listBackups(ctx.cluster, opts.veleroNamespace);
      const backups = concerning(all, opts.namespace);
      const inventory: Section = { title: 'Backups', checks: [], tables: [backupTable(backups, ctx.clock)] };
      const validation = await validateSection(ctx, all, []);
      const freshness = await freshnessSection(ctx, all, maxAgeMs);
      const plan = planCleanup(backups, ctx.clock, olderThanMs);
      const cleanup: Section = {
        title: 'Cleanup plan',
        checks: [],
        tables: [cleanupTable(plan, ctx.clock, true)],
        notes: [
          `run cdk8s-resilience backup cleanup --older-than ${opts.olderThan} --yes to delete the ${plan.filter((d) => d.action === 'delete').length} marked "would delete"`,
        ],
      };
      const recommendations: string[] = [];
      for (const c of [...validation.checks, ...freshness.checks]) if (c.status === 'failed' && c.fix) recommendations.push(`${c.id}: ${c.fix}`);
      return makeReport(
        'backup report',
        'Velero backup report',
        ctx.cluster,
        simulated,
        ctx.clock,
        [inventory, validation, freshness, cleanup],
        recommendations,
      );
    });
  });

  return backup;
}
