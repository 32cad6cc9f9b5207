#!/usr/bin/env node
// Generates imports/ from the upstream CRDs in ../shared/crds with `cdk8s import`.
// Only the kinds the library uses are imported: the full Chaos Mesh set would generate a
// multi-megabyte module. LitmusChaos is not imported (cdk8s-cli cannot import its CRDs);
// its few types are written by hand in src/chaos/litmus-types.ts and validated in tests.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const crdDir = process.env.CRD_DIR || path.resolve(root, '..', 'shared', 'crds');

const wanted = [
  { file: 'monitoring.coreos.com_v0.93.0.yaml', kinds: ['PrometheusRule', 'ServiceMonitor', 'PodMonitor'] },
  { file: 'sloth.slok.dev_v0.16.0.yaml', kinds: ['PrometheusServiceLevel'] },
  { file: 'velero.io_v1.18.1.yaml', kinds: ['Backup', 'Restore', 'Schedule', 'BackupStorageLocation', 'VolumeSnapshotLocation', 'DeleteBackupRequest'] },
  { file: 'chaos-mesh.org_v2.8.3.yaml', kinds: ['PodChaos', 'NetworkChaos', 'StressChaos', 'IOChaos', 'TimeChaos', 'DNSChaos', 'HTTPChaos', 'StatusCheck'] },
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-resilience-crds-'));
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
for (const { file, kinds } of wanted) {
  const src = path.join(crdDir, file);
  if (!fs.existsSync(src)) {
    console.error(`import: ${src} not found; set CRD_DIR to the folder holding the upstream CRDs`);
    process.exit(1);
  }
  const docs = YAML.parseAllDocuments(fs.readFileSync(src, 'utf8'))
    .map((d) => d.toJSON())
    .filter((d) => d && d.kind === 'CustomResourceDefinition' && kinds.includes(d.spec.names.kind));
  const missing = kinds.filter((k) => !docs.some((d) => d.spec.names.kind === k));
  if (missing.length) {
    console.error(`import: ${file} has no CRD for ${missing.join(', ')}`);
    process.exit(1);
  }
  const filtered = path.join(tmp, file);
  fs.writeFileSync(filtered, docs.map((d) => YAML.stringify(d)).join('---\n'));
  console.log(`import: ${file} (${kinds.join(', ')})`);
  execFileSync(cli, ['import', filtered, '--check-upgrade', 'false', '--output', path.join(root, 'imports'), '--language', 'typescript'], { stdio: 'inherit', cwd: root });
}
fs.rmSync(tmp, { recursive: true, force: true });
