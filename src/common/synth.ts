/**
 * Synthesis for apps of many charts. `app.synth()` and `app.synthYaml()` serialize each chart
 * with `chart.toJson()`, and cdk8s makes every `chart.toJson()` resolve the dependencies of the
 * whole app and validate the whole app again: an app of N charts is validated N + 1 times,
 * so the time grows with the square of the app's size. The functions here do the same steps
 * in the same order, but resolve and validate once, and write the same bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, DependencyGraph, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { findSynthFiles, writeSynthFiles } from './files';

/**
 * Synthesizes every manifest of `app` into its output directory, as `app.synth()` does (the
 * same files with the same bytes, for every `yamlOutputType`, the construct metadata file when
 * the app records it, and the library's other files such as dashboards and Helm values), but
 * validates the app once instead of once per chart. Use it for apps of hundreds of charts;
 * a validation problem fails it with the message `app.synth()` gives.
 *
 * A chart class that overrides `toJson()` is serialized through its own `toJson()`.
 */
export function synthLargeApp(app: App): void {
  fs.mkdirSync(app.outdir, { recursive: true });
  const all = app.node.findAll();
  validateApp(all);
  const hasDependantCharts = resolveDependencies(all);
  const charts = app.charts;
  const out = (name: string) => path.join(app.outdir, name + app.outputFileExtension);
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP:
      if (charts.length > 0) fs.writeFileSync(out('app'), chartsYaml(charts), { encoding: 'utf8' });
      break;
    case YamlOutputType.FILE_PER_CHART: {
      const name = chartNamer(hasDependantCharts);
      for (const chart of charts) Yaml.save(out(name(chart)), Object.values(chartJson(chart)));
      break;
    }
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const chart of charts) {
        for (const obj of Object.values(chartJson(chart))) {
          if (obj !== undefined) Yaml.save(out(resourceFileName(obj as ManifestHead)), [obj]);
        }
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
      const name = chartNamer(hasDependantCharts);
      for (const chart of charts) {
        const dir = path.join(app.outdir, name(chart));
        fs.mkdirSync(dir, { recursive: true });
        for (const obj of chartApiObjects(chart)) {
          if (obj !== undefined) Yaml.save(path.join(dir, resourceFileName(obj) + app.outputFileExtension), [obj.toJson()]);
        }
      }
      break;
    }
    default:
      break;
  }
  if ((app as unknown as { readonly recordConstructMetadata?: boolean }).recordConstructMetadata) {
    const resources: Record<string, { path: string }> = {};
    for (const obj of app.charts.flatMap(chartApiObjects)) resources[obj.name] = { path: obj.node.path };
    fs.writeFileSync(path.join(app.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
  }
  if (findSynthFiles(app).length > 0) writeSynthFiles(app);
}

/**
 * Every manifest of `app` as one multi-document YAML string, as `app.synthYaml()` returns it
 * (the same bytes), but validating the app once instead of once per chart.
 */
export function synthLargeAppYaml(app: App): string {
  const all = app.node.findAll();
  resolveDependencies(all);
  validateApp(all);
  return chartsYaml(app.charts);
}

/**
 * The charts' objects as one multi-document YAML string, the bytes of `Yaml.stringify` of all
 * of them. Each chart's objects are serialized before the next chart is resolved, so only the
 * text accumulates rather than every resolved object of the app at once (at thousands of
 * charts, that difference is most of the serialization time, spent collecting garbage).
 */
function chartsYaml(charts: readonly Chart[]): string {
  const parts: string[] = [];
  for (const chart of charts) for (const doc of Object.values(chartJson(chart))) parts.push(Yaml.stringify(doc));
  return parts.join('---\n');
}

/** Runs every validation of the app, failing with cdk8s's own message. */
function validateApp(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) {
    for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

function dependencies(all: readonly IConstruct[]): Array<{ source: IConstruct; target: IConstruct }> {
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const source of all) for (const target of source.node.dependencies) deps.push({ source, target });
  return deps;
}

/**
 * Turns nested charts and dependencies between constructs of different charts into chart
 * and object dependencies, as cdk8s does before serializing (the same steps, in its order).
 * True when a chart depends on another.
 */
function resolveDependencies(all: readonly IConstruct[]): boolean {
  let hasDependantCharts = false;
  const found = new Map<IConstruct, IConstruct[]>();
  const findAll = (c: IConstruct) => {
    let list = found.get(c);
    if (!list) {
      list = c.node.findAll();
      found.set(c, list);
    }
    return list;
  };
  for (const parent of all.filter((c): c is Chart => c instanceof Chart)) {
    for (const child of parent.node.children.filter((c) => c instanceof Chart)) {
      parent.node.addDependency(child);
      hasDependantCharts = true;
    }
  }
  for (const dep of dependencies(all)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const dep of dependencies(all)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    const targets = findAll(dep.target).filter((c) => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = findAll(dep.source).filter((c) => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const target of targets) {
      for (const source of sources) if (target !== source) source.node.addDependency(target);
    }
  }
  return hasDependantCharts;
}

/** The chart's own API objects (not those of nested charts), in dependency order. */
function chartApiObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .filter((c) => Chart.of(c) === chart);
}

/** The chart's manifests, as `chart.toJson()` gives them after the app is resolved and validated. */
function chartJson(chart: Chart): unknown[] {
  if (chart.toJson !== Chart.prototype.toJson) return chart.toJson();
  return chartApiObjects(chart).map((obj) => obj.toJson());
}

/** File names of charts: `<chart>`, or `0000-<chart>` in order when charts depend on each other. */
function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => (indexed ? `${(index++).toString().padStart(4, '0')}-${Names.toDnsLabel(chart)}` : Names.toDnsLabel(chart));
}

/** The fields of a manifest (or an ApiObject) a resource's file name is made of. */
interface ManifestHead {
  readonly kind: string;
  readonly metadata: { readonly name?: string };
}

function resourceFileName(obj: ManifestHead): string {
  return `${obj.kind}.${obj.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}
