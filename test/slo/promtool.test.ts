/**
 * The generated SLO rules checked by the real Prometheus tools:
 * - `promtool check rules` on the rules of every Sloth golden case and of an SLO built with
 *   each Sli helper (and a broken file, to show the check can fail);
 * - `promtool test rules` on synthetic request counters for a 99.9% / 30d availability SLO:
 *   the page alert fires within the first hour of a fast burn (15×), the ticket alert alone
 *   fires on a slow burn (2×), nothing fires at 0.5×.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { rulesFileYaml, Sli, SloDefinition, SloSpec } from '../../src/slo';
import { caseSloSpecs, slothFixtureCases } from './sloth-fixtures';
import { checkRules, expandAnnotations, findPromtool, promtoolVersion, PromtoolTestCase, testRules } from '../support/promtool';
import { addSloCharts } from '../../examples/platform/slo';

/** The rules files of one Sloth golden case, one per input document, generated through SloSpec. */
function fixtureRuleFiles(input: string, args: string[], prefix: string): Record<string, string> {
  const chart = new Chart(Testing.app(), 'test');
  return Object.fromEntries(caseSloSpecs(chart, input, args).map(({ slo }, i) => [`${prefix}-${i}.rules.yaml`, slo.toRulesFile()]));
}

describe('promtool check rules', () => {
  test('promtool is installed', () => {
    expect(promtoolVersion()).toMatch(/^promtool, version \d+\.\d+/);
  });

  test('without promtool the harness fails with how to install it (it never skips)', () => {
    expect(() => findPromtool({ PATH: '/nonexistent' })).toThrow(/install promtool \(apt-get install prometheus\)/);
    expect(() => findPromtool({ PATH: '/nonexistent', PROMTOOL: '/nonexistent/promtool' })).toThrow(/set PROMTOOL/);
  });

  test("the chapter's SLO specs pass", () => {
    const specs = addSloCharts(Testing.app());
    expect(specs.length).toBeGreaterThanOrEqual(2);
    const files = Object.fromEntries(specs.map((s) => [`${s.name}.rules.yaml`, s.toRulesFile()]));
    const r = checkRules(files);
    expect(r.output.match(/SUCCESS: \d+ rules found/g) ?? []).toHaveLength(specs.length);
    expect(r.exitCode).toBe(0);
  });

  const cases = slothFixtureCases();

  test('the rules generated for every Sloth golden case pass', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const files: Record<string, string> = {};
    for (const c of cases) Object.assign(files, fixtureRuleFiles(c.input, c.args, c.name));
    const r = checkRules(files);
    expect({ exitCode: r.exitCode, output: r.output }).toEqual({ exitCode: 0, output: expect.not.stringMatching(/FAILED/) });
    const successes = r.output.match(/SUCCESS: \d+ rules found/g) ?? [];
    expect(successes).toHaveLength(Object.keys(files).length);
    // Every file has rules (a case that disables everything would be a vacuous pass).
    for (const s of successes) expect(Number(/(\d+)/.exec(s)![1])).toBeGreaterThan(0);
  });

  const helperSlis: Array<[string, Sli]> = [
    ['availability', Sli.availability({ selector: { job: 'auth-service' } })],
    ['latency', Sli.latency({ selector: { job: 'auth-service' }, thresholdBucket: '0.5' })],
    ['throughput', Sli.throughput({ selector: { job: 'batch-worker' }, minPerSecond: 100 })],
    ['raw', Sli.raw('sum(rate(grpc_server_handled_total{grpc_code!="OK"}[{{.window}}])) / sum(rate(grpc_server_handled_total[{{.window}}]))')],
    [
      'events',
      Sli.events({ errorQuery: 'sum(rate(queue_jobs_failed_total[{{.window}}]))', totalQuery: 'sum(rate(queue_jobs_processed_total[{{.window}}]))' }),
    ],
  ];

  test.each(helperSlis)('an SLO built with Sli.%s passes, for 30d and 28d periods', (kind, sli) => {
    const files: Record<string, string> = {};
    for (const days of [30, 28]) {
      const spec = new SloSpec(Testing.chart(), 'slos', {
        service: 'auth-service',
        period: Duration.days(days),
        slos: [{ name: `${kind}-slo`, objective: 99.5, sli, alerting: { name: 'AuthServiceSloBurn' } }],
      });
      files[`${kind}-${days}d.rules.yaml`] = spec.toRulesFile();
    }
    const r = checkRules(files);
    expect(r.output).toMatch(/SUCCESS: 17 rules found[\s\S]*SUCCESS: 17 rules found/);
    expect(r.exitCode).toBe(0);
  });

  test('a broken expression fails the check (the harness can fail)', () => {
    const spec = new SloSpec(Testing.chart(), 'slos', {
      service: 'auth-service',
      slos: [{ name: 'requests', objective: 99.9, sli: Sli.availability(), alerting: { name: 'AuthServiceSloBurn' } }],
    });
    const groups = spec.ruleGroups;
    const broken = [...groups, { name: 'injected', rules: [{ record: 'broken:ratio', expr: 'sum(rate(http_requests_total[5m]) /' }] }];
    const good = checkRules({ 'good.rules.yaml': rulesFileYaml(groups) });
    const bad = checkRules({ 'bad.rules.yaml': rulesFileYaml(broken) });
    expect(good.exitCode).toBe(0);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.output).toMatch(/FAILED/);
    expect(bad.output).toMatch(/broken:ratio|parse error|unexpected/i);
  });
});

describe('promtool test rules: a 99.9% availability SLO over 30d', () => {
  const slo: SloDefinition = {
    name: 'requests-availability',
    objective: 99.9,
    sli: Sli.availability({ selector: { job: 'auth-service' } }),
    alerting: { name: 'AuthServiceErrorBudgetBurn', labels: { category: 'availability' } },
  };
  const spec = new SloSpec(Testing.chart(), 'slos', { service: 'auth-service', labels: { team: 'platform' }, slos: [slo] });
  // The alert expressions read the recording rules: load the whole generated file.
  const ruleFiles = { 'auth-service.rules.yaml': spec.toRulesFile() };
  const alertname = 'AuthServiceErrorBudgetBurn';

  /** The alert as Prometheus would send it: SLO labels from the expression, severity and alerting labels from the rule. */
  function expected(severity: 'page' | 'ticket') {
    const rule = spec.ruleGroups.flatMap((g) => g.rules).find((r) => r.alert === alertname && r.labels?.sloth_severity === severity)!;
    const labels = {
      sloth_id: 'auth-service-requests-availability',
      sloth_service: 'auth-service',
      sloth_slo: 'requests-availability',
      team: 'platform',
      category: 'availability',
      sloth_severity: severity,
    };
    return { exp_labels: labels, exp_annotations: expandAnnotations(rule.annotations ?? {}, labels) };
  }

  const PER_MIN = 10000;
  /** Counter values, one per minute: `healthyMin` minutes without errors, then `burnMin` minutes with `errorRatio` of requests failing. */
  function requests(healthyMin: number, burnMin: number, errorRatio: number) {
    const errors = Math.round(PER_MIN * errorRatio);
    const ok = PER_MIN - errors;
    const seg = (start: number, step: number, n: number) => `${start}+${step}x${n}`;
    const okValues = healthyMin > 0 ? `${seg(0, PER_MIN, healthyMin)} ${seg(PER_MIN * healthyMin + ok, ok, burnMin - 1)}` : seg(0, ok, burnMin);
    const errValues = healthyMin > 0 ? `0x${healthyMin} ${seg(errors, errors, burnMin - 1)}` : seg(0, errors, burnMin);
    return [
      { series: 'http_requests_total{job="auth-service",code="200"}', values: okValues },
      { series: 'http_requests_total{job="auth-service",code="500"}', values: errValues },
    ];
  }

  // (a) 1.5% errors = 15× the budget, just above the page factor 14.4, after 6h without
  // errors: the 1h window's ratio passes 14.4 × 0.1% after 58 minutes, so the page fires
  // within the first hour and not at 50 minutes. The slow ticket (6h and 3d windows above
  // 1×) already fires at 50 minutes.
  const fastBurn: PromtoolTestCase = {
    name: 'fast burn, 1.5% errors',
    input_series: requests(360, 60, 0.015),
    alert_rule_test: [
      { eval_time: '6h', alertname, exp_alerts: [] },
      { eval_time: '6h50m', alertname, exp_alerts: [expected('ticket')] },
      { eval_time: '6h59m', alertname, exp_alerts: [expected('page'), expected('ticket')] },
    ],
  };

  // (b) 0.2% errors = 2×, between the ticket factors 1 (6h/3d) and 3 (2h/1d), starting
  // after 1h without errors: with 1h45m of data the 6h and 3d ratios are still 0.086%
  // (quiet); after 3h of burn they are 0.15%, above 1 × 0.1%, so the ticket fires, while
  // the page factors (14.4 on 5m/1h, 6 on 30m/6h) are never reached.
  const slowBurn: PromtoolTestCase = {
    name: 'slow burn, 0.2% errors',
    input_series: requests(60, 180, 0.002),
    alert_rule_test: [
      { eval_time: '1h45m', alertname, exp_alerts: [] },
      { eval_time: '2h30m', alertname, exp_alerts: [expected('ticket')] },
      { eval_time: '4h', alertname, exp_alerts: [expected('ticket')] },
    ],
  };

  // (c) 0.05% errors = 0.5×: under every factor, nothing fires at any time.
  const withinBudget: PromtoolTestCase = {
    name: 'within budget, 0.05% errors',
    input_series: requests(0, 360, 0.0005),
    alert_rule_test: ['10m', '1h', '3h', '6h'].map((t) => ({ eval_time: t, alertname, exp_alerts: [] })),
  };

  // The burn rate keeps the 5m recording's sloth_window label, as Sloth's does.
  test('the generated recordings give the expected error ratio and burn rate', () => {
    const r = testRules(ruleFiles, [
      {
        name: 'recordings at 0.2% errors',
        input_series: requests(0, 120, 0.002),
        promql_expr_test: [
          {
            expr: 'round(slo:sli_error:ratio_rate1h * 1e6)',
            eval_time: '2h',
            exp_samples: [
              {
                labels:
                  '{sloth_id="auth-service-requests-availability", sloth_service="auth-service", sloth_slo="requests-availability", sloth_window="1h", team="platform"}',
                value: 2000,
              },
            ],
          },
          {
            expr: 'round(slo:current_burn_rate:ratio * 100)',
            eval_time: '2h',
            exp_samples: [
              {
                labels:
                  '{sloth_id="auth-service-requests-availability", sloth_service="auth-service", sloth_slo="requests-availability", sloth_window="5m", team="platform"}',
                value: 200,
              },
            ],
          },
        ],
      },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.exitCode).toBe(0);
  });

  test.each([
    ['(a) the page alert fires within the first hour of a 15× burn', fastBurn],
    ['(b) only the ticket alert fires on a 2× burn', slowBurn],
    ['(c) nothing fires at 0.5×', withinBudget],
  ])('%s', (_name, testCase) => {
    const r = testRules(ruleFiles, [testCase]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.exitCode).toBe(0);
  });

  test('a wrong expectation makes promtool fail (the harness catches it)', () => {
    const wrong: PromtoolTestCase = {
      ...fastBurn,
      name: 'wrong: expects silence during a 15× burn',
      alert_rule_test: [{ eval_time: '6h59m', alertname, exp_alerts: [] }],
    };
    const r = testRules(ruleFiles, [wrong]);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/FAILED/);
    expect(r.output).toMatch(/sloth_severity="page"/);
  });
});
