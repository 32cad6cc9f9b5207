import { Duration } from 'cdk8s';
import { ChaosAction, ChaosExperiment, ChaosSchedule, ChaosTarget, ConcurrencyPolicy, scheduleProblems, Weekday } from '../../src/chaos';
import { specOf, synthExperiment, validationError } from './helpers';

const ok = {
  action: ChaosAction.networkDelay({ latency: Duration.millis(100) }),
  target: ChaosTarget.labels('production', { app: 'api-service' }),
  duration: Duration.minutes(5),
};

describe('schedules', () => {
  test('a scheduled experiment is a v2 Schedule with the embedded spec, concurrency policy and history limit', () => {
    const objs = synthExperiment({ ...ok, schedule: ChaosSchedule.weekly(Weekday.monday(), { hour: 9 }) });
    expect(objs.map((o) => o.kind)).toEqual(['Schedule']);
    const spec = specOf(objs, 'Schedule');
    expect(spec.schedule).toBe('0 9 * * 1');
    expect(spec.type).toBe('NetworkChaos');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.historyLimit).toBe(3);
    expect(spec.networkChaos.duration).toBe('5m');
    expect(spec.networkChaos.delay.latency).toBe('100ms');
    expect(spec).not.toHaveProperty('scheduler');
    expect(spec).not.toHaveProperty('startingDeadlineSeconds');
  });

  test('options: allow, history, starting deadline, @every', () => {
    const spec = specOf(
      synthExperiment({
        ...ok,
        schedule: ChaosSchedule.every(Duration.hours(2), {
          concurrencyPolicy: ConcurrencyPolicy.allow(),
          historyLimit: 10,
          startingDeadline: Duration.minutes(2),
        }),
      }),
      'Schedule',
    );
    expect(spec).toMatchObject({ schedule: '@every 2h', concurrencyPolicy: 'Allow', historyLimit: 10, startingDeadlineSeconds: 120 });
    expect(specOf(synthExperiment({ ...ok, schedule: ChaosSchedule.daily({ hour: 2, minute: 30 }) }), 'Schedule').schedule).toBe('30 2 * * *');
  });

  test('Forbid with a short starting deadline is rejected', () => {
    const err = validationError(
      (s) => new ChaosExperiment(s, 'exp', { ...ok, schedule: ChaosSchedule.cron('0 9 * * 1', { startingDeadline: Duration.seconds(20) }) }),
    );
    expect(err.message).toContain(
      '[test/exp] schedule.startingDeadline: experiment "exp": a starting deadline of 20s with concurrencyPolicy Forbid can start nothing',
    );
    expect(err.message).toContain('Fix: give a starting deadline of at least 60s, or none.');
  });

  test('Allow tolerates a shorter deadline but not one under the controller reaction time', () => {
    expect(() =>
      synthExperiment({
        ...ok,
        schedule: ChaosSchedule.cron('0 9 * * 1', { concurrencyPolicy: ConcurrencyPolicy.allow(), startingDeadline: Duration.seconds(20) }),
      }),
    ).not.toThrow();
    expect(
      scheduleProblems(
        ChaosSchedule.cron('0 9 * * 1', { concurrencyPolicy: ConcurrencyPolicy.allow(), startingDeadline: Duration.seconds(5) }),
        undefined,
        false,
      )[0].problem,
    ).toMatch(/shorter than the controller's reaction time/);
  });

  test('Forbid with runs longer than the interval is rejected', () => {
    const err = validationError(
      (s) => new ChaosExperiment(s, 'exp', { ...ok, duration: Duration.minutes(10), schedule: ChaosSchedule.cron('*/5 * * * *') }),
    );
    expect(err.message).toContain('each run lasts 600s but runs start every 300s, so with concurrencyPolicy Forbid every other run is skipped');
  });

  test('invalid expressions and history limits', () => {
    expect(scheduleProblems(ChaosSchedule.cron('0 0 9 * * 1 2026'), undefined, false)[0].problem).toBe(
      '"0 0 9 * * 1 2026" has 7 fields; Chaos Mesh takes five (minute hour day-of-month month day-of-week), or six with seconds first',
    );
    expect(scheduleProblems(ChaosSchedule.cron('61 * * * *'), undefined, false)[0].problem).toBe(
      '"61 * * * *": the minute field "61" is outside 0-59',
    );
    expect(scheduleProblems(ChaosSchedule.of('@every soon'), undefined, false)[0]).toEqual({
      field: 'schedule',
      problem: '"@every soon": "soon" is not a Go duration (Go durations are numbers with units h, m, s, ms, us or ns (such as "1h30m" or "-100ns"))',
      fix: 'write @every and one space, then a Go duration such as "@every 30m"',
    });
    expect(scheduleProblems(ChaosSchedule.cron('@hourly', { historyLimit: 0 }), undefined, false)).toEqual([
      { field: 'schedule.historyLimit', problem: '0 is not a positive whole number', fix: 'keep at least one finished run, such as 3' },
    ]);
  });

  test('@every is accepted for workflow schedules, as Chaos Mesh reads every Schedule alike', () => {
    expect(scheduleProblems(ChaosSchedule.every(Duration.hours(1)), undefined, true)).toEqual([]);
    expect(scheduleProblems(ChaosSchedule.every(Duration.hours(1)), undefined, false)).toEqual([]);
  });
});
