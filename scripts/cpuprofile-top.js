#!/usr/bin/env node
// The functions with the most self time in a V8 CPU profile (`node --cpu-prof`).
//
//   node scripts/cpuprofile-top.js PROFILE.cpuprofile [COUNT]     (COUNT defaults to 5)
//
// Self time is the time samples spent in the function itself, not in what it called.
// Functions are grouped by name, file and line; paths are shown relative to the project.
'use strict';
const fs = require('fs');
const path = require('path');

const [file, countArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('cpuprofile-top: no profile given. Fix: node scripts/cpuprofile-top.js PROFILE.cpuprofile [COUNT]\n');
  process.exit(2);
}
const count = countArg === undefined ? 5 : Number(countArg);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const root = path.join(__dirname, '..') + path.sep;

// Sample i lasted timeDeltas[i + 1] (the delta recorded with the next sample); the last one is not known.
const selfUs = new Map();
for (let i = 0; i < profile.samples.length - 1; i++) {
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i + 1]);
}
const totalUs = profile.endTime - profile.startTime;
const byFunction = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(root, '')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const top = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`profile ${path.basename(file)}: ${(totalUs / 1e6).toFixed(1)} s`);
console.log('| # | function | self time | share |');
console.log('|---|---|---|---|');
top.forEach(([key, us], i) => {
  console.log(`| ${i + 1} | \`${key}\` | ${(us / 1e6).toFixed(2)} s | ${((100 * us) / totalUs).toFixed(1)} % |`);
});
