/**
 * The SLO side of `--demo`: the built-in demo SLOs are the rules SloSpec generates for the
 * same declaration, and `slo gate` against the demo (the real Prometheus 2.42 scraping the
 * demo app) exits 0, then 1 after an injected outage.
 */
import { runSloGate } from '../../src/runtime/slo/gate';
import { DEMO_ALERT_WINDOWS, demoSloModels, demoSloRules, demoSloTargets, SloDemo, startSloDemo } from '../../src/runtime/sim/slo-demo';
import { demoAppSloSpec, TEST_WINDOWS } from '../support/demo-slos';
import { findPrometheus } from '../support/prometheus';
import { findPrometheusBinary, PROMETHEUS_INSTALL_HINT, startLocalPrometheus } from '../../src/runtime/sim/local-prometheus';

test('the demo SLO rules are the rules SloSpec generates for the same SLOs', () => {
  const spec = demoAppSloSpec();
  expect(TEST_WINDOWS.model).toEqual(DEMO_ALERT_WINDOWS);
  expect(demoSloModels()).toEqual(spec.models);
  expect(demoSloRules()).toBe(spec.toRulesFile());
  expect(demoSloTargets().map((t) => [t.id, t.pageAlert, t.latencyThresholdSeconds])).toEqual([
    ['demo-app-availability', 'DemoAppAvailability', undefined],
    ['demo-app-latency', 'DemoAppLatency', 0.3],
  ]);
});

describe('slo gate against the demo', () => {
  let demo: SloDemo;
  beforeAll(async () => {
    findPrometheus(process.env); // fails with the install hint when the binary is missing
    demo = await startSloDemo();
  }, 45000);
  afterAll(async () => demo?.stop());

  test('exits 0 while healthy, 1 after an injected outage', async () => {
    const deps = { prometheus: demo.api, simulated: true };
    const before = await runSloGate({ targets: demo.targets }, deps);
    expect([before.exitCode, before.report.simulated, before.report.sections[0].checks.map((c) => c.status)]).toEqual([
      0,
      true,
      ['passed', 'passed'],
    ]);
    // Every replica down for 3 seconds of the app's clock; the budget recording follows within seconds.
    demo.app.setFaults({ lostReplicas: 4 }, { forMs: 3000 });
    const deadline = Date.now() + 20000;
    let after = await runSloGate({ targets: demo.targets }, deps);
    while (after.exitCode !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      after = await runSloGate({ targets: demo.targets }, deps);
    }
    expect(after.exitCode).toBe(1);
    const failed = after.report.sections[0].checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual(['slo.gate/demo-app-availability']);
    expect(failed[0].evidence[0]).toMatch(
      /^demo-app-availability has -?\d+(\.\d+)?% of its error budget left, under the 20% minimum; current burn rate \d+(\.\d+)?x/,
    );
  }, 40000);
});

test('the local Prometheus launcher: no binary found, or one that exits, fails with a message', async () => {
  expect(findPrometheusBinary({ PATH: '/nonexistent' })).toBeUndefined();
  expect(PROMETHEUS_INSTALL_HINT).toContain('apt-get install prometheus');
  await expect(startLocalPrometheus({ binary: '/bin/false' })).rejects.toThrow(/^prometheus exited before it was ready/);
});
