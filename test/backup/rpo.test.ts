import { computeRpo, cronRuns, formatSeconds, iteratedCronRuns, parseVeleroCron, worstCaseGapSeconds } from '../../src/backup';

const H = 3600;
const D = 24 * H;

describe('parseVeleroCron', () => {
  test.each([
    ['0 2 * * *', 'UTC'],
    ['CRON_TZ=Europe/Berlin 0 2 * * *', 'Europe/Berlin'],
    ['@daily', 'UTC'],
    ['@every 6h', 'UTC'],
    ['0 9 * * MON-FRI', 'UTC'],
  ])('accepts %s', (expr, tz) => {
    const r = parseVeleroCron(expr);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.cron.timeZone).toBe(tz);
  });

  test.each([
    ['0 2 * *', /has 4 fields; Velero expects 5/],
    ['0 0 2 * * *', /has 6 fields/],
    ['61 * * * *', /not a valid cron expression/],
    ['0 2 L * *', /does not understand/],
    ['CRON_TZ=Mars/Olympus 0 2 * * *', /not a known IANA time zone/],
    ['@fortnightly', /not a descriptor/],
    ['', /empty/],
  ])('rejects %s', (expr, message) => {
    const r = parseVeleroCron(expr);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(message);
  });
});

describe('worstCaseGapSeconds', () => {
  test.each<[string, string[], number]>([
    ['daily', ['0 2 * * *'], D],
    ['hourly', ['0 * * * *'], H],
    ['every 15 minutes', ['*/15 * * * *'], 15 * 60],
    ['weekday-only: Friday to Monday', ['0 2 * * 1-5'], 3 * D],
    ['weekly', ['0 3 * * 0'], 7 * D],
    ['business hours hourly: overnight gap', ['0 9-17 * * *'], 16 * H],
    ['two schedules interleaved: 02:00 and 14:00', ['0 2 * * *', '0 14 * * *'], 12 * H],
    ['daily plus hourly: hourly wins', ['0 2 * * *', '0 * * * *'], H],
    ['weekdays plus weekend backups', ['0 2 * * 1-5', '0 2 * * 0,6'], D],
    ['unevenly spread: 01:00 and 03:00', ['0 1 * * *', '0 3 * * *'], 22 * H],
    ['@every 6h', ['@every 6h'], 6 * H],
    ['monthly: longest month', ['0 0 1 * *'], 31 * D],
  ])('%s', (_name, exprs, expected) => {
    expect(worstCaseGapSeconds(exprs)).toBe(expected);
  });

  test('a time zone with daylight saving time stretches one day to 25h', () => {
    expect(worstCaseGapSeconds(['CRON_TZ=Europe/Berlin 0 2 * * *'])).toBe(25 * H);
  });
});

describe('computeRpo', () => {
  const daily = { name: 'daily-backup', cron: '0 2 * * *', retentionSeconds: 7 * D };
  const hourly = { name: 'hourly-backup', cron: '0 * * * *', retentionSeconds: 3 * D, includedNamespaces: ['production'] };

  test('the chapter plan: production 1h, every other namespace 24h', () => {
    const r = computeRpo([daily, hourly], { defaultSeconds: D, namespaces: { production: H } });
    expect(r.violations).toEqual([]);
    expect(r.namespaces).toEqual([
      { namespace: 'production', schedules: ['daily-backup', 'hourly-backup'], worstCaseGapSeconds: H, targetSeconds: H, met: true },
      { namespace: '*', schedules: ['daily-backup'], worstCaseGapSeconds: D, targetSeconds: D, met: true },
    ]);
    expect(r.schedules.map((s) => [s.name, s.worstCaseGapSeconds, s.retentionCoversGap])).toEqual([
      ['daily-backup', D, true],
      ['hourly-backup', H, true],
    ]);
  });

  test('an RPO the schedules cannot meet is a violation naming the gap', () => {
    const r = computeRpo([daily], { namespaces: { production: H } });
    expect(r.violations).toEqual([
      {
        kind: 'rpo-unmet',
        subject: 'production',
        message: 'namespace "production" can go 1d between backups (daily-backup), more than its RPO of 1h',
      },
    ]);
  });

  test('weekday-only backups miss a 1-day RPO over the weekend', () => {
    const r = computeRpo([{ name: 'weekdays', cron: '0 2 * * 1-5' }], { defaultSeconds: D });
    expect(r.namespaces[0]).toMatchObject({ namespace: '*', worstCaseGapSeconds: 3 * D, met: false });
    expect(r.violations[0].kind).toBe('rpo-unmet');
  });

  test('retention shorter than the interval is a violation', () => {
    const r = computeRpo([{ name: 'daily', cron: '0 2 * * *', retentionSeconds: 12 * H }]);
    expect(r.violations).toEqual([
      {
        kind: 'retention-shorter-than-gap',
        subject: 'daily',
        message: 'schedule "daily" keeps backups 12h but runs up to 1d apart, so at times no backup of it exists',
      },
    ]);
  });

  test('an excluded namespace is not covered, and a target for it is a violation', () => {
    const r = computeRpo([{ ...daily, excludedNamespaces: ['scratch'] }], { defaultSeconds: D });
    expect(r.namespaces.map((n) => n.namespace)).toEqual(['*']);
    const r2 = computeRpo([{ ...daily, excludedNamespaces: ['scratch'] }], { namespaces: { scratch: D } });
    expect(r2.violations.map((v) => v.kind)).toEqual(['not-covered']);
  });

  test('label-selected schedules count for themselves, not for a namespace', () => {
    const r = computeRpo([{ name: 'gold', cron: '0 * * * *', labelSelected: true }], {});
    expect(r.namespaces).toEqual([]);
    expect(r.schedules[0]).toMatchObject({ name: 'gold', worstCaseGapSeconds: H, labelSelected: true });
  });

  test('formatSeconds', () => {
    expect([formatSeconds(H), formatSeconds(D + 90 * 60), formatSeconds(45)]).toEqual(['1h', '1d1h30m', '45s']);
  });
});

describe('frequent schedules', () => {
  test('every minute on weekdays still shows the weekend gap', () => {
    expect(worstCaseGapSeconds(['* * * * 1-5'])).toBe(2 * D + 60);
  });
});

describe('computed run times equal the stepped ones', () => {
  // The day-by-day computation (stepping with cron-parser only around a zone's offset changes)
  // against cron-parser stepping through every run of the window.
  const utc = [
    '0 2 * * *',
    '30 23 * * *',
    '0 * * * *',
    '45 * * * *',
    '*/15 * * * *',
    '5/20 1-3 * * *',
    '0 2 * * 1-5',
    '0 9-17 * * MON-FRI',
    '0 3 * * 0',
    '0 0 1 * *',
    '0 0 31 * *',
    '0 2 29 2 *',
    '0 0,12 1,15 * MON',
    '0 */6 * * *',
    '7 */5 * * *',
    '0 12 * JAN-MAR *',
    '10 2 ? * *',
    '* * * * 1-5',
    '0 2 * * 7',
    '0 2 * * 5-7',
    '@daily',
    '@hourly',
    '@weekly',
    '@monthly',
    '@yearly',
  ];
  const zoned: Array<[string, string]> = [
    ['Europe/Berlin', '30 2 * * *'], // skipped in March, twice in October
    ['Europe/Berlin', '30 * * * *'],
    ['Europe/Berlin', '*/20 1-3 * * 0'],
    ['America/New_York', '0 2 * * *'],
    ['America/New_York', '0 1 * * 0'],
    ['America/Santiago', '0 0 * * *'], // clocks change at midnight
    ['Australia/Sydney', '0 2 * * *'],
    ['Pacific/Chatham', '45 2 * * *'], // a 45-minute offset
    ['Antarctica/Troll', '0 2 * * *'], // a 2-hour change
    ['Asia/Kolkata', '0 2 * * *'], // no daylight saving time
    ['Africa/Casablanca', '0 2 * * *'], // offset suspended during Ramadan
    // cron-parser gives up at the April change of this 30-minute zone; both computations end there alike
    ['Australia/Lord_Howe', '0 2 * * *'],
  ];
  test.each(utc)('%s', (expr) => {
    expect(cronRuns(expr)).toEqual(iteratedCronRuns(expr));
  });
  test.each(zoned)('CRON_TZ=%s %s', (zone, expr) => {
    const e = `CRON_TZ=${zone} ${expr}`;
    expect(cronRuns(e)).toEqual(iteratedCronRuns(e));
  });

  test('frequent schedules stop at the same run, covering the same span', () => {
    for (const e of ['*/5 * * * *', 'CRON_TZ=Europe/Berlin */30 * * * *']) {
      const computed = cronRuns(e);
      expect(computed).toEqual(iteratedCronRuns(e));
      expect(computed.times.length).toBeGreaterThanOrEqual(1000);
      expect(computed.coveredUntil).toBe(computed.times[computed.times.length - 1]);
    }
  });

  test('results are cached per expression, zone included, and per set of expressions', () => {
    expect(cronRuns('0 4 * * *')).toBe(cronRuns('0 4 * * *'));
    expect(cronRuns('CRON_TZ=Europe/Berlin 0 4 * * *')).not.toBe(cronRuns('0 4 * * *'));
    expect(worstCaseGapSeconds(['CRON_TZ=Europe/Berlin 0 4 * * *'])).toBe(25 * H);
    expect(worstCaseGapSeconds(['0 4 * * *'])).toBe(D);
    expect(worstCaseGapSeconds(['0 14 * * *', '0 2 * * *', '0 2 * * *'])).toBe(worstCaseGapSeconds(['0 2 * * *', '0 14 * * *']));
    expect(() => cronRuns('0 2 * *')).toThrow(
      'invalid schedule "0 2 * *": "0 2 * *" has 4 fields; Velero expects 5 (minute hour day-of-month month day-of-week), with no seconds field',
    );
  });
});
