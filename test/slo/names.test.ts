/** Names that explain themselves; the former names still work, as deprecated aliases. */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  AlertWindowSpec,
  CustomAlertWindow,
  promqlSelector,
  selector,
  SloDefinitions,
  sloDefinitionNames,
  SloThresholdRules,
  sloThresholdRuleNames,
} from '../../src';
import { AlertWindowsSpec, SlothAlertWindowsDocument } from '../../src/slo/windows';

test('SloThresholdRules (the threshold-alert construct) is no longer confused with SloDefinition (one SLO)', () => {
  expect(SloDefinitions).toBe(SloThresholdRules);
  expect(sloDefinitionNames).toBe(sloThresholdRuleNames);
  const chart = new Chart(Testing.app(), 'test');
  expect(new SloDefinitions(chart, 'old')).toBeInstanceOf(SloThresholdRules);
  expect(sloThresholdRuleNames('api', 28 * 86400000, 0.99).burnRatePeriod).toBe('slo:api:availability:burn_rate:4w');
});

test('promqlSelector builds PromQL, not a Kubernetes selector', () => {
  expect(promqlSelector({ job: 'x' }, { code: { regex: '5..' } })).toBe('{job="x",code=~"5.."}');
  expect(promqlSelector()).toBe('');
  expect(selector).toBe(promqlSelector);
});

test('CustomAlertWindow (one window of AlertWindows.custom) and SlothAlertWindowsDocument (a file) are two names', () => {
  const w: CustomAlertWindow = { errorBudgetPercent: 2, shortWindow: Duration.minutes(5), longWindow: Duration.hours(1) };
  const old: AlertWindowSpec = w;
  const doc: SlothAlertWindowsDocument = { apiVersion: 'sloth.slok.dev/v1', kind: 'AlertWindows' };
  const oldDoc: AlertWindowsSpec = doc;
  expect([old.errorBudgetPercent, oldDoc.kind]).toEqual([2, 'AlertWindows']);
});
