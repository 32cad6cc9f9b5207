import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Sli, SloThresholdRules, SloOutput } from '../../src/slo';
import { promqlSyntaxProblem } from '../../src/slo/promql';
import { expectValidManifests } from '../support/schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function rulesOf(objs: Json[]): Json[] {
  return YAML.parse(objs[0].data['slo-definitions.rules.yaml']).groups.flatMap((g: Json) => g.rules);
}

describe('SloThresholdRules', () => {
  test('the chapter defaults: names, thresholds derived from the objective and period', () => {
    const chart = Testing.chart();
    new SloThresholdRules(chart, 'defs', {
      availability: Sli.availability({ selector: { job: 'demo-app' }, statusLabel: 'status' }),
      histogramSelector: { job: 'demo-app' },
    });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    const rules = rulesOf(objs);
    expect(rules.filter((r: Json) => r.record).map((r: Json) => r.record)).toEqual([
      'slo:api:availability:ratio',
      'slo:api:availability:burn_rate:1d',
      'slo:api:availability:burn_rate:4w',
      'slo:api:availability:error_budget_ratio',
      'slo:api:latency:p99',
    ]);
    const alert = (n: string) => rules.find((r: Json) => r.alert === n);
    // 10% of a 28-day budget per day = a 1d burn rate of 2.8
    expect(alert('SLOErrorBudgetBurnRateHigh').expr).toBe('slo:api:availability:burn_rate:1d > 2.8');
    expect(alert('SLOErrorBudgetLow').expr).toBe('slo:api:availability:error_budget_ratio > 0.8');
    expect(alert('SLOAvailabilityViolation').expr).toBe('slo:api:availability:ratio < 0.999');
    expect(alert('SLOLatencyViolation').expr).toBe('slo:api:latency:p99 > 0.5');
    expect(alert('SLOAvailabilityViolation').labels.severity).toBe('critical');
    expect(alert('SLOLatencyViolation').labels.severity).toBe('warning');
    for (const r of rules) expect(promqlSyntaxProblem(r.expr)).toBeUndefined();
    expect(rules.find((r: Json) => r.record === 'slo:api:availability:burn_rate:4w').expr).toContain('status=~"5.."}[4w]');
    expect(YAML.stringify(objs)).toMatchSnapshot();
  });

  test('thresholds follow the options', () => {
    const chart = Testing.chart();
    const d = new SloThresholdRules(chart, 'defs', {
      prefix: 'checkout',
      objective: 99.5,
      period: Duration.days(30),
      quantile: 0.95,
      latencyThreshold: Duration.millis(250),
      budgetBurnPercentPerDay: 5,
      budgetRemainingPercentBelow: 10,
      output: SloOutput.prometheusRule(),
    });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(d.names.latencyQuantile).toBe('slo:checkout:latency:p95');
    const rules = objs[0].spec.groups.flatMap((g: Json) => g.rules);
    const expr = (n: string) => rules.find((r: Json) => r.alert === n).expr;
    expect(expr('SLOErrorBudgetBurnRateHigh')).toBe('slo:checkout:availability:burn_rate:1d > 1.5');
    expect(expr('SLOErrorBudgetLow')).toBe('slo:checkout:availability:error_budget_ratio > 0.9');
    expect(expr('SLOAvailabilityViolation')).toBe('slo:checkout:availability:ratio < 0.995');
    expect(expr('SLOLatencyViolation')).toBe('slo:checkout:latency:p95 > 0.25');
    expect(rules.find((r: Json) => r.record === 'slo:checkout:availability:error_budget_ratio').expr).toBe('slo:checkout:availability:burn_rate:30d');
  });

  test('bad input: every problem at once', () => {
    expect(
      () => new SloThresholdRules(Testing.chart(), 'defs', { prefix: 'bad-prefix', objective: 100, quantile: 1.5, budgetRemainingPercentBelow: 0 }),
    ).toThrow(
      /4 problems in test\/defs:\n  \[test\/defs\] prefix: "bad-prefix" cannot be part of a recording name[\s\S]*objective: 100 is outside \(0, 100\)[\s\S]*quantile: 1\.5 is outside \(0, 1\)[\s\S]*budgetRemainingPercentBelow: 0 is outside \(0, 100\)/,
    );
  });

  test('a generated query that does not parse is rejected', () => {
    expect(() => new SloThresholdRules(Testing.chart(), 'defs', { availability: Sli.raw('rate(x[{{.window}}]) +') })).toThrow(
      /the generated query does not parse/,
    );
  });
});
