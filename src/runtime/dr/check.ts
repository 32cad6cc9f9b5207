/**
 * DR readiness (`dr check`): a list of checks with their evidence.
 *
 * - the newest backup is Completed and fresh (and, per required namespace, the newest
 *   Completed backup that covers it);
 * - no PartiallyFailed backup goes unnoticed: one is fine once a newer Completed backup of
 *   the same schedule (or, on demand, the same namespaces) exists, or once someone
 *   acknowledged it with the annotation `dr.resilience.cdk8s.io/acknowledged`;
 * - the storage locations are Available;
 * - each namespace's RPO is met by the schedules that back it up as a whole: the worst-case
 *   gap between two backups, computed by `computeRpo` (the code `VeleroBackupPlan` uses)
 *   from the cluster's Schedules or from a synthesized `dist/`;
 * - the required namespaces are covered by a running schedule;
 * - the RTO target is achievable: the last measured drill or restore test (kept in the
 *   history ConfigMap) recovered within it, recently enough.
 */
import { formatSeconds } from '../../backup/rpo';
import { LIBRARY_LABELS } from '../../common/conventions';
import { age, backupView, BackupView, FINAL_BACKUP_PHASES, listLocations, locationChecks, takenAt } from '../backup/operations';
import { VELERO_BACKUPS } from '../cluster/resources';
import { Cluster } from '../cluster/types';
import { Check, Report, Section } from '../report/model';
import { Clock } from '../sim/clock';
import { buildReport, clusterIsSimulated, listText, plural, toSeconds } from './common';
import { DrHistoryRecord, HISTORY_CONFIGMAP, readHistory } from './history';
import { clusterSchedules, inactiveReason, planSchedules, rpoOf, ScheduleSource } from './rpo';

/** The annotation that marks a PartiallyFailed backup as looked at. */
export const ACKNOWLEDGED_ANNOTATION = LIBRARY_LABELS.drAcknowledged;

/** Options of {@link runDrCheck}. */
export interface DrCheckOptions {
  /** Velero's namespace. @default 'velero' */
  readonly veleroNamespace?: string;
  /** The oldest acceptable newest backup, in milliseconds. @default 86400000 (24h) */
  readonly maxBackupAgeMs?: number;
  /** The RPO target of every namespace without its own, in seconds. @default 3600 */
  readonly rpoTargetSeconds?: number;
  /** RPO targets per namespace, in seconds. @default - none */
  readonly namespaceRpo?: Readonly<Record<string, number>>;
  /** Namespaces that must be covered by a schedule. @default - none */
  readonly require?: readonly string[];
  /** The RTO target, in seconds. @default 1800 */
  readonly rtoTargetSeconds?: number;
  /** The oldest acceptable RTO measurement, in milliseconds. @default 2592000000 (30 days) */
  readonly maxMeasurementAgeMs?: number;
  /** A synthesized directory (or YAML file) whose Schedules to use instead of the cluster's. @default - the cluster's */
  readonly plan?: string;
}

/** `30m`, `1h30m`; below a second, the seconds as given. */
function span(seconds: number): string {
  return seconds < 1 ? `${seconds}s` : formatSeconds(seconds);
}

function covers(b: BackupView, ns: string): boolean {
  return (
    (b.includedNamespaces.length === 0 || b.includedNamespaces.includes('*') || b.includedNamespaces.includes(ns)) &&
    !b.excludedNamespaces.includes(ns)
  );
}

function backupSection(
  backups: readonly BackupView[],
  annotations: ReadonlyMap<string, string>,
  clock: Clock,
  maxAgeMs: number,
  required: readonly string[],
): Section {
  const now = clock.now();
  const checks: Check[] = [];
  const fresh = (b: BackupView): boolean => now - (b.completedMs ?? takenAt(b)) <= maxAgeMs;
  // A backup still running has no verdict yet: the newest one that ended is judged.
  const newest = backups.find((b) => FINAL_BACKUP_PHASES.includes(b.phase));
  const running = backups.filter((b) => !FINAL_BACKUP_PHASES.includes(b.phase) && (!newest || takenAt(b) >= takenAt(newest)));
  if (!newest) {
    checks.push({
      id: 'dr.newest-backup',
      title: 'the newest backup is Completed and fresh',
      status: 'failed',
      evidence: [running.length ? `no backup has ended yet (running: ${running.map((b) => b.name).join(', ')})` : 'there is no backup at all'],
      fix: 'declare schedules (VeleroBackupPlan) and take a backup: cdk8s-resilience backup create --wait',
    });
  } else {
    const ok = newest.phase === 'Completed' && fresh(newest);
    checks.push({
      id: 'dr.newest-backup',
      title: `the newest backup is Completed and younger than ${formatSeconds(maxAgeMs / 1000)}`,
      status: ok ? 'passed' : 'failed',
      evidence: [
        `${newest.name}: phase ${newest.phase}, taken ${age(now - takenAt(newest))} ago${newest.schedule ? ` (schedule ${newest.schedule})` : ''}`,
        `--max-age ${formatSeconds(maxAgeMs / 1000)}: ${fresh(newest) ? 'within' : 'exceeded'}`,
        ...(running.length ? [`still running, not judged: ${running.map((b) => `${b.name} (${b.phase})`).join(', ')}`] : []),
      ],
      measurements: [{ name: 'age', value: Math.round((now - takenAt(newest)) / 1000), unit: 'seconds', target: Math.round(maxAgeMs / 1000) }],
      ...(ok
        ? {}
        : {
            fix:
              newest.phase === 'Completed'
                ? 'backups have stopped: check the schedules and the Velero server'
                : `find out why ${newest.name} is ${newest.phase} (velero backup describe ${newest.name} --details)`,
          }),
    });
  }
  for (const ns of required) {
    const last = backups.find((b) => b.phase === 'Completed' && covers(b, ns));
    const ok = last !== undefined && fresh(last);
    checks.push({
      id: `dr.newest-backup/${ns}`,
      title: `namespace ${ns} has a Completed backup younger than ${formatSeconds(maxAgeMs / 1000)}`,
      status: ok ? 'passed' : 'failed',
      evidence: [last ? `newest Completed backup covering it: ${last.name}, taken ${age(now - takenAt(last))} ago` : 'no Completed backup covers it'],
      ...(ok ? {} : { fix: `take one now: cdk8s-resilience backup create --include-namespaces ${ns} --wait` }),
    });
  }
  const partial = backups.filter((b) => b.phase === 'PartiallyFailed');
  if (!partial.length)
    checks.push({
      id: 'dr.partially-failed',
      title: 'no PartiallyFailed backup goes unnoticed',
      status: 'passed',
      evidence: [`none of the ${plural(backups.length, 'backup')} is PartiallyFailed`],
    });
  for (const b of partial) {
    const newer = backups.find(
      (x) =>
        x.phase === 'Completed' &&
        takenAt(x) > takenAt(b) &&
        (b.schedule ? x.schedule === b.schedule : x.includedNamespaces.join(',') === b.includedNamespaces.join(',')),
    );
    const ack = annotations.get(b.name);
    const ok = newer !== undefined || ack !== undefined;
    checks.push({
      id: `dr.partially-failed/${b.name}`,
      title: `PartiallyFailed backup ${b.name} is noticed`,
      status: ok ? 'passed' : 'failed',
      evidence: [
        `phase PartiallyFailed, ${plural(b.errors, 'error')}, taken ${age(now - takenAt(b))} ago${b.schedule ? ` (schedule ${b.schedule})` : ''}`,
        newer
          ? `superseded by the Completed backup ${newer.name}`
          : ack !== undefined
            ? `acknowledged: ${ack || '(no reason given)'}`
            : 'no newer Completed backup of the same schedule, and not acknowledged',
      ],
      ...(ok
        ? {}
        : {
            fix: `see what failed with velero backup describe ${b.name} --details, fix it and take a new backup, or acknowledge it: kubectl -n velero annotate backups.velero.io ${b.name} ${ACKNOWLEDGED_ANNOTATION}="reason"`,
          }),
    });
  }
  return {
    title: 'Backups',
    checks,
    tables: [
      {
        title: 'Newest backups',
        columns: ['name', 'phase', 'age', 'schedule', 'namespaces'],
        rows: backups.slice(0, 8).map((b) => [b.name, b.phase, age(now - takenAt(b)), b.schedule ?? '-', b.includedNamespaces.join(',') || '*']),
      },
    ],
  };
}

function rpoSection(
  schedules: readonly ScheduleSource[],
  sourceNote: string,
  defaultSeconds: number,
  namespaceRpo: Readonly<Record<string, number>>,
  required: readonly string[],
): Section {
  const targets = { defaultSeconds, namespaces: { ...Object.fromEntries(required.map((n) => [n, defaultSeconds])), ...namespaceRpo } };
  const report = rpoOf(schedules, targets);
  const checks: Check[] = report.namespaces.map((n) => {
    const label = n.namespace === '*' ? 'every other namespace' : `namespace ${n.namespace}`;
    const ok = n.met !== false;
    const target = n.targetSeconds ?? defaultSeconds;
    return {
      id: `dr.rpo/${n.namespace}`,
      title: `${label}: RPO of ${formatSeconds(target)} met by its schedules`,
      status: n.met === undefined ? 'skipped' : ok ? 'passed' : 'failed',
      evidence:
        n.worstCaseGapSeconds === null
          ? ['no running schedule backs it up as a whole']
          : [
              `worst-case gap between two backups: ${formatSeconds(n.worstCaseGapSeconds)} (schedules ${n.schedules.join(', ')})`,
              `RPO target ${formatSeconds(target)}: ${ok ? 'met' : 'exceeded'}`,
            ],
      ...(n.worstCaseGapSeconds !== null
        ? { measurements: [{ name: 'worst-case gap', value: n.worstCaseGapSeconds, unit: 'seconds', target }] }
        : {}),
      ...(ok
        ? {}
        : {
            fix:
              n.worstCaseGapSeconds === null
                ? 'add a schedule that includes the namespace (VeleroBackupPlan)'
                : 'run a schedule covering it more often (e.g. BackupSchedule.hourly()), or relax the RPO',
          }),
    };
  });
  for (const v of report.violations.filter((x) => x.kind === 'retention-shorter-than-gap')) {
    checks.push({
      id: `dr.retention/${v.subject}`,
      title: `schedule ${v.subject} keeps its backups longer than its interval`,
      status: 'failed',
      evidence: [v.message],
      fix: "raise the schedule's ttl (retention) above its interval",
    });
  }
  const gap = new Map(report.schedules.map((x) => [x.name, x.worstCaseGapSeconds]));
  return {
    title: 'RPO',
    checks,
    tables: [
      {
        title: 'Schedules',
        columns: ['name', 'schedule', 'namespaces', 'worst-case gap', 'retention', 'state', 'from'],
        rows: schedules.map((x) => [
          x.name,
          x.cron,
          x.includedNamespaces.join(',') || '*',
          gap.has(x.name) ? formatSeconds(gap.get(x.name)!) : '-',
          formatSeconds(x.retentionSeconds),
          inactiveReason(x) ?? (x.labelSelected ? 'running (label-selected: not counted for a namespace)' : 'running'),
          x.source,
        ]),
      },
    ],
    notes: [
      sourceNote,
      'the worst-case gap is computed by computeRpo, the code VeleroBackupPlan checks at synth time; paused, invalid and FailedValidation schedules take no backups and are not counted',
    ],
  };
}

function coverageSection(schedules: readonly ScheduleSource[], required: readonly string[]): Section {
  const running = schedules.filter((s) => inactiveReason(s) === undefined && !s.labelSelected);
  const checks = required.map((ns): Check => {
    const by = running.filter(
      (s) =>
        (s.includedNamespaces.length === 0 || s.includedNamespaces.includes('*') || s.includedNamespaces.includes(ns)) &&
        !s.excludedNamespaces.includes(ns),
    );
    const idle = schedules.filter((s) => inactiveReason(s) !== undefined && s.includedNamespaces.includes(ns));
    return {
      id: `dr.coverage/${ns}`,
      title: `namespace ${ns} is covered by a running schedule`,
      status: by.length ? 'passed' : 'failed',
      evidence: by.length
        ? [`backed up as a whole by ${by.map((s) => s.name).join(', ')}`]
        : [`no running schedule backs it up as a whole${idle.length ? ` (${idle.map((s) => `${s.name}: ${inactiveReason(s)}`).join('; ')})` : ''}`],
      ...(by.length ? {} : { fix: `add it to a schedule's includedNamespaces (VeleroBackupPlan), or unpause the schedule` }),
    };
  });
  return {
    title: 'Coverage',
    checks,
    ...(required.length ? {} : { notes: ['no --require given: pass the namespaces that must be backed up (e.g. --require team-alpha,team-beta)'] }),
  };
}

function rtoSection(history: readonly DrHistoryRecord[], clock: Clock, targetSeconds: number, maxAgeMs: number): Section {
  const measured = history.find((r) => r.rtoSeconds !== undefined);
  const now = clock.now();
  let check: Check;
  const id = 'dr.rto';
  const title = `the RTO target of ${span(targetSeconds)} is achievable (last measured drill or restore test)`;
  if (!measured) {
    check = {
      id,
      title,
      status: 'undecided',
      evidence: [
        history.length
          ? `${plural(history.length, 'run')} in the history, none measured a recovery time (${history
              .slice(0, 3)
              .map((r) => `${r.command} ${r.at} ${r.verdict}`)
              .join('; ')})`
          : `no drill or restore test in the history (ConfigMap ${HISTORY_CONFIGMAP})`,
      ],
      fix: 'measure it: cdk8s-resilience dr restore-test (non-destructive), or dr drill',
    };
  } else {
    const agoMs = now - Date.parse(measured.at);
    const within = measured.rtoSeconds! <= targetSeconds;
    const recent = agoMs <= maxAgeMs;
    const newest = history[0];
    check = {
      id,
      title,
      status: within && recent ? 'passed' : 'failed',
      evidence: [
        `${measured.command} ${age(agoMs)} ago (${measured.at}) on ${listText(measured.namespaces)}${measured.backup ? ` from ${measured.backup}` : ''}: recovered in ${measured.rtoSeconds}s${measured.note ? ` (${measured.note})` : ''}`,
        `RTO target ${span(targetSeconds)}: ${within ? 'met' : 'exceeded'}`,
        `measurement age ${age(agoMs)}, at most ${formatSeconds(maxAgeMs / 1000)}: ${recent ? 'within' : 'too old'}`,
        ...(newest !== measured ? [`a later ${newest.command} (${newest.at}) measured nothing: ${newest.verdict}`] : []),
      ],
      measurements: [{ name: 'rto', value: measured.rtoSeconds!, unit: 'seconds', target: targetSeconds }],
      ...(within && recent
        ? {}
        : {
            fix: recent
              ? "find the slow step in that run's timings (restore, pods becoming Ready), or review the RTO target"
              : 'run a drill or a restore test at least monthly: cdk8s-resilience dr restore-test',
          }),
    };
  }
  return {
    title: 'RTO',
    checks: [check],
    tables: [
      {
        title: `History (ConfigMap ${HISTORY_CONFIGMAP}, newest first)`,
        columns: ['at', 'command', 'verdict', 'namespaces', 'rto', 'target'],
        rows: history
          .slice(0, 10)
          .map((r) => [
            r.at,
            r.command,
            r.verdict,
            r.namespaces.join(','),
            r.rtoSeconds === undefined ? '-' : `${r.rtoSeconds}s`,
            `${r.rtoTargetSeconds}s`,
          ]),
      },
    ],
  };
}

/** Runs the DR readiness checks and returns the report. */
export async function runDrCheck(cluster: Cluster, clock: Clock, options: DrCheckOptions = {}): Promise<Report> {
  const veleroNamespace = options.veleroNamespace ?? 'velero';
  const required = [...new Set(options.require ?? [])];
  const timed = async (f: () => Promise<Section> | Section): Promise<Section> => {
    const t = clock.now();
    const s = await f();
    return { ...s, durationSeconds: toSeconds(clock.now() - t) };
  };
  // A --plan that cannot be read is a usage error before anything is read from the cluster.
  const fromPlan = options.plan !== undefined ? planSchedules(options.plan) : undefined;
  const simulated = await clusterIsSimulated(cluster);
  const objects = await cluster.list(VELERO_BACKUPS, { namespace: veleroNamespace });
  const backupsRaw = objects.items.map(backupView).sort((a, b) => takenAt(b) - takenAt(a) || a.name.localeCompare(b.name));
  const annotations = new Map<string, string>();
  for (const o of objects.items) {
    const a = o.metadata.annotations?.[ACKNOWLEDGED_ANNOTATION];
    if (a !== undefined) annotations.set(o.metadata.name, a);
  }
  const sections: Section[] = [];
  sections.push(await timed(() => backupSection(backupsRaw, annotations, clock, options.maxBackupAgeMs ?? 24 * 3600 * 1000, required)));
  sections.push(await timed(async () => ({ title: 'Storage', checks: locationChecks(await listLocations(cluster, veleroNamespace), clock) })));
  const schedules = fromPlan ?? (await clusterSchedules(cluster, veleroNamespace));
  const sourceNote = fromPlan
    ? `schedules from --plan ${options.plan} (${plural(fromPlan.length, 'Schedule')}), not from the cluster`
    : `schedules from the cluster (namespace ${veleroNamespace}, ${plural(schedules.length, 'Schedule')})`;
  sections.push(await timed(() => rpoSection(schedules, sourceNote, options.rpoTargetSeconds ?? 3600, options.namespaceRpo ?? {}, required)));
  sections.push(await timed(() => coverageSection(schedules, required)));
  sections.push(
    await timed(async () =>
      rtoSection(
        await readHistory(cluster, veleroNamespace),
        clock,
        options.rtoTargetSeconds ?? 1800,
        options.maxMeasurementAgeMs ?? 30 * 24 * 3600 * 1000,
      ),
    ),
  );
  const recommendations = sections
    .flatMap((s) => s.checks)
    .filter((c) => c.status !== 'passed' && c.status !== 'skipped' && c.fix)
    .map((c) => `${c.id}: ${c.fix}`);
  return buildReport('dr check', 'DR readiness', cluster, simulated, clock, sections, recommendations);
}
