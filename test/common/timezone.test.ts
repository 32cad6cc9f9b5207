import { isKnownTimeZone, timeZoneProblem, timeZoneProblems } from '../../src/common/timezone';

describe('time zone names as Go loads them', () => {
  test.each([
    'Europe/Berlin',
    'America/Argentina/Buenos_Aires',
    'UTC',
    'Etc/UTC',
    'US/Eastern',
    'Asia/Calcutta',
    'Asia/Kolkata',
    'Europe/Kyiv',
    'EST5EDT',
    'Etc/GMT+5',
  ])('%s is accepted', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
    expect(isKnownTimeZone(zone)).toBe(true);
  });

  test.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['EUROPE/LONDON', 'Europe/London'],
    ['america/argentina/buenos_aires', 'America/Argentina/Buenos_Aires'],
    ['Utc', 'UTC'],
    ['etc/utc', 'Etc/UTC'],
    ['us/eastern', 'US/Eastern'],
  ])('%s is refused: did you mean %s?', (zone, exact) => {
    expect(timeZoneProblems('timeZone', zone)).toEqual([
      {
        field: 'timeZone',
        problem: `time zone "${zone}" is not spelled as in the tz database; zone names are case-sensitive (Go's time.LoadLocation refuses "${zone}")`,
        fix: `did you mean ${exact}?`,
      },
    ]);
  });

  test('names outside the tz database, offsets, empty and white space are refused', () => {
    expect(timeZoneProblem('IST')).toEqual({
      problem: '"IST" is not a tz database name, so Go\'s time.LoadLocation refuses it',
      fix: 'use the tz database name "Asia/Calcutta"',
    });
    expect(timeZoneProblem('SystemV/PST8')?.problem).toBe('"SystemV/PST8" is not a tz database name, so Go\'s time.LoadLocation refuses it');
    expect(timeZoneProblem('+02:00')).toEqual({
      problem: '"+02:00" is not a known IANA time zone',
      fix: 'use a tz database name, spelled exactly, such as "Europe/Berlin", "America/New_York" or "UTC"',
    });
    expect(timeZoneProblem('Mars/Olympus_Mons')?.problem).toBe('"Mars/Olympus_Mons" is not a known IANA time zone');
    expect(timeZoneProblem('')?.problem).toBe('the time zone is empty');
    expect(timeZoneProblem('Europe/Berlin ')?.problem).toBe('time zone "Europe/Berlin " contains white space');
    expect(timeZoneProblems('tz', 'Europe/Berlin')).toEqual([]);
  });
});
