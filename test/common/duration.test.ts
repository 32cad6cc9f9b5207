import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  compactGoDuration,
  formatGoDuration,
  formatGrafanaSpan,
  formatPromDuration,
  formatSeconds,
  goDurationMs,
  goDurationProblems,
  GoDuration,
  goHours,
  humanDuration,
  parseGoDuration,
  parsePromDuration,
  promDurationMs,
  promDurationProblems,
  singleUnitGoDuration,
  spelledGoDuration,
} from '../../src/common/duration';

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const S = 1000n * MS;
const M = 60n * S;
const H = 60n * M;
const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);

const ns = (text: string): bigint | string => {
  const r = parseGoDuration(text);
  return r.ok ? r.nanoseconds : r.problem;
};

describe('Go grammar (time.ParseDuration) against its upstream table', () => {
  // Go's own parseDurationTests (src/time/time_test.go), as data.
  const accepted: Array<[string, bigint]> = [
    ['0', 0n],
    ['5s', 5n * S],
    ['30s', 30n * S],
    ['1478s', 1478n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['-0', 0n],
    ['+0', 0n],
    ['5.0s', 5n * S],
    ['5.6s', 5n * S + 600n * MS],
    ['5.s', 5n * S],
    ['.5s', 500n * MS],
    ['1.0s', S],
    ['1.00s', S],
    ['1.004s', S + 4n * MS],
    ['1.0040s', S + 4n * MS],
    ['100.00100s', 100n * S + MS],
    ['10ns', 10n],
    ['11us', 11n * US],
    ['12µs', 12n * US],
    ['12μs', 12n * US],
    ['13ms', 13n * MS],
    ['14s', 14n * S],
    ['15m', 15n * M],
    ['16h', 16n * H],
    ['3h30m', 3n * H + 30n * M],
    ['10.5s4m', 4n * M + 10n * S + 500n * MS],
    ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
    ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n],
    ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
    ['52763797000ns', 52763797000n],
    ['0.3333333333333333333h', 20n * M],
    ['9007199254740993ns', (1n << 53n) + 1n],
    ['9223372036854775807ns', MAX],
    ['9223372036854775.807us', MAX],
    ['9223372036s854ms775us807ns', MAX],
    ['-9223372036854775808ns', MIN],
    ['-9223372036854775.808us', MIN],
    ['-9223372036s854ms775us808ns', MIN],
    ['-2562047h47m16.854775808s', MIN],
    ['0.100000000000000000000h', 6n * M],
    ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n],
  ];
  test.each(accepted)('%s', (text, want) => expect(ns(text)).toBe(want));

  // Go's parseDurationErrorTests: every one is rejected.
  const rejected = [
    '',
    '3',
    '-',
    's',
    '.',
    '-.',
    '.s',
    '+.s',
    '1d',
    '\x85\x85',
    '\xffff',
    'hello \xffff world',
    '\uFFFD',
    '\uFFFD hello \uFFFD world',
    '9223372036854775810ns',
    '9223372036854775808ns',
    '-9223372036854775809ns',
    '9223372036854776us',
    '3000000h',
    '9223372036854775.808us',
    '9223372036854ms775us808ns',
  ];
  test.each(rejected)('rejects %j', (text) => expect(parseGoDuration(text).ok).toBe(false));

  test('the reasons a text is rejected', () => {
    expect([ns(''), ns('10 minutes'), ns('3'), ns('1d'), ns('3000000h')]).toEqual([
      'it is empty',
      '" minutes" is not a unit (use h, m, s, ms, us or ns)',
      'a number has no unit (use h, m, s, ms, us or ns)',
      '"d" is not a unit (use h, m, s, ms, us or ns)',
      "it is longer than Go's longest duration (about 292 years)",
    ]);
    expect(ns('x5s')).toBe('Go durations are numbers with units h, m, s, ms, us or ns (such as "1h30m" or "-100ns")');
  });

  // Go's durationTests (Duration.String).
  const printed: Array<[string, bigint]> = [
    ['0s', 0n],
    ['1ns', 1n],
    ['1.1µs', 1100n],
    ['2.2ms', 2200n * US],
    ['3.3s', 3300n * MS],
    ['4m5s', 4n * M + 5n * S],
    ['4m5.001s', 4n * M + 5001n * MS],
    ['5h6m7.001s', 5n * H + 6n * M + 7001n * MS],
    ['8m0.000000001s', 8n * M + 1n],
    ['2562047h47m16.854775807s', MAX],
    ['-2562047h47m16.854775808s', MIN],
  ];
  test.each(printed)('prints %s', (want, value) => {
    expect(formatGoDuration(value)).toBe(want);
    if (value > 0n) expect(formatGoDuration(-value)).toBe(`-${want}`);
  });

  test('a cdk8s Duration or milliseconds print as Go does', () => {
    expect([
      formatGoDuration(Duration.days(30)),
      formatGoDuration(Duration.minutes(5)),
      formatGoDuration(1500),
      formatGoDuration(500),
      formatGoDuration(0),
    ]).toEqual(['720h0m0s', '5m0s', '1.5s', '500ms', '0s']);
  });
});

describe('Prometheus grammar (model.ParseDuration) against its upstream table', () => {
  const D = 24n * 3600n * 1000n;
  // Prometheus common's TestParseDuration: input, length in ms, and how it prints ('' = as written).
  const cases: Array<[string, bigint, string]> = [
    ['0', 0n, '0s'],
    ['0w', 0n, '0s'],
    ['0s', 0n, ''],
    ['324ms', 324n, ''],
    ['3s', 3000n, ''],
    ['5m', 300000n, ''],
    ['1h', 3600000n, ''],
    ['4d', 4n * D, ''],
    ['4d1h', 4n * D + 3600000n, ''],
    ['14d', 14n * D, '2w'],
    ['3w', 21n * D, ''],
    ['3w2d1h', 23n * D + 3600000n, '23d1h'],
    ['10y', 3650n * D, ''],
  ];
  test.each(cases)('%s', (text, ms, printed) => {
    const r = parsePromDuration(text);
    expect(r.ok && r.nanoseconds).toBe(ms * 1000000n);
    expect(formatPromDuration(Number(ms))).toBe(printed || text);
  });

  // TestParseBadDuration, plus the cases the old parsers disagreed on.
  test.each(['1', '1y1m1d', '1.5d', 'd', '294y', '200y10400w', '107675d', '2584200h', '', '5m1h', '1h1h', '-5m', '1.5h'])('rejects %j', (text) => {
    expect(parsePromDuration(text).ok).toBe(false);
  });

  test('8 days print as 8d, not 1w1d; a week as 1w, or 7d with days as the largest unit', () => {
    expect([
      formatPromDuration(Duration.days(8)),
      formatPromDuration(Duration.days(7)),
      formatPromDuration(Duration.days(7), { largestUnit: 'd' }),
      formatSeconds(86400 + 5400),
    ]).toEqual(['8d', '1w', '7d', '1d1h30m']);
  });

  test('the reasons a text is rejected', () => {
    const problem = (t: string) => {
      const r = parsePromDuration(t);
      return r.ok ? undefined : r.problem;
    };
    expect([problem(''), problem('5x'), problem('5m1h'), problem('294y')]).toEqual([
      'it is empty',
      '"x" is not a Prometheus unit (use y, w, d, h, m, s or ms)',
      'Prometheus durations are whole numbers with units y, w, d, h, m, s or ms, largest first (such as "1h30m" or "30d"); "h" is out of order or repeated',
      'it is longer than the longest Prometheus duration (about 292 years)',
    ]);
  });
});

describe('print then parse gives the same span', () => {
  const msArb = fc.integer({ min: 0, max: 2 ** 42 });
  test('Go: formatGoDuration and compactGoDuration, to the nanosecond', () => {
    fc.assert(fc.property(fc.bigInt({ min: MIN, max: MAX }), (v) => ns(formatGoDuration(v)) === v));
    fc.assert(fc.property(msArb, (v) => goDurationMs(formatGoDuration(v)) === v && goDurationMs(compactGoDuration(v)) === v));
    fc.assert(fc.property(msArb, (v) => goDurationMs(`-${compactGoDuration(v)}`) === -v || v === 0));
  });

  test('Go: a cdk8s Duration spelled in its own unit or in one unit', () => {
    const unit = fc.constantFrom('millis', 'seconds', 'minutes', 'hours', 'days') as fc.Arbitrary<
      'millis' | 'seconds' | 'minutes' | 'hours' | 'days'
    >;
    fc.assert(
      fc.property(unit, fc.integer({ min: 0, max: 100000 }), (u, n) => {
        const d = Duration[u](n);
        return (
          goDurationMs(spelledGoDuration(d)) === d.toMilliseconds() &&
          goDurationMs(singleUnitGoDuration(d)) === d.toMilliseconds() &&
          /^\d+(h|m|s|ms)$/.test(singleUnitGoDuration(d))
        );
      }),
    );
  });

  test('Prometheus: formatPromDuration, with years and weeks or with days as the largest unit', () => {
    fc.assert(
      fc.property(msArb, (v) => promDurationMs(formatPromDuration(v)) === v && promDurationMs(formatPromDuration(v, { largestUnit: 'd' })) === v),
    );
  });

  test('whole seconds printed for Prometheus are also read by Go, days aside', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 86399 }), (s) => goDurationMs(formatSeconds(s)) === s * 1000));
  });
});

test('spellings kept from the manifest, and the compact form', () => {
  expect([
    spelledGoDuration(Duration.seconds(400)),
    spelledGoDuration(Duration.minutes(10)),
    spelledGoDuration(Duration.days(7)),
    spelledGoDuration(Duration.seconds(90.5)),
  ]).toEqual(['400s', '10m', '168h', '1m30s500ms']);
  expect([singleUnitGoDuration(Duration.millis(100)), singleUnitGoDuration(Duration.days(1)), singleUnitGoDuration(Duration.seconds(90))]).toEqual([
    '100ms',
    '24h',
    '90s',
  ]);
  expect([compactGoDuration(0), compactGoDuration(Duration.hours(1.5)), compactGoDuration(0.5)]).toEqual(['0s', '1h30m', '500us']);
  expect(goHours(Duration.days(30).toMilliseconds())).toBe(720);
});

test('GoDuration keeps the text and its exact length', () => {
  expect(GoDuration.parse('-10m100ns').nanoseconds).toBe(-(600e9 + 100));
  expect(GoDuration.parse('0').nanoseconds).toBe(0);
  expect(() => GoDuration.parse('10 minutes')).toThrow(
    '"10 minutes" is not a Go duration: " minutes" is not a unit (use h, m, s, ms, us or ns). Fix: write a duration such as "-10m100ns", "1h30m" or "400s".',
  );
});

test('duration checks return problems in the one shape', () => {
  expect(goDurationProblems('spec.duration', '5 min')).toEqual([
    {
      field: 'spec.duration',
      problem: '"5 min" is not a Go duration: " min" is not a unit (use h, m, s, ms, us or ns)',
      fix: 'write a duration such as "-10m100ns", "1h30m" or "400s"',
    },
  ]);
  expect(goDurationProblems('deadline', '0', { positive: true, fix: 'write a deadline such as "5m"' })).toEqual([
    { field: 'deadline', problem: '"0" is not a positive duration', fix: 'write a deadline such as "5m"' },
  ]);
  expect(goDurationProblems('deadline', '1h')).toEqual([]);
  expect(promDurationProblems('for', '5m1h')[0].problem).toBe(
    '"5m1h" is not a Prometheus duration: Prometheus durations are whole numbers with units y, w, d, h, m, s or ms, largest first (such as "1h30m" or "30d"); "h" is out of order or repeated',
  );
  expect(promDurationProblems('for', '0')).toEqual([]);
});

test('Grafana spans take one unit', () => {
  expect([
    formatGrafanaSpan(Duration.days(7)),
    formatGrafanaSpan(Duration.minutes(90)),
    formatGrafanaSpan(Duration.seconds(30)),
    formatGrafanaSpan(Duration.millis(1500)),
  ]).toEqual(['7d', '90m', '30s', '2s']);
});

test('spans for people: whole units, else rounded', () => {
  expect([
    humanDuration(Duration.days(30).toMilliseconds()),
    humanDuration(3600000),
    humanDuration(90000),
    humanDuration(45400),
    humanDuration(12.2 * 60000 + 500),
    humanDuration(3.5 * 3600000 + 500),
    humanDuration(2.5 * 86400000 + 500),
    humanDuration(3.5 * 3600000),
  ]).toEqual(['30d', '1h', '90s', '45s', '12m', '3.5h', '2.5d', '210m']);
});
