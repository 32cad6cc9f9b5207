/** SloOutput renders itself: SloSpec, SloThresholdRules and the slo CLI go through it. */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { PrometheusRule } from '../../imports/monitoring.coreos.com';
import { PrometheusServiceLevel } from '../../imports/sloth.slok.dev';
import { Sli, SloThresholdRules, SloOutput, SloSpec } from '../../src';
import { SloOutputSource } from '../../src/slo/output';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const source: SloOutputSource = {
  metadata: { name: 'svc-slos', namespace: 'monitoring', labels: { team: 'a' } },
  ruleGroups: () => [{ name: 'g', rules: [{ record: 'r', expr: 'vector(1)' }] }],
  slothServiceLevelSpec: () => ({ service: 'svc', slos: [] }),
};

test('each output knows its object type, the one generated from the CRDs', () => {
  expect([
    SloOutput.prometheusRule().objectType,
    SloOutput.slothServiceLevel().objectType,
    SloOutput.rulesConfigMap().objectType,
    SloOutput.rulesFile().objectType,
  ]).toEqual([
    { apiVersion: PrometheusRule.GVK.apiVersion, kind: PrometheusRule.GVK.kind },
    { apiVersion: PrometheusServiceLevel.GVK.apiVersion, kind: PrometheusServiceLevel.GVK.kind },
    { apiVersion: 'v1', kind: 'ConfigMap' },
    undefined,
  ]);
});

test('each output renders its document', () => {
  expect(SloOutput.prometheusRule().document(source)).toEqual({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: source.metadata,
    spec: { groups: [{ name: 'g', rules: [{ record: 'r', expr: 'vector(1)' }] }] },
  });
  expect(SloOutput.slothServiceLevel().document(source)).toMatchObject({ kind: 'PrometheusServiceLevel', spec: { service: 'svc', slos: [] } });
  expect(SloOutput.rulesConfigMap().document(source)).toMatchObject({
    kind: 'ConfigMap',
    data: { 'svc-slos.rules.yaml': 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n' },
  });
  expect(SloOutput.rulesConfigMap({ fileName: 'x.yaml' }).body(source)).toHaveProperty(['x.yaml']);
  expect(SloOutput.rulesFile().text(source)).toBe('groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n');
  expect(YAML.parse(SloOutput.prometheusRule().text(source))).toEqual(SloOutput.prometheusRule().document(source));
});

test('what an output cannot express is a problem, in one place', () => {
  expect(
    SloOutput.slothServiceLevel()
      .problems({ periodMs: 28 * 86400000, generationOptions: { disableAlerts: true } })
      .map((p) => p.field),
  ).toEqual(['period', 'output']);
  expect(SloOutput.slothServiceLevel().problems({ slothExpressible: false })).toEqual([
    { field: 'output', problem: 'these rules are not SLOs Sloth can express', fix: 'use SloOutput.rulesConfigMap() or SloOutput.prometheusRule()' },
  ]);
  expect(SloOutput.prometheusRule().problems({ periodMs: 7 * 86400000 })).toEqual([]);
  const chart = new Chart(Testing.app(), 'test');
  expect(
    () =>
      new SloSpec(chart, 'spec', {
        service: 'svc',
        slos: [{ name: 'avail', objective: 99, sli: Sli.availability(), alerting: { name: 'A' } }],
        output: SloOutput.rulesFile(),
      }),
  ).toThrow(
    '[test/spec] output: a plain rules file is not a Kubernetes object. Fix: use SloOutput.rulesConfigMap() for a rules file in the cluster, or SloOutput.prometheusRule().',
  );
  expect(() => new SloThresholdRules(chart, 'defs', { output: SloOutput.slothServiceLevel() })).toThrow(
    '[test/defs] output: these rules are not SLOs Sloth can express.',
  );
});

test('the constructs emit what the output renders', () => {
  const chart = new Chart(Testing.app(), 'test');
  const spec = new SloSpec(chart, 'spec', {
    service: 'svc',
    slos: [{ name: 'avail', objective: 99, sli: Sli.availability(), alerting: { name: 'A' } }],
    output: SloOutput.rulesConfigMap(),
  });
  const [cm]: Json[] = Testing.synth(chart);
  expect(cm.data['svc-slos.rules.yaml']).toBe(spec.toRulesFile());
});
