import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { synthLargeApp, synthLargeAppYaml, VeleroBackupPlan } from '../../src';
import { buildFleet } from '../../examples/fleet';
import { buildPlatform } from '../../examples/platform';

/** Every file under `dir`, relative path to content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Builds the same app twice, synthesizes one with app.synth() and one with synthLargeApp(). */
function bothWays(build: (app: App) => void, props: AppProps = {}): { synth: Record<string, string>; large: Record<string, string> } {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'large-app-')));
  const standard = new App({ ...props, outdir: dirs[0] });
  build(standard);
  standard.synth();
  const large = new App({ ...props, outdir: dirs[1] });
  build(large);
  synthLargeApp(large);
  return { synth: tree(dirs[0]), large: tree(dirs[1]) };
}

describe('synthLargeApp', () => {
  test('the chapter platform: the same files, byte for byte, as app.synth()', () => {
    const { synth, large } = bothWays(buildPlatform, { outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
    expect(Object.keys(synth)).toContain('slo-dashboard.json');
    expect(Object.keys(synth)).toContain(path.join('platform-backup-config', 'values.yaml'));
    expect(Object.keys(synth).length).toBeGreaterThan(15);
    expect(large).toEqual(synth);
  });

  test('a generated fleet: the same files, and synthLargeAppYaml() the same string as app.synthYaml()', () => {
    const { synth, large } = bothWays((app) => buildFleet(app, 25));
    expect(Object.keys(synth).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}.k8s.yaml`));
    expect(large).toEqual(synth);
    const a = new App();
    buildFleet(a, 25);
    const b = new App();
    buildFleet(b, 25);
    const yaml = a.synthYaml();
    expect(yaml).toContain('kind: PrometheusRule');
    expect(synthLargeAppYaml(b)).toBe(yaml);
  });

  test.each([
    ['one file per app', YamlOutputType.FILE_PER_APP],
    ['one file per resource', YamlOutputType.FILE_PER_RESOURCE],
    ['a folder per chart', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
    ['one file per chart', YamlOutputType.FILE_PER_CHART],
  ])('%s, with dependent and nested charts and construct metadata: the same files', (_name, yamlOutputType) => {
    const build = (app: App) => {
      const charts = buildFleet(app, 3);
      charts[0].addDependency(charts[2]); // charts are then written in dependency order, numbered
      const nested = new Chart(charts[1], 'nested');
      new ApiObject(nested, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nested' } });
      const other = new Chart(app, 'unnamed');
      const first = new ApiObject(other, 'first', { apiVersion: 'v1', kind: 'ConfigMap' });
      const second = new ApiObject(other, 'second', { apiVersion: 'v1', kind: 'ConfigMap' });
      first.addDependency(second);
      first.node.addDependency(charts[1]);
    };
    const { synth, large } = bothWays(build, { yamlOutputType, recordConstructMetadata: true });
    expect(Object.keys(synth)).toContain('construct-metadata.json');
    const numbered = Object.keys(synth).filter((f) => /^\d{4}-/.test(f));
    expect(numbered.length > 0).toBe(
      yamlOutputType === YamlOutputType.FILE_PER_CHART || yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    );
    expect(large).toEqual(synth);
  });

  test('a chart that overrides toJson() is serialized through it', () => {
    class Custom extends Chart {
      public toJson(): unknown[] {
        return [...super.toJson(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-by-custom' } }];
      }
    }
    const { synth, large } = bothWays(
      (app) => new ApiObject(new Custom(app, 'custom'), 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
    );
    expect(synth['custom.k8s.yaml']).toContain('added-by-custom');
    expect(large).toEqual(synth);
  });

  test('validation problems fail it with the message app.synth() gives', () => {
    const build = (app: App) => {
      const c = new Chart(app, 'test');
      new VeleroBackupPlan(c, 'a');
      new VeleroBackupPlan(c, 'b');
    };
    const messageOf = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-app-'));
    const standard = new App({ outdir });
    build(standard);
    const expected = messageOf(() => standard.synth());
    expect(expected).toBe(
      [
        'Validation failed with the following errors:',
        '  [test/a] schedules[0].name: Schedule "velero/daily-backup" is also created by test/b; one would overwrite the other. Fix: give the schedules distinct names.',
        '  [test/b] schedules[0].name: Schedule "velero/daily-backup" is also created by test/a; one would overwrite the other. Fix: give the schedules distinct names.',
      ].join('\n'),
    );
    const large = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'large-app-')) });
    build(large);
    expect(messageOf(() => synthLargeApp(large))).toBe(expected);
    const yaml = new App();
    build(yaml);
    expect(messageOf(() => synthLargeAppYaml(yaml))).toBe(expected);
    expect(fs.readdirSync(large.outdir)).toEqual([]); // nothing written
  });

  test('the app is validated once, where cdk8s validates it once more per chart', () => {
    const count = (synth: (app: App) => void) => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'large-app-')) });
      let validations = 0;
      for (let i = 0; i < 5; i++) {
        const c = new Chart(app, `chart-${i}`);
        new ApiObject(c, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' } });
      }
      new Construct(app.charts[0], 'counter').node.addValidation({ validate: () => (validations++, []) });
      synth(app);
      return validations;
    };
    expect(count((app) => app.synth())).toBe(6);
    expect(count((app) => app.synthYaml())).toBe(6);
    expect(count(synthLargeApp)).toBe(1);
    expect(count(synthLargeAppYaml)).toBe(1);
  });
});
