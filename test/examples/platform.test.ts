import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import { findSynthFiles, SynthFile } from '../../src/common';
import { LIBRARY_VERSION } from '../../src/common/version';
import { buildPlatform } from '../../examples/platform';
import { manifestsProblems } from '../support/schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the chapter platform app', () => {
  const app = Testing.app();
  buildPlatform(app);

  test('every synthesized object of every chart is schema-valid', () => {
    const objs: Json[] = app.charts.flatMap((c) => Testing.synth(c));
    expect(objs.length).toBeGreaterThan(5);
    expect(manifestsProblems(objs)).toEqual([]);
  });

  test('every object has an explicit name: no cdk8s hash suffixes', () => {
    const objs: Json[] = app.charts.flatMap((c) => Testing.synth(c));
    for (const o of objs) expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
  });

  test('the SLO charts are named after the chapter files', () => {
    const ids = app.charts.map((c) => c.node.id);
    expect(ids).toEqual(expect.arrayContaining(['sloth-auth-service-slo', 'sloth-slo-spec', 'slo-definitions', 'slo-dashboard']));
  });

  test('synth writes one YAML per chart plus the extra files', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
    const real = new App({ outdir: out, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
    buildPlatform(real);
    real.synth(); // a plain synth writes the extra files too
    for (const c of real.charts) expect(fs.existsSync(path.join(out, `${c.node.id}.yaml`))).toBe(true);
    expect(
      findSynthFiles(real)
        .map((f) => f.relativePath)
        .sort(),
    ).toEqual(['platform-backup-config/values.yaml', 'slo-dashboard.json']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'slo-dashboard.json'), 'utf8')).title).toBe('SLO Dashboard');
    expect(fs.existsSync(path.join(out, 'platform-backup-config', 'values.yaml'))).toBe(true);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('extra files: written by app.synth(), not by Testing.synth or synthYaml; one path once', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-files-'));
    try {
      const a = new App({ outdir: out });
      new SynthFile(a, 'one', 'x/one.txt', () => 'one');
      a.synthYaml();
      expect(fs.existsSync(path.join(out, 'x', 'one.txt'))).toBe(false);
      a.synth();
      expect(fs.readFileSync(path.join(out, 'x', 'one.txt'), 'utf8')).toBe('one');
      expect(() => new SynthFile(a, 'two', 'x/one.txt', () => 'two')).toThrow(
        '[two] relativePath: "x/one.txt" is also written by one. Fix: give each file its own path.',
      );
      expect(() => new SynthFile(a, 'up', '../up.txt', () => '')).toThrow('leaves the output directory');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('the library version', () => {
  test('is the package.json version, from the sources and from the built package alike', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(LIBRARY_VERSION).toBe(pkg.version);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built module, by its path
    const built = require(path.resolve(__dirname, '..', '..', 'lib', 'src', 'common', 'version.js')) as { LIBRARY_VERSION: string };
    expect(built.LIBRARY_VERSION).toBe(pkg.version);
  });
});
