#!/usr/bin/env node
// Benchmarks of the hot paths, on the compiled library (`npm run bench` builds first):
// SLO rule generation, SloSpec synthesis, and the whole chapter platform synth.
'use strict';
const path = require('path');
const { performance } = require('perf_hooks');
const { Testing } = require('cdk8s');
const lib = require(path.join(__dirname, '..', 'lib', 'src'));
const { buildPlatform } = require(path.join(__dirname, '..', 'lib', 'examples', 'platform'));

function bench(name, iterations, fn) {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const ms = (performance.now() - t0) / iterations;
  console.log(`${name.padEnd(48)} ${ms.toFixed(3).padStart(10)} ms/op  (${iterations} runs)`);
  return ms;
}

const sli = lib.Sli.availability({ selector: { job: 'api' } });
const model = (i) => ({
  id: `svc-slo${i}`, name: `slo${i}`, service: 'svc', description: '', objective: 99.9, periodMs: 30 * 86400000,
  labels: { team: 'a' }, sli: sli.model,
  pageAlert: { disable: false, name: 'A', labels: {}, annotations: {} },
  ticketAlert: { disable: false, name: 'A', labels: {}, annotations: {} },
});
const windows = lib.DEFAULT_ALERT_WINDOWS[0];
const info = { version: 'bench', mode: 'bench', spec: 'prometheus/v1' };

bench('sloRuleGroups: 1 SLO', 2000, () => lib.sloRuleGroups(model(0), windows, info));
bench('rules file: 100 SLOs generated and rendered', 20, () => {
  const groups = [];
  for (let i = 0; i < 100; i++) groups.push(...lib.sloRuleGroups(model(i), windows, info));
  lib.rulesFileYaml(groups);
});
bench('SloSpec with 20 SLOs: construct + synth', 20, () => {
  const chart = Testing.chart();
  const slos = [];
  for (let i = 0; i < 20; i++) slos.push({ name: `slo${i}`, objective: 99.9, sli, alerting: { name: 'A' } });
  new lib.SloSpec(chart, 'slos', { service: 'svc', slos });
  Testing.synth(chart);
});
bench('chapter platform: build + synth every chart', 5, () => {
  const app = Testing.app();
  buildPlatform(app);
  for (const c of app.charts) Testing.synth(c);
});
