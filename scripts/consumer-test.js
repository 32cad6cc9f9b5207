#!/usr/bin/env node
// The consumer test: installs the packed library into throwaway cdk8s apps, as a team would,
// and checks that it type-checks under a strict tsconfig, synthesizes, passes a jest snapshot
// test, brings no second copy of cdk8s or constructs, and that every TypeScript block of the
// README and docs/ is a complete program that compiles and runs.
//
//   node scripts/consumer-test.js            every app of the matrix
//   node scripts/consumer-test.js --only floor
//   node scripts/consumer-test.js --keep     keep the temporary folder (its path is printed)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

/** The version matrix: the lowest supported peers with cdk8s-plus-28, and the newest with cdk8s-plus-33. */
const MATRIX = [
  { name: 'floor', cdk8s: '2.68.12', constructs: '10.3.0', plus: 'cdk8s-plus-28', plusVersion: '2.5.6' },
  { name: 'latest', cdk8s: '2.70.106', constructs: '10.8.1', plus: 'cdk8s-plus-33', plusVersion: '2.5.57' },
];
const TOOLS = { typescript: '~5.7.3', jest: '29.7.0', 'ts-jest': '29.4.15', '@types/jest': '29.5.14', '@types/node': '20.19.43' };

function run(cmd, cmdArgs, cwd, opts = {}) {
  try {
    return execFileSync(cmd, cmdArgs, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
      maxBuffer: 64 * 1024 * 1024,
      ...opts,
    });
  } catch (e) {
    const out = `${e.stdout || ''}${e.stderr || ''}`.trim();
    throw new Error(`\`${cmd} ${cmdArgs.join(' ')}\` failed in ${cwd}:\n${out.split('\n').slice(-60).join('\n')}`);
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** The ```ts blocks of a Markdown file, with their line numbers. */
function tsBlocks(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^```(ts|typescript)\s*$/.test(lines[i])) {
      const start = i + 1;
      let j = start;
      while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
      blocks.push({ line: start + 1, code: lines.slice(start, j).join('\n') });
      i = j;
    }
  }
  return blocks;
}

/** The user's app: every pillar, with cdk8s-plus workloads as targets. */
function appSource(plus) {
  return `import { App, Chart, Duration } from 'cdk8s';
import * as kplus from '${plus}';
import { Construct } from 'constructs';
import {
  BackupHooks, BackupSchedule, ChaosAction, ChaosExperiment, ChaosMode, MinioCredentials, MinioStorage,
  SelfServiceBackup, Sli, SloDashboard, SloSpec, VeleroBackupPlan, VeleroHelmValues,
} from 'cdk8s-resilience';

export class Platform extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    const web = new kplus.Deployment(this, 'web', {
      metadata: { name: 'web', namespace: 'shop' },
      replicas: 3,
      containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
    });
    new SloSpec(this, 'web-slo', {
      service: 'web',
      slos: [{ name: 'availability', objective: 99.9, sli: Sli.availability({ selector: { job: 'web' }, statusLabel: 'code' }), alerting: { name: 'WebErrors' } }],
    });
    new SloDashboard(this, 'dashboard');
    const plan = new VeleroBackupPlan(this, 'plan', {
      rpo: Duration.hours(24),
      schedules: [{ name: 'daily', schedule: BackupSchedule.daily({ hour: 2 }), retention: Duration.days(7) }],
    });
    const storage = new MinioStorage(this, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    new VeleroHelmValues(this, 'values', { plan, storage, includeSchedules: false }); // the plan's Schedule objects create the backups
    new BackupHooks(this, 'hooks', { workload: web, preBackup: { command: ['/bin/sh', '-c', 'sync'], timeout: Duration.minutes(1) } });
    new SelfServiceBackup(this, 'self-service').optIn(web, 'gold');
    new ChaosExperiment(this, 'kill-one', { action: ChaosAction.podKill(), target: web, mode: ChaosMode.one(), duration: Duration.seconds(30) });
  }
}

if (require.main === module) {
  const app = new App();
  new Platform(app, 'platform');
  app.synth();
}
`;
}

const SNAPSHOT_TEST = `import { Testing } from 'cdk8s';
import { Platform } from '../src/main';

test('the platform synthesizes as before', () => {
  const chart = new Platform(Testing.app(), 'platform');
  const objects = Testing.synth(chart);
  expect(objects.map((o: { kind: string }) => o.kind)).toContain('PodChaos');
  expect(objects).toMatchSnapshot();
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    lib: ['ES2022'],
    moduleResolution: 'node',
    outDir: 'lib',
    rootDir: '.',
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    esModuleInterop: true,
    skipLibCheck: false,
    types: ['node', 'jest'],
  },
  include: ['src/**/*.ts', 'test/**/*.ts'],
};

function consumerApp(tmp, tarball, m) {
  const dir = path.join(tmp, m.name);
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'test'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `consumer-${m.name}`,
        version: '0.0.0',
        private: true,
        dependencies: { cdk8s: m.cdk8s, constructs: m.constructs, [m.plus]: m.plusVersion, 'cdk8s-resilience': `file:${tarball}` },
        devDependencies: TOOLS,
        jest: { testEnvironment: 'node', roots: ['<rootDir>/test'], transform: { '^.+\\.ts$': 'ts-jest' } },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'src', 'main.ts'), appSource(m.plus));
  fs.writeFileSync(path.join(dir, 'test', 'main.test.ts'), SNAPSHOT_TEST);

  process.stdout.write(`[${m.name}] npm install (cdk8s ${m.cdk8s}, constructs ${m.constructs}, ${m.plus} ${m.plusVersion})\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);

  // One copy of each peer: the app's.
  for (const pkg of ['cdk8s', 'constructs']) {
    const tree = JSON.parse(run('npm', ['ls', pkg, '--all', '--json'], dir));
    const versions = new Set();
    (function walk(deps) {
      for (const [name, node] of Object.entries(deps || {})) {
        if (name === pkg && node.version) versions.add(node.version);
        walk(node.dependencies);
      }
    })(tree.dependencies);
    const copies = run('find', ['.', '-type', 'd', '-path', `*/node_modules/${pkg}`], dir)
      .trim()
      .split('\n')
      .filter(Boolean);
    check(
      versions.size === 1 && copies.length === 1,
      `[${m.name}] more than one ${pkg}: versions ${[...versions].join(', ')}; folders ${copies.join(', ')}`,
    );
    check([...versions][0] === m[pkg], `[${m.name}] ${pkg} resolved to ${[...versions][0]}, not the pinned ${m[pkg]}`);
  }

  // The README's and docs' TypeScript blocks, from the installed package, each a program of its own.
  const installed = path.join(dir, 'node_modules', 'cdk8s-resilience');
  const docFiles = [
    'README.md',
    ...fs
      .readdirSync(path.join(installed, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const blocks = [];
  for (const f of docFiles) {
    tsBlocks(path.join(installed, f)).forEach((b, i) => {
      const file = `doc-${f.replace(/[^a-z0-9]+/gi, '-')}-${i + 1}.ts`;
      // The docs use the cdk8s-plus that `cdk8s init` gives today; the floor app has an older one.
      fs.writeFileSync(path.join(dir, 'src', file), b.code.replace(/'cdk8s-plus-\d+'/g, `'${m.plus}'`));
      blocks.push({ where: `${f}:${b.line}`, file });
    });
  }

  process.stdout.write(`[${m.name}] tsc (strict, noUnusedLocals, skipLibCheck off): the app, its test and ${blocks.length} doc blocks\n`);
  run(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], dir);

  const out = path.join(dir, 'dist');
  run('node', [path.join('lib', 'src', 'main.js')], dir);
  const written = fs.readdirSync(out).sort();
  check(written.includes('platform.k8s.yaml'), `[${m.name}] synth wrote no platform.k8s.yaml: ${written.join(', ')}`);
  check(written.includes('slo-dashboard.json'), `[${m.name}] a plain app.synth() did not write slo-dashboard.json: ${written.join(', ')}`);
  check(fs.existsSync(path.join(out, 'platform-backup-config', 'values.yaml')), `[${m.name}] a plain app.synth() did not write the Helm values file`);

  for (const b of blocks) {
    const cwd = fs.mkdtempSync(path.join(tmp, 'doc-'));
    // The files the docs' samples read (docs/slo-interop.md loads slos/checkout.yaml).
    fs.mkdirSync(path.join(cwd, 'slos'));
    fs.copyFileSync(path.join(root, 'test', 'slo', 'fixtures', 'openslo', 'checkout.yaml'), path.join(cwd, 'slos', 'checkout.yaml'));
    try {
      run('node', [path.join(dir, 'lib', 'src', b.file.replace(/\.ts$/, '.js'))], cwd);
    } catch (e) {
      throw new Error(`[${m.name}] the code block at ${b.where} does not run: ${e.message}`);
    }
  }
  process.stdout.write(`[${m.name}] synth wrote ${written.join(', ')}; ${blocks.length} doc blocks ran\n`);

  const jest = path.join(dir, 'node_modules', '.bin', 'jest');
  run(jest, ['--ci=false'], dir); // writes the snapshot (CI=true would make jest refuse to)
  const second = spawnSync(jest, ['--ci'], { cwd: dir, encoding: 'utf8' });
  const summary = `${second.stdout}${second.stderr}`
    .split('\n')
    .filter((l) => /^(Tests|Snapshots):/.test(l))
    .join('; ');
  check(second.status === 0, `[${m.name}] the snapshot test failed on its second run: ${second.stdout}${second.stderr}`);
  process.stdout.write(`[${m.name}] jest snapshot test written, then passed again with --ci (${summary})\n`);
  return blocks.length;
}

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-resilience-consumer-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], root))[0];
    const tarball = path.join(tmp, packed.filename);
    const files = packed.files.map((f) => f.path);
    process.stdout.write(`packed ${packed.filename}: ${packed.size} bytes, ${packed.unpackedSize} unpacked, ${files.length} files\n`);
    check(files.includes('LICENSE'), 'the package has no LICENSE');
    check(files.includes('lib/src/index.d.ts') && files.includes('lib/src/index.js'), 'the package has no built lib/src/index');
    check(!files.some((f) => f.endsWith('.map')), `the package ships source maps: ${files.filter((f) => f.endsWith('.map')).join(', ')}`);
    check(
      !files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('lib/examples/')),
      'the package ships sources, tests or examples',
    );
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const [, link] of readme.matchAll(/\]\(((?:docs|crds)\/[^)#]+)/g)) {
      check(files.includes(link), `README links to ${link}, which the package does not ship`);
    }
    for (const m of MATRIX.filter((x) => !only || x.name === only)) consumerApp(tmp, tarball, m);
    process.stdout.write(
      `consumer test passed: ${MATRIX.filter((x) => !only || x.name === only)
        .map((m) => m.name)
        .join(', ')}\n`,
    );
  } finally {
    if (keep) process.stdout.write(`kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`consumer test FAILED: ${e.message}\n`);
  process.exit(1);
}
