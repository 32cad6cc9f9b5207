/**
 * The chapter's four threshold alerts, run by the real promtool against synthetic series:
 * each fires above its threshold and stays quiet below it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { rulesFileYaml, Sli, SloThresholdRules } from '../../src/slo';
import { promtoolPath } from '../support/promtool';

const defs = new SloThresholdRules(Testing.chart(), 'defs', {
  availability: Sli.availability({ selector: { job: 'demo-app' }, statusLabel: 'status' }),
  histogramSelector: { job: 'demo-app' },
  objective: 99.9,
  period: Duration.days(28),
  latencyThreshold: Duration.millis(500),
});

/** The static annotations of an alert, as generated. */
function annotationsOf(alertname: string): Record<string, string> {
  const rule = defs.ruleGroups.flatMap((g) => g.rules).find((r) => r.alert === alertname)!;
  return { summary: rule.annotations!.summary };
}

/** Requests per minute: `ok` answered 200, `errors` answered 500; 2h of data at 1m steps. */
function requests(okPerMin: number, errorsPerMin: number) {
  return [
    { series: 'http_requests_total{job="demo-app",status="200"}', values: `0+${okPerMin}x120` },
    { series: 'http_requests_total{job="demo-app",status="500"}', values: `0+${errorsPerMin}x120` },
  ];
}

/** A latency histogram: per minute, `fast` requests under 0.1s and `slow` between 0.5s and 1s. */
function latency(fast: number, slow: number) {
  const b = (le: string, perMin: number) => ({
    series: `http_request_duration_seconds_bucket{job="demo-app",le="${le}"}`,
    values: `0+${perMin}x120`,
  });
  return [b('0.1', fast), b('0.5', fast), b('1', fast + slow), b('+Inf', fast + slow)];
}

function alertTest(
  name: string,
  inputSeries: Array<{ series: string; values: string }>,
  alertname: string,
  fires: boolean,
  severity: string,
  description = '',
) {
  return {
    name,
    interval: '1m',
    input_series: inputSeries,
    alert_rule_test: [
      {
        eval_time: '90m',
        alertname,
        exp_alerts: fires ? [{ exp_labels: { severity }, exp_annotations: { ...annotationsOf(alertname), description } }] : [],
      },
    ],
  };
}

describe('chapter SLO alerts under promtool', () => {
  const bin = promtoolPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-defs-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), rulesFileYaml(defs.ruleGroups));

  test('promtool check rules accepts the generated file', () => {
    const out = execFileSync(bin, ['check', 'rules', path.join(dir, 'rules.yaml')]).toString();
    expect(out).toMatch(/SUCCESS: 9 rules found/);
  });

  function run(tests: object[]): { code: number; out: string } {
    const file = path.join(dir, `t-${Math.random().toString(36).slice(2)}.yaml`);
    const body = { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests };
    const text = YAML.stringify(body);
    fs.writeFileSync(file, text);
    const r = spawnSync(bin, ['test', 'rules', path.basename(file)], { cwd: dir });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  test.each([
    // 1% errors: availability 99% < 99.9%
    [
      'SLOAvailabilityViolation fires at 1% errors',
      requests(990, 10),
      'SLOAvailabilityViolation',
      true,
      'critical',
      'Availability over the last 5m is 99%. Page the on-call.',
    ],
    ['SLOAvailabilityViolation is quiet at 0.05% errors', requests(1999, 1), 'SLOAvailabilityViolation', false, 'critical', ''],
    // 1d burn rate: 0.5% errors = 5x > 2.8; 0.2% = 2x < 2.8
    [
      'SLOErrorBudgetBurnRateHigh fires at a 5x burn',
      requests(995, 5),
      'SLOErrorBudgetBurnRateHigh',
      true,
      'warning',
      '1d burn rate is 5.00 (threshold 2.8). Review recent deployments.',
    ],
    ['SLOErrorBudgetBurnRateHigh is quiet at a 2x burn', requests(998, 2), 'SLOErrorBudgetBurnRateHigh', false, 'warning', ''],
    // budget consumed over the period: 0.09% errors = 90% > 80%; 0.05% = 50%
    [
      'SLOErrorBudgetLow fires with 90% of the budget consumed',
      requests(9991, 9),
      'SLOErrorBudgetLow',
      true,
      'critical',
      'Error budget consumed: 90%. Freeze risky deployments.',
    ],
    ['SLOErrorBudgetLow is quiet with 50% consumed', requests(1999, 1), 'SLOErrorBudgetLow', false, 'critical', ''],
    // p99 latency: 5% slow requests put p99 in the 0.5-1s bucket; 0.5% slow keep it under 0.5s
    [
      'SLOLatencyViolation fires when p99 is over 500ms',
      latency(95, 5),
      'SLOLatencyViolation',
      true,
      'warning',
      'p99 latency is 900ms. Investigate.',
    ],
    ['SLOLatencyViolation is quiet when p99 is under 500ms', latency(995, 5), 'SLOLatencyViolation', false, 'warning', ''],
  ])('%s', (name, series, alert, fires, severity, description) => {
    const r = run([alertTest(name, series, alert, fires, severity, description)]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  test('a wrong expectation makes promtool fail (the harness can fail)', () => {
    const r = run([alertTest('wrong', requests(1999, 1), 'SLOAvailabilityViolation', true, 'critical')]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/FAILED/);
  });
});
