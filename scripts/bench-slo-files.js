#!/usr/bin/env node
/**
 * How the SLO file commands scale: `slo validate` and `slo generate` over 2,000 and 10,000
 * specs (one file each in a directory, and all as documents of one file), and reading the
 * SLOs of generated rules (`slo gate --slo rules.yaml`). Runs the built CLI (npm run build
 * first) as a user runs it, in a temporary directory it removes. Linear work shows as a
 * 10,000 / 2,000 ratio near 5 (process start-up makes it a little lower); quadratic work as
 * a ratio near 25.
 *
 * Usage: node scripts/bench-slo-files.js [counts...]   (default: 2000 10000)
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'cdk8s-resilience');
if (!fs.existsSync(path.join(root, 'lib', 'src', 'runtime', 'cli.js'))) {
  process.stderr.write('bench-slo-files: the CLI is not built; run npm run build first\n');
  process.exit(2);
}
const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
if (counts.length === 0) counts.push(2000, 10000);

const spec = (i) => `version: "prometheus/v1"
service: "svc-${i}"
labels:
  owner: "team-${i % 7}"
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Availability of svc-${i}"
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="svc-${i}",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="svc-${i}"}[{{.window}}]))
    alerting:
      name: Svc${i}HighErrorRate
      labels:
        category: "availability"
      page_alert:
        labels:
          severity: page
      ticket_alert:
        labels:
          severity: ticket
`;

function time(args) {
  const start = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    throw new Error(`${args.join(' ')} failed: ${String(e.stderr).split('\n')[0]}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function timeIn(f) {
  const start = process.hrtime.bigint();
  const r = f();
  return [Number(process.hrtime.bigint() - start) / 1e6, r];
}

// Generated rules for 10,000 SLOs are about 17 MiB, over the default 10 MiB input limit.
process.env.CDK8S_RESILIENCE_MAX_INPUT_BYTES = String(256 * 1024 * 1024);
const log = (t) => process.stderr.write(`${t}\n`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-slo-files-'));
const rows = [];
try {
  // The runtime's rule reader, in-process (the CLI would add Prometheus to the measurement).
  const { loadSloTargetsFromFile } = require(path.join(root, 'lib', 'src', 'runtime', 'slo', 'targets'));
  for (const n of counts) {
    const dir = path.join(tmp, `specs-${n}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `svc-${String(i).padStart(5, '0')}.yaml`), spec(i));
    const one = path.join(tmp, `all-${n}.yaml`);
    fs.writeFileSync(one, Array.from({ length: n }, (_, i) => spec(i)).join('---\n'));
    const out = path.join(tmp, `out-${n}`);
    fs.mkdirSync(out);
    const rules = path.join(tmp, `rules-${n}.yaml`);
    const row = { n };
    log(`bench-slo-files: ${n} specs`);
    row['validate: directory'] = time(['slo', 'validate', '-i', dir]);
    row['validate: one file'] = time(['slo', 'validate', '-i', one]);
    row['generate: directory'] = time(['slo', 'generate', '-i', dir, '-o', out]);
    row['generate: one file'] = time(['slo', 'generate', '-i', one, '-o', rules]);
    const [ms, targets] = timeIn(() => loadSloTargetsFromFile(rules));
    if (targets.length !== n) throw new Error(`expected ${n} SLO targets, read ${targets.length}`);
    row['SLO targets from rules'] = ms;
    rows.push(row);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const names = Object.keys(rows[0]).filter((k) => k !== 'n');
const width = Math.max(...names.map((k) => k.length));
process.stdout.write(`${'specs'.padEnd(width)}  ${rows.map((r) => String(r.n).padStart(9)).join('  ')}${rows.length > 1 ? '      ratio' : ''}\n`);
for (const k of names) {
  const cells = rows.map((r) => `${(r[k] / 1000).toFixed(2)} s`.padStart(9)).join('  ');
  const ratio = rows.length > 1 ? `  ${(rows[rows.length - 1][k] / rows[0][k]).toFixed(1).padStart(9)}` : '';
  process.stdout.write(`${k.padEnd(width)}  ${cells}${ratio}\n`);
}
