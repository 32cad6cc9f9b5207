/**
 * The backup operations as pure functions over a fixed clock: cleanup planning (never the
 * newest Completed backup of a schedule or namespace), freshness rules (own interval with
 * grace, --max-age, never succeeded, invalid cron), and the default validation set.
 */
import {
  BackupView,
  defaultValidationSet,
  freshnessChecks,
  freshnessGraceSeconds,
  planCleanup,
  ScheduleView,
} from '../../src/runtime/backup/operations';

const NOW = Date.UTC(2026, 0, 31, 12);
const clock = { now: () => NOW };
const H = 3600 * 1000;
const D = 24 * H;

function b(name: string, agoMs: number, phase: string, extra: Partial<BackupView> = {}): BackupView {
  return {
    name,
    namespace: 'velero',
    phase,
    createdMs: NOW - agoMs,
    startedMs: NOW - agoMs,
    completedMs: NOW - agoMs + 60000,
    errors: 0,
    warnings: 0,
    includedNamespaces: ['shop'],
    excludedNamespaces: [],
    validationErrors: [],
    ...extra,
  };
}

function sched(name: string, cron: string, extra: Partial<ScheduleView> = {}): ScheduleView {
  return { name, cron, phase: 'Enabled', paused: false, includedNamespaces: ['shop'], validationErrors: [], ...extra };
}

describe('planCleanup', () => {
  test('old backups go, except the newest Completed of each schedule and of each namespace, and running ones', () => {
    const plan = planCleanup(
      [
        b('s-new', 1 * D, 'Completed', { schedule: 's' }),
        b('s-old', 40 * D, 'Completed', { schedule: 's' }),
        b('t-only', 45 * D, 'Completed', { schedule: 't', includedNamespaces: ['pay'] }),
        b('t-failed', 41 * D, 'Failed', { schedule: 't', includedNamespaces: ['pay'] }),
        b('manual-ns', 50 * D, 'Completed', { includedNamespaces: ['legacy'] }),
        b('stuck', 60 * D, 'InProgress'),
        b('pf', 35 * D, 'PartiallyFailed', { schedule: 's' }),
      ],
      clock,
      30 * D,
    );
    expect(plan.map((d) => [d.backup.name, d.action, d.reason])).toEqual([
      ['s-old', 'delete', 'taken 40d ago, older than 30d'],
      ['t-only', 'keep', 'newest Completed backup of schedule t'],
      ['t-failed', 'delete', 'taken 41d ago, older than 30d'],
      ['manual-ns', 'keep', 'newest Completed backup of namespace legacy'],
      ['stuck', 'keep', 'phase InProgress'],
      ['pf', 'delete', 'taken 35d ago, older than 30d'],
    ]);
  });

  test('a backup of all namespaces protects the newest of them', () => {
    const plan = planCleanup(
      [b('all-1', 40 * D, 'Completed', { includedNamespaces: [] }), b('all-2', 50 * D, 'Completed', { includedNamespaces: ['*'] })],
      clock,
      30 * D,
    );
    expect(plan.map((d) => [d.backup.name, d.action])).toEqual([
      ['all-1', 'keep'],
      ['all-2', 'delete'],
    ]);
  });
});

describe('freshnessChecks', () => {
  test('against its own interval (with grace) and --max-age', () => {
    const grace = freshnessGraceSeconds(24 * 3600);
    expect(grace).toBe(8640);
    const [daily, hourly, weekly] = freshnessChecks(
      [sched('daily', '0 2 * * *'), sched('hourly', '@every 1h'), sched('weekly', '0 3 * * 0')],
      [
        b('d1', 25 * H, 'Completed', { schedule: 'daily' }),
        b('h1', 50 * 60 * 1000, 'Completed', { schedule: 'hourly' }),
        b('w1', 3 * D, 'Completed', { schedule: 'weekly' }),
      ],
      clock,
      2 * D,
    );
    expect(daily.status).toBe('passed');
    expect(daily.measurements).toEqual([
      { name: 'age', value: 25 * 3600 - 60, unit: 'seconds', target: 24 * 3600 + 8640 },
      { name: 'schedule interval', value: 86400, unit: 'seconds' },
    ]);
    expect(hourly.status).toBe('passed');
    expect(weekly.status).toBe('failed');
    expect(weekly.evidence).toEqual([
      'last Completed backup w1 finished 2d23h ago',
      'schedule "0 3 * * 0" runs every 7d at most; allowed age 7d16h48m (with 16h48m grace): within',
      '--max-age 2d: exceeded',
    ]);
  });

  test('a schedule that never succeeded fails, with what it did instead; an invalid cron fails', () => {
    const [never, none, bad] = freshnessChecks(
      [
        sched('never', '@every 6h', { paused: true }),
        sched('none', '@every 6h'),
        sched('bad', '0 0 * *', { validationErrors: ['invalid schedule'] }),
      ],
      [
        b('n1', 1 * H, 'Failed', { schedule: 'never' }),
        b('n2', 7 * H, 'PartiallyFailed', { schedule: 'never' }),
        b('n3', 13 * H, 'Failed', { schedule: 'never' }),
      ],
      clock,
      D,
    );
    expect(never).toMatchObject({
      status: 'failed',
      evidence: ['never succeeded: 3 backups, none Completed (2 Failed, 1 PartiallyFailed)', 'the schedule is paused'],
    });
    expect(none).toMatchObject({ status: 'failed', evidence: ['never succeeded: no backups at all'] });
    expect(bad.status).toBe('failed');
    expect(bad.evidence[0]).toMatch(/^its schedule "0 0 \* \*" is invalid: "0 0 \* \*" has 4 fields/);
  });
});

test('the default validation set: the newest backup of each schedule and every on-demand backup', () => {
  const list = [
    b('s2', 1 * H, 'Failed', { schedule: 's' }),
    b('m1', 2 * H, 'Completed'),
    b('s1', 3 * H, 'Completed', { schedule: 's' }),
    b('m2', 4 * H, 'Completed'),
  ];
  expect(defaultValidationSet(list).map((x) => x.name)).toEqual(['s2', 'm1', 'm2']);
});
