#!/usr/bin/env node
// Benchmarks of the hot paths, on the compiled library (`npm run bench` builds first).
//
//   npm run bench                          micro-benchmarks, then the fleet at 100, 1,000 and 3,000 services
//   npm run bench -- --fleet 100,1000      the fleet at the given sizes
//   npm run bench -- --fleet none          micro-benchmarks only
//   npm run bench -- --no-micro            the fleet only
//
// Micro-benchmarks: SLO rule generation, SloSpec synthesis, the chapter platform synth.
// The fleet (examples/fleet.ts): one App, one Chart per service, each with a SloSpec of two
// alerting SLOs, a VeleroBackupPlan with a daily and an hourly schedule (120 distinct cron
// expressions across the fleet), a pod-kill and a network-delay ChaosExperiment, and a
// ChaosWorkflow every ten services. Each size runs in a child process of its own (so the
// peak RSS is that size's; each phase starts after a full garbage collection), which measures in one run:
//   construct    building the fleet
//   synth        app.synthYaml() of the library's app (cdk8s validates the app once per chart)
//   large-app    synthLargeAppYaml() of a second, identical fleet (validates once)
//   floor        the `yaml` package (cdk8s's copy, with cdk8s's options) stringifying the very same output objects
//   bare cdk8s   the same objects as plain ApiObjects, one Chart per service, in a fresh App: app.synthYaml()
// and checks that the four outputs are the same bytes.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const { performance } = require('perf_hooks');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (flag('--fleet-child') !== undefined) {
  fleetChild(Number(flag('--fleet-child')));
} else {
  main();
}

function main() {
  const sizesArg = flag('--fleet') ?? '100,1000,3000';
  const sizes = sizesArg === 'none' ? [] : sizesArg.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(`bench: --fleet "${sizesArg}": give whole numbers of services separated by commas (e.g. 100,1000), or "none". Fix: npm run bench -- --fleet 100,1000\n`);
    process.exit(2);
  }
  if (!args.includes('--no-micro')) micro();
  if (sizes.length > 0) fleet(sizes);
}

function bench(name, iterations, fn) {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const ms = (performance.now() - t0) / iterations;
  console.log(`${name.padEnd(48)} ${ms.toFixed(3).padStart(10)} ms/op  (${iterations} runs)`);
  return ms;
}

function micro() {
  const { Testing } = require('cdk8s');
  const lib = require(path.join(root, 'lib', 'src'));
  // Not exported from the package root: the generation internals, by path.
  const { DEFAULT_ALERT_WINDOWS } = require(path.join(root, 'lib', 'src', 'slo', 'windows'));
  const { rulesFileYaml } = require(path.join(root, 'lib', 'src', 'slo', 'render'));
  const { sloRuleGroups } = require(path.join(root, 'lib', 'src', 'slo', 'rules'));
  const { worstCaseGapSeconds } = require(path.join(root, 'lib', 'src', 'backup', 'cron'));
  const { buildPlatform } = require(path.join(root, 'lib', 'examples', 'platform'));

  const sli = lib.Sli.availability({ selector: { job: 'api' } });
  const model = (i) => ({
    id: `svc-slo${i}`, name: `slo${i}`, service: 'svc', description: '', objective: 99.9, periodMs: 30 * 86400000,
    labels: { team: 'a' }, sli: sli.model,
    pageAlert: { disable: false, name: 'A', labels: {}, annotations: {} },
    ticketAlert: { disable: false, name: 'A', labels: {}, annotations: {} },
  });
  const windows = DEFAULT_ALERT_WINDOWS[0];
  const info = { version: 'bench', mode: 'bench', spec: 'prometheus/v1' };

  bench('sloRuleGroups: 1 SLO', 2000, () => sloRuleGroups(model(0), windows, info));
  bench('rules file: 100 SLOs generated and rendered', 20, () => {
    const groups = [];
    for (let i = 0; i < 100; i++) groups.push(...sloRuleGroups(model(i), windows, info));
    rulesFileYaml(groups);
  });
  let minute = 0;
  bench('worst-case gap: a new daily + hourly pair', 50, () => {
    // A pair not seen before each time (the results are cached per expression).
    const m = minute++ % 60;
    const h = Math.floor(minute / 60) % 24;
    worstCaseGapSeconds([`${m} ${h} * * *`, `${m} * * * 1-5`]);
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
}

function fleet(sizes) {
  const rows = [];
  for (const n of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--fleet-child', String(n)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) {
      process.stderr.write(`bench: the fleet of ${n} services failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
      process.exit(1);
    }
    const line = child.stdout.trim().split('\n').pop();
    rows.push(JSON.parse(line));
  }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const x = (a, b) => `${(a / b).toFixed(2)}×`;
  const mib = (b) => `${Math.round(b / 1048576)} MiB`;
  console.log('');
  console.log('Fleet: one chart per service; SloSpec (2 SLOs), VeleroBackupPlan (daily + hourly), 2 ChaosExperiments; a ChaosWorkflow per 10 services');
  console.log('');
  console.log('| services | objects | construct | synth | construct + synth | peak RSS | large-app synth | floor | bare cdk8s | synth / bare | synth / floor | large-app / floor | bare / floor |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.services.toLocaleString('en-US')} | ${r.objects.toLocaleString('en-US')} | ${s(r.constructMs)} | ${s(r.synthMs)} | ${s(r.constructMs + r.synthMs)} | ${mib(r.peakRss)} | ${s(r.largeAppMs)} | ${s(r.floorMs)} | ${s(r.bareMs)} | ${x(r.synthMs, r.bareMs)} | ${x(r.synthMs, r.floorMs)} | ${x(r.largeAppMs, r.floorMs)} | ${x(r.bareMs, r.floorMs)} |`);
  }
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    console.log(`growth ${a.services} → ${b.services} services (${x(b.services, a.services)}): synth ${x(b.synthMs, a.synthMs)}, large-app ${x(b.largeAppMs, a.largeAppMs)}, bare cdk8s ${x(b.bareMs, a.bareMs)}, floor ${x(b.floorMs, a.floorMs)}`);
  }
  console.log(`same bytes (synth = large-app = floor = bare cdk8s): ${rows.every((r) => r.sameBytes) ? 'yes, at every size' : 'NO'}`);
  if (!rows.every((r) => r.sameBytes)) process.exit(1);
}

/**
 * One fleet size, in this process; prints one JSON line. Each phase starts after a full
 * garbage collection (the parent passes --expose-gc) with only what it needs alive, so that
 * no phase pays for another's heap.
 */
function fleetChild(services) {
  const crypto = require('crypto');
  const { ApiObject, App, Chart, DependencyGraph } = require('cdk8s');
  // The yaml package as cdk8s itself loads it (the copy its Yaml.stringify uses, already warm).
  const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));
  const lib = require(path.join(root, 'lib', 'src'));
  const { buildFleet } = require(path.join(root, 'lib', 'examples', 'fleet'));
  const gc = () => global.gc?.();
  const hash = (s) => crypto.createHash('sha256').update(s).digest('hex');
  const time = (fn) => {
    const t0 = performance.now();
    const value = fn();
    return [performance.now() - t0, value];
  };

  // The library: construct, then cdk8s's own synth. Then the same output objects, per chart, in
  // the order cdk8s writes them (as chart.toJson() makes them, without its app-wide passes).
  const library = (() => {
    const app = new App();
    const [constructMs, charts] = time(() => buildFleet(app, services));
    const [synthMs, yaml] = time(() => app.synthYaml());
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const perChart = charts.map((c) => ({
      id: c.node.id,
      docs: new DependencyGraph(c.node).topology().filter((o) => o instanceof ApiObject && Chart.of(o) === c).map((o) => o.toJson()),
    }));
    return { constructMs, synthMs, peakRss, perChart, hash: hash(yaml) };
  })();
  const docs = library.perChart.flatMap((c) => c.docs);
  gc();

  // The large-app path, on a fleet built the same way.
  const largeApp = (() => {
    const app = new App();
    buildFleet(app, services);
    gc();
    const [ms, yaml] = time(() => lib.synthLargeAppYaml(app));
    return { ms, hash: hash(yaml) };
  })();
  gc();

  // The floor: the yaml package alone, with cdk8s's options.
  const floor = (() => {
    const [ms, yaml] = time(() => docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n'));
    return { ms, hash: hash(yaml) };
  })();
  gc();

  // Bare cdk8s: the same objects as plain ApiObjects in a fresh App.
  const bare = (() => {
    const app = new App();
    for (const c of library.perChart) {
      const chart = new Chart(app, c.id);
      c.docs.forEach((doc, j) => new ApiObject(chart, `o${j}`, doc));
    }
    gc();
    const [ms, yaml] = time(() => app.synthYaml());
    return { ms, hash: hash(yaml) };
  })();

  const sameBytes = [largeApp.hash, floor.hash, bare.hash].every((h) => h === library.hash);
  console.log(JSON.stringify({
    services, objects: docs.length, constructMs: library.constructMs, synthMs: library.synthMs, peakRss: library.peakRss,
    largeAppMs: largeApp.ms, floorMs: floor.ms, bareMs: bare.ms, sameBytes,
  }));
}
