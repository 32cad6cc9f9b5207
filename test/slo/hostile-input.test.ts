/**
 * Hostile and mistaken input to the typed SLO constructs: names that would inject PromQL,
 * queries that parse but Prometheus refuses, labels and templates that silently break the
 * alerts, numbers that are not finite, objectives written as ratios, objects Kubernetes
 * refuses for their size. Each case asserts the whole message: path, field, problem, fix.
 */
import { Duration, Testing } from 'cdk8s';
import { ResilienceValidationError } from '../../src/common';
import {
  AlertWindows,
  DashboardRefresh,
  DashboardTimeRange,
  SloDashboard,
  SloDefinition,
  SloDefinitions,
  SloOutput,
  SloSpec,
  SloSpecProps,
  SloThresholdRules,
  SloThresholdRulesProps,
  Sli,
} from '../../src/slo';
import { SloModel } from '../../src/slo/model';
import { sloProblems } from '../../src/slo/validate';
import { DEFAULT_ALERT_WINDOWS } from '../../src/slo/windows';
import { checkRules } from '../support/promtool';

const events = Sli.events({
  errorQuery: 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))',
  totalQuery: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))',
});

function slo(over: Partial<SloDefinition> = {}): SloDefinition {
  return { name: 'availability', objective: 99.9, sli: events, alerting: { name: 'ApiHighErrorRate' }, ...over };
}

/** The message of the error a SloSpec with these props throws (at construction or at synth). */
function specError(over: Partial<SloSpecProps>): string {
  const chart = Testing.chart();
  try {
    new SloSpec(chart, 'slos', { service: 'api', slos: [slo()], ...over });
    Testing.synth(chart);
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

function accepted(over: Partial<SloSpecProps>): void {
  const chart = Testing.chart();
  new SloSpec(chart, 'slos', { service: 'api', slos: [slo()], ...over });
  expect(Testing.synth(chart)).toHaveLength(1);
}

describe('PromQL injection through the SLI helpers: every name is checked against Prometheus grammar', () => {
  const injected = '"} or vector(1) #';

  test('the metric of Sli.availability', () => {
    const msg = specError({ slos: [slo({ sli: Sli.availability({ metric: injected }) })] });
    expect(msg).toContain(
      `[test/slos] slos[0].sli.metric: "${injected}" is not a valid Prometheus metric name (letters, digits, '_' and ':', not starting with a digit). Fix: use a metric name of letters, digits, '_' and ':' only, e.g. "http_requests_total".`,
    );
    expect(msg).toMatch(/^1 problem in/); // not also reported as the broken queries it makes
  });

  test('the status label and the selector keys of Sli.availability', () => {
    const msg = specError({ slos: [slo({ sli: Sli.availability({ statusLabel: `code${injected}`, selector: { [`job${injected}`]: 'api' } }) })] });
    expect(msg).toContain(
      `[test/slos] slos[0].sli.statusLabel: "code${injected}" is not a valid Prometheus label name (letters, digits and '_', not starting with a digit). Fix: use a label name of letters, digits and '_', not starting with a digit or '__', e.g. "code".`,
    );
    expect(msg).toContain(`[test/slos] slos[0].sli.selector.job${injected}: "job${injected}" is not a valid Prometheus label name`);
  });

  test('a reserved selector key (__name__ and other __ labels) is refused', () => {
    expect(specError({ slos: [slo({ sli: Sli.availability({ selector: { __meta_x: 'a' } }) })] })).toContain(
      `[test/slos] slos[0].sli.selector.__meta_x: "__meta_x" starts with '__', which Prometheus reserves for internal labels.`,
    );
  });

  test('the histogram of Sli.latency and the metric of Sli.throughput', () => {
    expect(specError({ slos: [slo({ sli: Sli.latency({ histogram: `h${injected}`, thresholdBucket: '0.5' }) })] })).toContain(
      `[test/slos] slos[0].sli.histogram: "h${injected}" is not a valid Prometheus metric name (letters, digits, '_' and ':', not starting with a digit). Fix: use a metric name of letters, digits, '_' and ':' only, e.g. "http_request_duration_seconds".`,
    );
    expect(specError({ slos: [slo({ sli: Sli.throughput({ metric: 'jobs total', minPerSecond: 5 }) })] })).toContain(
      `[test/slos] slos[0].sli.metric: "jobs total" is not a valid Prometheus metric name`,
    );
  });

  test('label values are quoted, so hostile values stay values (promtool reads the rules, and the value is one matcher)', () => {
    accepted({ slos: [slo({ sli: Sli.availability({ selector: { job: injected } }) })] });
    const chart = Testing.chart();
    const spec = new SloSpec(chart, 'slos', { service: 'api', slos: [slo({ sli: Sli.availability({ selector: { job: `${injected}\\ "\n` } }) })] });
    const file = spec.toRulesFile();
    const r = checkRules({ 'rules.yaml': file });
    expect(r.output).toMatch(/SUCCESS: 17 rules found/);
    expect(spec.ruleGroups[0].rules[0].expr).toContain('{job="\\"} or vector(1) #\\\\ \\"\\n",code=~"5.."}');
  });

  test('the error status regex and selector regexes are RE2', () => {
    const msg = specError({ slos: [slo({ sli: Sli.availability({ errorStatusRegex: '5[0-9', selector: { path: { notRegex: '(?!/health)' } } }) })] });
    expect(msg).toContain(
      `[test/slos] slos[0].sli.errorStatusRegex: "5[0-9" is not a valid regular expression in Prometheus' RE2 syntax (missing closing ]: \`[0-9\`). Fix: correct the regex (RE2 has no look-around or back-references), e.g. "5.." or "5[0-9]{2}".`,
    );
    expect(msg).toContain('[test/slos] slos[0].sli.selector.path: "(?!/health)" is not a valid regular expression');
  });
});

describe('queries that parse but Prometheus refuses', () => {
  test('a range after an aggregation (rate(sum(x)[5m]))', () => {
    const msg = specError({
      slos: [slo({ sli: Sli.events({ errorQuery: 'rate(sum(errors_total)[{{.window}}])', totalQuery: 'sum(rate(requests_total[{{.window}}]))' }) })],
    });
    expect(msg).toContain(
      '[test/slos] slos[0].sli.events.errorQuery: The query is not valid PromQL'.replace('The', 'the') +
        ': the range 5m follows sum(errors_total), which is not a metric selector: Prometheus allows ranges only on selectors (near "rate(sum(errors_total)[5m])"). Fix: put the range on a metric selector, e.g. rate(http_requests_total[5m]); over an expression, use a subquery such as max_over_time((a / b)[1h:1m]).',
    );
  });

  test('a range function on an instant vector', () => {
    expect(specError({ slos: [slo({ sli: Sli.raw('rate(errors_total{job="a"}) / rate(requests_total[{{.window}}])') })] })).toContain(
      '[test/slos] slos[0].sli.raw.errorRatioQuery: the query is not valid PromQL: rate() expects a range vector as argument 1, got an instant vector (errors_total{job="a"})',
    );
  });

  test('a zero range and an invalid regex in a matcher', () => {
    const msg = specError({
      slos: [slo({ sli: Sli.raw('sum(rate(errors_total{code=~"5[0-9"}[0s])) / sum(rate(requests_total[{{.window}}]))') })],
    });
    expect(msg).toContain('slos[0].sli.raw.errorRatioQuery: the query is not valid PromQL: the range 0s is zero, so it selects no samples');
    expect(msg).toContain('Fix: use a range longer than the scrape interval, e.g. [5m].');
    expect(msg).toContain('the regex "5[0-9" is not valid RE2, the syntax Prometheus uses (missing closing ]: `[0-9`)');
  });

  test('{{.window}} only inside a string literal records one window everywhere', () => {
    expect(
      specError({
        slos: [slo({ sli: Sli.raw('label_replace(sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])), "w", "{{.window}}", "", "")') })],
      }),
    ).toContain(
      '[test/slos] slos[0].sli.raw.errorRatioQuery: {{.window}} appears only inside a string literal, so it does not change the range and every window records the same ratio. Fix: use {{.window}} as the range of a selector, e.g. rate(http_requests_total[{{.window}}]).',
    );
  });
});

describe('inputs that silently kill alerts', () => {
  test.each([
    ['labels', { labels: { sloth_id: 'x' } }, 'labels.sloth_id'],
    ['extraLabels', { extraLabels: { sloth_service: 'x' } }, 'extraLabels.sloth_service'],
    ['SLO labels', { slos: [slo({ labels: { sloth_window: '5m' } })] }, 'slos[0].labels.sloth_window'],
    ['alert labels', { slos: [slo({ alerting: { name: 'A', labels: { sloth_slo: 'x' } } })] }, 'slos[0].alerting.labels.sloth_slo'],
    [
      'page alert labels',
      { slos: [slo({ alerting: { name: 'A', pageAlert: { labels: { sloth_severity: 'ticket' } } } })] },
      'slos[0].alerting.pageAlert.labels.sloth_severity',
    ],
  ] as Array<[string, Partial<SloSpecProps>, string]>)('a reserved label in %s', (_what, over, field) => {
    const key = field.split('.').pop()!;
    expect(specError(over)).toContain(
      `[test/slos] ${field}: "${key}" is a label the generated rules set and join on: a value given here overrides it and breaks the burn-rate alerts. Fix: remove "${key}" or rename it (e.g. "${key.replace('sloth_', '')}").`,
    );
  });

  test.each([Infinity, NaN, -Infinity])('objective %s', (objective) => {
    expect(specError({ slos: [slo({ objective })] })).toContain(
      `[test/slos] slos[0].objective: ${objective} is not a finite number. Fix: give the objective as a percentage, e.g. 99.9.`,
    );
  });

  test('a throughput SLI of Infinity per second', () => {
    expect(specError({ slos: [slo({ sli: Sli.throughput({ minPerSecond: Infinity }) })] })).toContain(
      '[test/slos] slos[0].sli.minPerSecond: Infinity is not a finite number, and would be written into the rules as such. Fix: give a finite number, e.g. 100.',
    );
  });

  test('custom alert windows with an infinite budget share, and an infinite period', () => {
    const w = (errorBudgetPercent: number, s: number, l: number) => ({
      errorBudgetPercent,
      shortWindow: Duration.minutes(s),
      longWindow: Duration.minutes(l),
    });
    const windows = AlertWindows.custom({
      period: Duration.days(7),
      pageQuick: w(Infinity, 5, 60),
      pageSlow: w(5, 30, 360),
      ticketQuick: w(10, 120, 1440),
      ticketSlow: w(10, 360, 4320),
    });
    expect(specError({ period: Duration.days(7), alertWindows: [windows] })).toContain(
      '[test/slos] alertWindows[0].page.quick.errorBudgetPercent: the share of the budget is Infinity, which would be written into the rules as such. Fix: give a finite percent of the budget, such as 2.',
    );
    expect(specError({ period: Duration.days(Infinity) })).toContain(
      '[test/slos] period: the duration is not a finite, whole number of milliseconds (NaN, infinite or fractional). Fix: give a finite duration, e.g. Duration.days(30).',
    );
  });

  test('annotation and alert label templates that Prometheus cannot parse', () => {
    const msg = specError({
      slos: [
        slo({
          alerting: {
            name: 'A',
            annotations: { summary: '{{ $labels.sloth_service ' },
            ticketAlert: { labels: { team: '{{ if eq $labels.x "y" }}a' }, annotations: { runbook: '{{ $runbook }}' } },
          },
        }),
      ],
    });
    expect(msg).toContain(
      '[test/slos] slos[0].alerting.annotations.summary: the template does not parse: the action opened at offset 0 ("{{ $labels.sloth_service") is not closed with "}}". Fix: close every {{ with }}, and every {{if}}/{{range}}/{{with}} with {{end}}, e.g. "{{ $labels.job }} is burning its budget".',
    );
    expect(msg).toContain('[test/slos] slos[0].alerting.ticketAlert.labels.team: the template does not parse: {{if}} is not closed with {{end}}.');
    expect(msg).toContain('[test/slos] slos[0].alerting.ticketAlert.annotations.runbook: the template does not parse: the variable "$runbook"');
  });

  test('valid templates and ordinary labels stay accepted', () => {
    accepted({
      labels: { team: 'payments' },
      slos: [
        slo({
          labels: { tier: '1' },
          alerting: { name: 'A', annotations: { summary: '{{ $labels.sloth_service }} at {{ $value | humanizePercentage }}' } },
        }),
      ],
    });
  });
});

describe('the objective unit trap', () => {
  test('0.999 is refused with the value meant', () => {
    expect(specError({ slos: [slo({ objective: 0.999 })] })).toContain(
      '[test/slos] slos[0].objective: 0.999 % is below 50 %: an objective is a percent, not a ratio (did you mean 99.9?). Fix: write 99.9 for 99.9 %.',
    );
  });

  test('below 50 without a likely meaning', () => {
    expect(specError({ slos: [slo({ objective: 10 })] })).toContain(
      '[test/slos] slos[0].objective: 10 % is below 50 %: an objective is a percent, not a ratio. Fix: give the objective as a percent, e.g. 99.9.',
    );
  });

  test('SloSpec.fromSloth refuses it too (a typed construct)', () => {
    expect(() =>
      SloSpec.fromSloth(Testing.chart(), 'slos', {
        service: 'api',
        slos: [
          {
            name: 'a',
            objective: 0.95,
            sli: { raw: { errorRatioQuery: 'sum(rate(e[{{.window}}])) / sum(rate(t[{{.window}}]))' } },
            alerting: { name: 'A' },
          },
        ],
      }),
    ).toThrow('slos[0].objective: 0.95 % is below 50 %: an objective is a percent, not a ratio (did you mean 95?). Fix: write 95 for 95 %.');
  });

  test('50, 95 and 99.99 are accepted', () => {
    for (const objective of [50, 95, 99.99]) accepted({ slos: [slo({ objective })] });
  });

  test('SloThresholdRules (and its former name SloDefinitions) refuse it', () => {
    expect(() => new SloThresholdRules(Testing.chart(), 'defs', { objective: 0.999 })).toThrow(
      '[test/defs] objective: 0.999 % is below 50 %: an objective is a percent, not a ratio (did you mean 99.9?). Fix: write 99.9 for 99.9 %.',
    );
    expect(() => new SloDefinitions(Testing.chart(), 'defs', { objective: 0.9995 })).toThrow('(did you mean 99.95?)');
  });
});

describe('SloThresholdRules: names, selectors, numbers', () => {
  const err = (props: SloThresholdRulesProps): string => {
    try {
      new SloThresholdRules(Testing.chart(), 'defs', props);
    } catch (e) {
      expect(e).toBeInstanceOf(ResilienceValidationError);
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  };

  test('an injected histogram name and selector key, and an availability SLI with an injected metric', () => {
    const msg = err({
      histogram: 'h"} or vector(1) #',
      histogramSelector: { 'job"}': 'a' },
      availability: Sli.availability({ metric: 'x y' }),
    });
    expect(msg).toContain('[test/defs] histogram: "h\\"} or vector(1) #"'.replace('\\"', '"'));
    expect(msg).toContain(`[test/defs] histogramSelector.job"}: "job"}" is not a valid Prometheus label name`);
    expect(msg).toContain('[test/defs] availability.metric: "x y" is not a valid Prometheus metric name');
  });

  test.each([
    [
      { quantile: NaN },
      '[test/defs] quantile: NaN is not a finite number, and would be written into the rules as such. Fix: give a finite number, e.g. 0.99.',
    ],
    [{ objective: Infinity }, '[test/defs] objective: Infinity is not a finite number'],
    [{ budgetBurnPercentPerDay: Infinity }, '[test/defs] budgetBurnPercentPerDay: Infinity is not a finite number'],
    [{ budgetRemainingPercentBelow: NaN }, '[test/defs] budgetRemainingPercentBelow: NaN is not a finite number'],
    [
      { latencyThreshold: Duration.millis(Infinity) },
      '[test/defs] latencyThreshold: the duration is not a finite, whole number of milliseconds (NaN, infinite or fractional). Fix: give a finite duration, e.g. Duration.millis(500).',
    ],
    [
      { shortWindow: Duration.seconds(0) },
      '[test/defs] shortWindow: the duration is 0 ms, but it must be longer than zero. Fix: give a duration such as Duration.minutes(5).',
    ],
  ] as Array<[SloThresholdRulesProps, string]>)('%j', (props, expected) => {
    expect(err(props)).toContain(expected);
  });

  test('an availability SLI with a type error is reported at the recording that uses it', () => {
    expect(err({ availability: Sli.raw('rate(sum(x)[{{.window}}])') })).toContain(
      '[test/defs] availability (recording slo:api:availability:ratio): the generated query is not valid PromQL: the range 5m follows sum(x)',
    );
  });
});

describe('limits Kubernetes enforces', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => slo({ name: `slo-${i}` }));

  test('a PrometheusRule over 1 MiB is refused with how to split it', () => {
    const msg = specError({ slos: many(400) });
    expect(msg).toMatch(
      /^Validation failed with the following errors:\n {2}\[test\/slos\] slos: the generated PrometheusRule is \d+\.\d\d MiB for 400 SLOs, more than the 1\.00 MiB one object may hold \(etcd refuses requests over 1\.5 MiB by default\)\. Fix: split the SLOs over several SloSpecs \(each writes its own PrometheusRule\), about \d+ SLOs each\.$/,
    );
    const each = Number(/about (\d+) SLOs each/.exec(msg)![1]);
    // The advice works: that many SLOs fit in one object.
    const chart = Testing.chart();
    new SloSpec(chart, 'slos', { service: 'api', slos: many(each) });
    const [rule] = Testing.synth(chart);
    expect(Buffer.byteLength(JSON.stringify(rule))).toBeLessThanOrEqual(1024 * 1024);
  });

  test('a rules ConfigMap over 1 MiB is refused as well', () => {
    expect(specError({ slos: many(400), output: SloOutput.rulesConfigMap() })).toMatch(
      /slos: the generated ConfigMap is \d+\.\d\d MiB for 400 SLOs, .*and a ConfigMap holds at most 1 MiB of data\)\. Fix: split the SLOs over several SloSpecs \(each writes its own ConfigMap\)/,
    );
  });

  test('an SLO added later with addSlo() counts', () => {
    const chart = Testing.chart();
    const spec = new SloSpec(chart, 'slos', { service: 'api', slos: many(100) });
    for (let i = 100; i < 400; i++) spec.addSlo(slo({ name: `slo-${i}` }));
    expect(() => Testing.synth(chart)).toThrow(/the generated PrometheusRule is .* for 400 SLOs/);
  });

  test.each([
    ['../../x', '"../../x" is not a valid ConfigMap key (only letters, digits, "-", "_" and "."; no "/")'],
    ['..rules.yaml', '"..rules.yaml" is not a valid ConfigMap key (it must not be "." or start with "..")'],
  ])('ConfigMap fileName %j', (fileName, problem) => {
    expect(specError({ output: SloOutput.rulesConfigMap({ fileName }) })).toContain(
      `[test/slos] output.fileName: ${problem}. Fix: use a file name of letters, digits, "-", "_" and ".", e.g. "slos.rules.yaml".`,
    );
    expect(() => new SloThresholdRules(Testing.chart(), 'defs', { output: SloOutput.rulesConfigMap({ fileName }) })).toThrow(
      `[test/defs] output.fileName: ${problem}.`,
    );
  });

  test('a default ConfigMap key longer than 253 characters', () => {
    const name = `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(60)}`;
    expect(specError({ name, output: SloOutput.rulesConfigMap() })).toContain(
      `[test/slos] name: the ConfigMap key "${name}.rules.yaml" is longer than the 253 characters Kubernetes allows. Fix: use a shorter name, or give SloOutput.rulesConfigMap({ fileName }).`,
    );
  });
});

describe('SloDashboard: numbers that are not finite', () => {
  test('refresh and time range', () => {
    expect(() => new SloDashboard(Testing.chart(), 'dash', { refresh: DashboardRefresh.every(Duration.millis(NaN)) })).toThrow(
      '[test/dash] refresh: the duration is not a finite, whole number of milliseconds (NaN, infinite or fractional). Fix: give a finite duration, e.g. DashboardRefresh.every(Duration.minutes(1)).',
    );
    expect(() => new SloDashboard(Testing.chart(), 'dash', { timeRange: DashboardTimeRange.last(Duration.days(Infinity)) })).toThrow(
      '[test/dash] timeRange: the duration is not a finite, whole number of milliseconds',
    );
  });

  test('alert windows with an infinite budget share', () => {
    const w = AlertWindows.thirtyDays().model;
    expect(
      () => new SloDashboard(Testing.chart(), 'dash', { alertWindows: { ...w, pageQuick: { ...w.pageQuick, errorBudgetPercent: Infinity } } }),
    ).toThrow('[test/dash] alertWindows.pageQuick.errorBudgetPercent: Infinity is not a finite number, and would be written into the rules as such.');
  });
});

describe('the same query checks in Sloth-compatible mode (the slo CLI)', () => {
  const model = (errorRatioQuery: string): SloModel => ({
    id: 'api-availability',
    name: 'availability',
    service: 'api',
    description: '',
    objective: 99.9,
    periodMs: 30 * 86400000,
    labels: {},
    sli: { raw: { errorRatioQuery } },
    pageAlert: { disable: true, name: '', labels: {}, annotations: {} },
    ticketAlert: { disable: true, name: '', labels: {}, annotations: {} },
  });
  const sloth = (q: string) => sloProblems(model(q), DEFAULT_ALERT_WINDOWS[0], ['30d'], { strict: false });

  test("what Prometheus' parser refuses, Sloth refuses too", () => {
    expect(sloth('rate(sum(x)[{{.window}}])')).toEqual([
      {
        field: 'sli.raw.errorRatioQuery',
        problem:
          'the query is not valid PromQL: the range 5m follows sum(x), which is not a metric selector: Prometheus allows ranges only on selectors (near "rate(sum(x)[5m])")',
        fix: 'put the range on a metric selector, e.g. rate(http_requests_total[5m]); over an expression, use a subquery such as max_over_time((a / b)[1h:1m])',
      },
    ]);
  });

  test('what only the typed constructs refuse, Sloth accepts: a range-vector result, {{.window}} only in a string, an objective of 0.999', () => {
    expect(sloth('x[{{.window}}]')).toEqual([]);
    expect(sloth('label_replace(sum(rate(x[5m])), "w", "{{.window}}", "", "")')).toEqual([]);
    expect(sloProblems({ ...model('sum(rate(x[{{.window}}]))'), objective: 0.999 }, DEFAULT_ALERT_WINDOWS[0], ['30d'], { strict: false })).toEqual(
      [],
    );
  });
});
