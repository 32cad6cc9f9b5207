#!/usr/bin/env node
// Benchmarks of the hot paths, on the compiled library (`npm run bench` builds first).
//
//   npm run bench                          micro-benchmarks, then the fleet at 100, 1,000 and 3,000 services
//   npm run bench -- --fleet 100,1000      the fleet at the given sizes
//   npm run bench -- --fleet none          micro-benchmarks only
//   npm run bench -- --no-micro            the fleet only
//   npm run bench -- --specs 1000,10000    SloSpec validation at the given sizes ("none" to skip; default 1000,10000)
//   npm run bench -- --spec-runs 5         runs per SloSpec size (default 3; the median and the fastest are shown)
//
// Micro-benchmarks: SLO rule generation, SloSpec synthesis, the chapter platform synth.
// The fleet (examples/fleet.ts): one App, one Chart per service, each with a SloSpec of two
// alerting SLOs, a VeleroBackupPlan with a daily and an hourly schedule (120 distinct cron
// expressions across the fleet), a pod-kill and a network-delay ChaosExperiment, and a
// ChaosWorkflow every ten services. Each size is measured in four child processes of their
// own, one per measurement, each building its inputs first (untimed) and starting the timed
// part after a full garbage collection:
//   construct    building the fleet                                                      } one process: its
//   synth        app.synthYaml() of that app (cdk8s validates the app once per chart)    } peak RSS is the size's
//   large-app    synthLargeAppYaml() of a fleet built the same way (validates once)
//   floor        the `yaml` package (cdk8s's copy, with cdk8s's options) stringifying the same output objects
//   bare cdk8s   the same objects as plain ApiObjects, one Chart per service, in a fresh App: app.synthYaml()
// and checks that the four outputs are the same bytes.
//
// SloSpec validation (--specs): N SloSpecs of two SLOs each, each spec its own service and
// selectors, measured twice: with SLI helpers (Sli.availability and Sli.latency: names and
// regexes checked, the queries correct by construction) and with the same SLIs written as
// events queries (each of the four queries parsed and type-checked); one Chart per spec, in one App, plus one spec that
// repeats the first one's sloth_id so that the app-wide check has something to find. Each size
// in a child process of its own, after a full garbage collection; timed: constructing the specs
// (which checks every prop and parses every query), then validating the whole app once the
// way cdk8s does (every construct's node.validate(): the app-wide sloth_id check and the late
// checks). No YAML is serialized (the fleet measures synthesis).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const { performance } = require('perf_hooks');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
/** The fleet's measurements, each in a child process of its own. */
const PHASES = ['library', 'large-app', 'floor', 'bare'];

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (flag('--fleet-child') !== undefined) {
  fleetChild(Number(flag('--fleet-child')));
} else if (flag('--specs-child') !== undefined) {
  specsChild(Number(flag('--specs-child')), flag('--sli') ?? 'helpers');
} else {
  main();
}

function main() {
  const sizesArg = flag('--fleet') ?? '100,1000,3000';
  const sizes = sizesArg === 'none' ? [] : sizesArg.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(
      `bench: --fleet "${sizesArg}": give whole numbers of services separated by commas (e.g. 100,1000), or "none". Fix: npm run bench -- --fleet 100,1000\n`,
    );
    process.exit(2);
  }
  const specsArg = flag('--specs') ?? '1000,10000';
  const specSizes = specsArg === 'none' ? [] : specsArg.split(',').map((s) => Number(s.trim()));
  if (specSizes.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(
      `bench: --specs "${specsArg}": give whole numbers of SloSpecs separated by commas (e.g. 1000,10000), or "none". Fix: npm run bench -- --specs 1000,10000\n`,
    );
    process.exit(2);
  }
  if (!args.includes('--no-micro')) micro();
  if (specSizes.length > 0) specs(specSizes);
  if (sizes.length > 0) fleet(sizes);
}

function specs(sizes) {
  const rows = [];
  const runs = Number(flag('--spec-runs') ?? 3);
  for (const variant of ['helpers', 'events'])
    for (const n of sizes) {
      const samples = [];
      for (let run = 0; run < runs; run++) {
        const child = spawnSync(
          process.execPath,
          [...process.execArgv, '--expose-gc', path.join(__dirname, 'bench.js'), '--specs-child', String(n), '--sli', variant],
          { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
        );
        if (child.status !== 0) {
          process.stderr.write(`bench: validating ${n} SloSpecs failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
          process.exit(1);
        }
        samples.push(JSON.parse(child.stdout.trim().split('\n').pop()));
      }
      // The median run by total time, and the fastest (the machine may be shared).
      samples.sort((a, b) => a.constructMs + a.validateMs - (b.constructMs + b.validateMs));
      rows.push({ ...samples[Math.floor(samples.length / 2)], bestMs: samples[0].constructMs + samples[0].validateMs, runs });
    }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log('');
  console.log(
    `SloSpec validation: N specs of 2 SLOs, one Chart each, one App (construct + validate; no YAML); median of ${rows[0]?.runs ?? 0} runs, and the fastest`,
  );
  console.log('');
  console.log('| SLIs | SloSpecs | SLOs | construct | validate | construct + validate | per spec | fastest run |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const total = r.constructMs + r.validateMs;
    console.log(
      `| ${r.sli} | ${r.specs.toLocaleString('en-US')} | ${r.slos.toLocaleString('en-US')} | ${s(r.constructMs)} | ${s(r.validateMs)} | ${s(total)} | ${((total * 1000) / r.specs).toFixed(0)} µs | ${s(r.bestMs)} |`,
    );
  }
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.sli !== b.sli) continue;
    const ta = a.constructMs + a.validateMs;
    const tb = b.constructMs + b.validateMs;
    console.log(`growth ${a.sli}, ${a.specs} → ${b.specs} specs (${(b.specs / a.specs).toFixed(1)}×): ${(tb / ta).toFixed(2)}× the time`);
  }
  for (const big of rows.filter((r) => r.specs === 10000))
    console.log(
      `10,000 SloSpecs (${big.sli}) constructed and validated in under 2 s: median ${big.constructMs + big.validateMs < 2000 ? 'yes' : 'NO'}, fastest ${big.bestMs < 2000 ? 'yes' : 'NO'}`,
    );
}

/** One size of the SloSpec validation benchmark, in a process of its own; prints one JSON line. */
function specsChild(n, variant) {
  const { App, Chart } = require('cdk8s');
  const lib = require(path.join(root, 'lib', 'src'));
  const asEvents = (sli) => (variant === 'events' ? lib.Sli.events(sli.model.events) : sli);
  const sloSpec = (app, i, service) =>
    new lib.SloSpec(new Chart(app, `c${i}`), 'slos', {
      service,
      slos: [
        {
          name: 'availability',
          objective: 99.9,
          sli: asEvents(lib.Sli.availability({ selector: { job: service } })),
          alerting: { name: 'HighErrorRate' },
        },
        {
          name: 'latency',
          objective: 99,
          sli: asEvents(lib.Sli.latency({ selector: { job: service }, thresholdBucket: '0.5' })),
          alerting: { name: 'HighLatency', annotations: { summary: '{{ $labels.sloth_service }} is slow' } },
        },
      ],
    });
  global.gc?.();
  const app = new App();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sloSpec(app, i, `svc-${i}`);
  sloSpec(app, n, 'svc-0'); // the same sloth_ids as the first spec
  const t1 = performance.now();
  const messages = app.node.findAll().flatMap((c) => c.node.validate());
  const t2 = performance.now();
  // Both specs of the repeated service report it, for each of its two SLOs; nothing else is wrong.
  if (messages.length !== 4 || !messages.every((m) => m.includes('is also generated by'))) {
    process.stderr.write(`bench: expected the 4 repeated sloth_id messages, got ${messages.length}:\n${messages.slice(0, 5).join('\n')}\n`);
    process.exit(1);
  }
  console.log(JSON.stringify({ sli: variant, specs: n, slos: 2 * (n + 1), constructMs: t1 - t0, validateMs: t2 - t1 }));
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
    id: `svc-slo${i}`,
    name: `slo${i}`,
    service: 'svc',
    description: '',
    objective: 99.9,
    periodMs: 30 * 86400000,
    labels: { team: 'a' },
    sli: sli.model,
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
    const row = {};
    for (const phase of PHASES) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, '--expose-gc', path.join(__dirname, 'bench.js'), '--fleet-child', String(n), '--phase', phase],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (child.status !== 0) {
        process.stderr.write(
          `bench: the fleet of ${n} services failed in phase ${phase} (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`,
        );
        process.exit(1);
      }
      Object.assign(row, { [phase]: JSON.parse(child.stdout.trim().split('\n').pop()) });
    }
    const lib = row.library;
    rows.push({
      services: n,
      objects: lib.objects,
      constructMs: lib.constructMs,
      synthMs: lib.ms,
      peakRss: lib.peakRss,
      largeAppMs: row['large-app'].ms,
      largeAppPeakRss: row['large-app'].peakRss,
      floorMs: row.floor.ms,
      bareMs: row.bare.ms,
      sameBytes: PHASES.every((p) => row[p].hash === lib.hash),
    });
  }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const x = (a, b) => `${(a / b).toFixed(2)}×`;
  const mib = (b) => `${Math.round(b / 1048576)} MiB`;
  console.log('');
  console.log(
    'Fleet: one chart per service; SloSpec (2 SLOs), VeleroBackupPlan (daily + hourly), 2 ChaosExperiments; a ChaosWorkflow per 10 services',
  );
  console.log('');
  console.log(
    '| services | objects | construct | synth | construct + synth | peak RSS | large-app synth | construct + large-app | large-app peak RSS | floor | bare cdk8s | synth / bare | large-app / bare | synth / floor | large-app / floor | bare / floor |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.services.toLocaleString('en-US')} | ${r.objects.toLocaleString('en-US')} | ${s(r.constructMs)} | ${s(r.synthMs)} | ${s(r.constructMs + r.synthMs)} | ${mib(r.peakRss)} | ${s(r.largeAppMs)} | ${s(r.constructMs + r.largeAppMs)} | ${mib(r.largeAppPeakRss)} | ${s(r.floorMs)} | ${s(r.bareMs)} | ${x(r.synthMs, r.bareMs)} | ${x(r.largeAppMs, r.bareMs)} | ${x(r.synthMs, r.floorMs)} | ${x(r.largeAppMs, r.floorMs)} | ${x(r.bareMs, r.floorMs)} |`,
    );
  }
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    console.log(
      `growth ${a.services} → ${b.services} services (${x(b.services, a.services)}): synth ${x(b.synthMs, a.synthMs)}, large-app ${x(b.largeAppMs, a.largeAppMs)}, bare cdk8s ${x(b.bareMs, a.bareMs)}, floor ${x(b.floorMs, a.floorMs)}`,
    );
  }
  console.log(`same bytes (synth = large-app = floor = bare cdk8s): ${rows.every((r) => r.sameBytes) ? 'yes, at every size' : 'NO'}`);
  if (!rows.every((r) => r.sameBytes)) process.exit(1);
}

/**
 * One phase of one fleet size, in a process of its own; prints one JSON line. The phase's
 * inputs are built first, untimed (the output objects from the library's fleet, for the floor
 * and bare cdk8s); what is timed starts after a full garbage collection (the parent passes
 * --expose-gc) with only what it needs alive.
 */
function fleetChild(services) {
  const phase = flag('--phase') ?? 'library';
  const crypto = require('crypto');
  const { ApiObject, App, Chart, DependencyGraph } = require('cdk8s');
  // The yaml package as cdk8s itself loads it (the copy its Yaml.stringify uses).
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
  const report = (r) => console.log(JSON.stringify({ phase, services, ...r }));
  // The output objects, per chart, in the order cdk8s writes them (as chart.toJson() makes them,
  // without its app-wide passes).
  const outputObjects = () => {
    const app = new App();
    return buildFleet(app, services).map((c) => ({
      id: c.node.id,
      docs: new DependencyGraph(c.node)
        .topology()
        .filter((o) => o instanceof ApiObject && Chart.of(o) === c)
        .map((o) => o.toJson()),
    }));
  };

  if (phase === 'library') {
    // The library: construct, then cdk8s's own synth.
    gc();
    const app = new App();
    const [constructMs, charts] = time(() => buildFleet(app, services));
    const [ms, yaml] = time(() => app.synthYaml());
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const objects = charts.reduce((n, c) => n + c.node.findAll().filter((o) => o instanceof ApiObject).length, 0);
    report({ constructMs, ms, peakRss, objects, hash: hash(yaml) });
  } else if (phase === 'large-app') {
    const app = new App();
    buildFleet(app, services);
    gc();
    const [ms, yaml] = time(() => lib.synthLargeAppYaml(app));
    report({ ms, peakRss: process.resourceUsage().maxRSS * 1024, hash: hash(yaml) });
  } else if (phase === 'floor') {
    // The floor: the yaml package alone, with cdk8s's options.
    const docs = outputObjects().flatMap((c) => c.docs);
    gc();
    const [ms, yaml] = time(() => docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n'));
    report({ ms, hash: hash(yaml) });
  } else if (phase === 'bare') {
    // Bare cdk8s: the same objects as plain ApiObjects, one Chart per service, in a fresh App.
    const app = new App();
    for (const c of outputObjects()) {
      const chart = new Chart(app, c.id);
      c.docs.forEach((doc, j) => new ApiObject(chart, `o${j}`, doc));
    }
    gc();
    const [ms, yaml] = time(() => app.synthYaml());
    report({ ms, hash: hash(yaml) });
  } else {
    process.stderr.write(`bench: --phase "${phase}": give one of ${PHASES.join(', ')}\n`);
    process.exit(2);
  }
}
