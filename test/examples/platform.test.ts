import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import { findSynthFiles, writeSynthFiles } from '../../src/common';
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
    real.synth();
    const written = writeSynthFiles(real);
    for (const c of real.charts) expect(fs.existsSync(path.join(out, `${c.node.id}.yaml`))).toBe(true);
    expect(written.length).toBe(findSynthFiles(real).length);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'slo-dashboard.json'), 'utf8')).title).toBe('SLO Dashboard');
    expect(fs.existsSync(path.join(out, 'platform-backup-config', 'values.yaml'))).toBe(true);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
