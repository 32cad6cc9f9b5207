/**
 * SLO spec documents, read the way Sloth v0.16 reads them:
 * - Sloth `prometheus/v1` (snake_case fields);
 * - Kubernetes `sloth.slok.dev/v1` `PrometheusServiceLevel` (camelCase fields);
 * - OpenSLO `openslo/v1alpha` `SLO` (ratio metrics; see ./openslo);
 * and what follows from a loaded document: its SLO models, Sloth's validation of them, and
 * its rule groups. Plain data in, plain data out; no cdk8s (the `slo` CLI uses it).
 */
import { metadataProblems } from '../common/checks';
import { formatPromDuration } from '../common/duration';
import { ErrorBudgetExhaustedAlertConfig, errorBudgetExhaustedAlert, sloPluginFromDeclaration } from './error-budget-alert';
import { GenerationInfo, PromRuleGroup, SloModel } from './model';
import { OPENSLO_V1ALPHA, OpenSloDocument, openSloToSlothSpec } from './openslo';
import { SloMetrics, sloRuleGroups } from './rules';
import { normaliseSlothSpec, SlothServiceSpec, slothSpecToModels } from './sloth-spec';
import { readSpecFile, ReadSpecFileOptions, SpecDocument, SpecLoadError, SpecProblem } from './spec-files';
import { sloProblems } from './validate';
import { AlertWindowsCatalog } from './windows';

/** The spec formats a file can hold, as their `sloth_spec` value. */
export type SloSpecFormat = 'prometheus/v1' | 'sloth.slok.dev/v1' | 'openslo/v1alpha';

/** The formats, for messages. */
export const SUPPORTED_SPEC_FORMATS =
  'Sloth "version: prometheus/v1", Kubernetes "apiVersion: sloth.slok.dev/v1" + "kind: PrometheusServiceLevel", OpenSLO "apiVersion: openslo/v1alpha" + "kind: SLO"';

/** Kubernetes metadata of a `PrometheusServiceLevel`, carried to the generated `PrometheusRule`. */
export interface SpecKubernetesMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** One loaded spec document: its format, its service spec, and where it came from. */
export interface LoadedSpec {
  readonly format: SloSpecFormat;
  readonly file: string;
  readonly document: number;
  readonly line: number;
  /** The SLOs, normalised (OpenSLO mapped as Sloth maps it). */
  readonly spec: SlothServiceSpec;
  /** The document's own SLO period (OpenSLO `timeWindows`), in ms. @default - the default period */
  readonly periodMs?: number;
  /** For a `PrometheusServiceLevel`: its metadata. */
  readonly kubernetes?: SpecKubernetesMeta;
  /** Error-budget-exhausted alerts declared in the spec, per SLO index. */
  readonly exhaustedAlerts: ReadonlyArray<readonly ErrorBudgetExhaustedAlertConfig[]>;
  /** Locates a field of SLO `slo` (or of the document when undefined): model field name in, document path and line out. */
  locate(slo: number | undefined, field: string): { field: string; line: number };
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The format of a document, as Sloth detects it (in Sloth's order), or undefined. */
export function detectSpecFormat(data: unknown): SloSpecFormat | undefined {
  if (!isObj(data)) return undefined;
  if (data.version === 'prometheus/v1') return 'prometheus/v1';
  if (data.apiVersion === 'sloth.slok.dev/v1' && data.kind === 'PrometheusServiceLevel') return 'sloth.slok.dev/v1';
  if (data.apiVersion === OPENSLO_V1ALPHA && data.kind === 'SLO') return 'openslo/v1alpha';
  return undefined;
}

const SNAKE: Record<string, string> = {
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
};

/** The type problems Sloth's decoder rejects (it decodes into typed Go structs). */
function typeProblems(base: Array<string | number>, s: Json, snake: boolean): Array<{ path: Array<string | number>; problem: string; fix: string }> {
  const out: Array<{ path: Array<string | number>; problem: string; fix: string }> = [];
  const mapOf = (p: Array<string | number>, v: unknown) => {
    if (v === undefined || v === null) return;
    if (!isObj(v)) out.push({ path: p, problem: 'must be a map of names to values', fix: 'write it as `key: value` lines' });
    else
      for (const [k, x] of Object.entries(v))
        if (isObj(x) || Array.isArray(x))
          out.push({ path: [...p, k], problem: 'must be a single value, not a map or list', fix: 'give a string value' });
  };
  if (isObj(s.service) || Array.isArray(s.service))
    out.push({ path: [...base, 'service'], problem: 'must be a string', fix: 'give the service name, e.g. myservice' });
  mapOf([...base, 'labels'], s.labels);
  if (s.slos !== undefined && s.slos !== null && !Array.isArray(s.slos))
    out.push({ path: [...base, 'slos'], problem: 'must be a list of SLOs', fix: 'write each SLO as a "- name: ..." item' });
  (Array.isArray(s.slos) ? s.slos : []).forEach((slo, i) => {
    const p = [...base, 'slos', i];
    if (!isObj(slo)) {
      out.push({ path: p, problem: 'must be a map', fix: 'give name, objective, sli and alerting' });
      return;
    }
    if (slo.objective !== undefined && slo.objective !== null && typeof slo.objective !== 'number') {
      out.push({
        path: [...p, 'objective'],
        problem: `"${String(slo.objective)}" is not a number`,
        fix: 'give the objective as a number in percent, unquoted, e.g. 99.9',
      });
    }
    mapOf([...p, 'labels'], slo.labels);
    const al = isObj(slo.alerting) ? slo.alerting : {};
    mapOf([...p, 'alerting', 'labels'], al.labels);
    mapOf([...p, 'alerting', 'annotations'], al.annotations);
    for (const which of ['pageAlert', 'ticketAlert']) {
      const key = snake ? SNAKE[which] : which;
      const a = isObj(al[key]) ? (al[key] as Json) : {};
      if (a.disable !== undefined && typeof a.disable !== 'boolean')
        out.push({ path: [...p, 'alerting', key, 'disable'], problem: `"${String(a.disable)}" is not true or false`, fix: 'write disable: true' });
      mapOf([...p, 'alerting', key, 'labels'], a.labels);
      mapOf([...p, 'alerting', key, 'annotations'], a.annotations);
    }
  });
  return out;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
}

function pluginDecls(v: unknown): { chain: unknown[]; override: boolean } {
  if (!isObj(v)) return { chain: [], override: false };
  return { chain: Array.isArray(v.chain) ? v.chain : [], override: v.overridePrevious === true };
}

/**
 * Loads one document. Throws a {@link SpecLoadError} for an unknown format or a document
 * that cannot be read as its format; SLO-level rules are checked by {@link specProblems}.
 */
export function loadSpecDocument(doc: SpecDocument): LoadedSpec {
  const format = detectSpecFormat(doc.data);
  const fail = (p: Array<string | number>, problem: string, fix: string): never => {
    throw new SpecLoadError([
      { file: doc.file, document: doc.index, line: doc.lineOf(p), field: p.join('.').replace(/\.(\d+)/g, '[$1]'), problem, fix },
    ]);
  };
  if (!format) {
    const d = isObj(doc.data) ? doc.data : {};
    if (d.version !== undefined)
      fail(['version'], `spec version "${String(d.version)}" is not supported`, `use version: prometheus/v1 (supported: ${SUPPORTED_SPEC_FORMATS})`);
    if (d.apiVersion !== undefined || d.kind !== undefined)
      fail(
        ['apiVersion'],
        `apiVersion "${String(d.apiVersion ?? '')}" with kind "${String(d.kind ?? '')}" is not an SLO spec this tool reads`,
        `use one of: ${SUPPORTED_SPEC_FORMATS}`,
      );
    fail([], 'the document is not an SLO spec (no "version" or "apiVersion")', `start it with one of: ${SUPPORTED_SPEC_FORMATS}`);
  }
  const d = doc.data as Json;
  const snake = format === 'prometheus/v1';
  const k8s = format === 'sloth.slok.dev/v1';
  const base: Array<string | number> = k8s || format === 'openslo/v1alpha' ? ['spec'] : [];
  const body = k8s ? (isObj(d.spec) ? d.spec : {}) : d;
  const problems: SpecProblem[] = [];
  const at = (p: Array<string | number>, problem: string, fix: string, slo?: string) =>
    problems.push({ file: doc.file, document: doc.index, line: doc.lineOf(p), slo, field: p.join('.').replace(/\.(\d+)/g, '[$1]'), problem, fix });

  let spec: SlothServiceSpec;
  let periodMs: number | undefined;
  let kubernetes: SpecKubernetesMeta | undefined;
  const exhausted: ErrorBudgetExhaustedAlertConfig[][] = [];

  if (format === 'openslo/v1alpha') {
    const r = openSloToSlothSpec(d as OpenSloDocument);
    for (const p of r.problems) {
      const pathParts = p.field
        .split(/\.|\[(\d+)\]/)
        .filter((x) => x !== undefined && x !== '')
        .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
      problems.push({ file: doc.file, document: doc.index, line: doc.lineOf(pathParts), field: p.field, problem: p.problem, fix: p.fix });
    }
    if (problems.length) throw new SpecLoadError(problems);
    spec = r.mapping!.spec;
    periodMs = r.mapping!.periodMs;
  } else {
    for (const t of typeProblems(base, body, snake)) at(t.path, t.problem, t.fix);
    if (k8s) {
      const md = isObj(d.metadata) ? d.metadata : {};
      if (typeof md.name !== 'string' || md.name === '') at(['metadata', 'name'], 'the PrometheusServiceLevel has no name', 'set metadata.name');
      kubernetes = {
        name: String(md.name ?? ''),
        namespace: md.namespace === undefined || md.namespace === null || md.namespace === '' ? undefined : String(md.namespace),
        labels: stringMap(md.labels),
        annotations: stringMap(md.annotations),
      };
      // The metadata is carried to the generated PrometheusRule: the API server would reject bad values.
      const meta = metadataProblems({
        name: kubernetes.name || undefined,
        namespace: kubernetes.namespace,
        labels: kubernetes.labels,
        annotations: kubernetes.annotations,
      });
      for (const m of meta) {
        const [part, ...key] = m.field.split('.');
        at(['metadata', part, ...(key.length ? [key.join('.')] : [])], m.problem, m.fix);
      }
    }
    const slos = Array.isArray(body.slos) ? body.slos : [];
    if (problems.length === 0 && slos.length === 0) at([...base, 'slos'], 'the spec has no SLOs', 'add at least one SLO under slos');
    const groupPlugins = pluginDecls(body[snake ? 'slo_plugins' : 'sloPlugins']);
    slos.forEach((raw, i) => {
      const s = isObj(raw) ? raw : {};
      const sloName = String(s.name ?? '');
      const sli = isObj(s.sli) ? s.sli : {};
      if (sli.plugin !== undefined && sli.plugin !== null) {
        const id = isObj(sli.plugin) ? String(sli.plugin.id ?? '') : '';
        at(
          [...base, 'slos', i, 'sli', 'plugin'],
          `the SLI plugin "${id}" runs Go code inside Sloth and cannot be run here`,
          'write the SLI as events (error and total queries) or raw (error ratio query)',
          sloName,
        );
      }
      const own = pluginDecls(s.plugins);
      const configs: ErrorBudgetExhaustedAlertConfig[] = [];
      const decls: Array<[unknown, Array<string | number>]> = [
        ...(own.override
          ? []
          : groupPlugins.chain.map((c, j): [unknown, Array<string | number>] => [c, [...base, snake ? 'slo_plugins' : 'sloPlugins', 'chain', j]])),
        ...own.chain.map((c, j): [unknown, Array<string | number>] => [c, [...base, 'slos', i, 'plugins', 'chain', j]]),
      ];
      if (groupPlugins.override || own.override) {
        at(
          [...base, 'slos', i, 'plugins', 'overridePrevious'],
          'overridePrevious replaces the default generation plugins, which is not supported',
          'remove overridePrevious',
          sloName,
        );
      }
      for (const [decl, p] of decls) {
        const r = sloPluginFromDeclaration(decl);
        if (r.problem) at(p, r.problem.problem, r.problem.fix, sloName);
        else if (r.config) configs.push(r.config);
      }
      exhausted.push(configs);
    });
    if (problems.length) throw new SpecLoadError(problems);
    spec = normaliseSlothSpec(body.service, body.labels, body.slos, snake);
  }
  while (exhausted.length < spec.slos.length) exhausted.push([]);

  const locate = (slo: number | undefined, field: string): { field: string; line: number } => {
    const parts = field.split('.');
    let p: Array<string | number>;
    if (format === 'openslo/v1alpha') {
      if (parts[0] === 'service') p = ['spec', 'service'];
      else if (slo === undefined) p = [];
      else if (parts[0] === 'objective') p = ['spec', 'objectives', slo, 'target'];
      else if (parts[0] === 'sli') p = ['spec', 'objectives', slo, 'ratioMetrics'];
      else if (parts[0] === 'name') p = ['metadata', 'name'];
      else p = ['spec', 'objectives', slo];
    } else if (parts[0] === 'service') p = [...base, 'service'];
    else if (parts[0] === 'period') p = [];
    else if (slo === undefined) p = [...base, ...parts];
    else {
      const named = parts.map((x) => (snake ? (SNAKE[x] ?? x) : x));
      // An alert's name is shared: `alerting.pageAlert.name` is written as `alerting.name`.
      if (named[0] === 'alerting' && named[2] === 'name') named.splice(1, 1);
      p = [...base, 'slos', slo, ...named];
      if (named[0] === 'labels' && named[1] !== undefined) {
        const own = spec.slos[slo]?.labels ?? {};
        if (!(named[1] in own) && spec.labels && named[1] in spec.labels) p = [...base, 'labels', named[1]];
      }
    }
    return { field: p.join('.').replace(/\.(\d+)/g, '[$1]') || field, line: doc.lineOf(p) };
  };
  return { format: format!, file: doc.file, document: doc.index, line: doc.line, spec, periodMs, kubernetes, exhaustedAlerts: exhausted, locate };
}

/** How to turn a loaded spec into SLO models. */
export interface SpecModelOptions {
  /** The SLO period for specs that do not set one. @default 30 days */
  readonly defaultPeriodMs?: number;
  /** Labels added to every rule, after all others (`--extra-labels`). @default {} */
  readonly extraLabels?: Record<string, string>;
}

/** The SLO models of a loaded spec. */
export function specModels(spec: LoadedSpec, options: SpecModelOptions = {}): SloModel[] {
  return slothSpecToModels(spec.spec, spec.periodMs ?? options.defaultPeriodMs ?? 30 * 86400000, options.extraLabels ?? {});
}

/**
 * Sloth's validation of a loaded spec (what `sloth validate` accepts), each problem
 * located in the file. Includes SLO ids repeated within the document.
 */
export function specProblems(spec: LoadedSpec, catalog: AlertWindowsCatalog, options: SpecModelOptions = {}): SpecProblem[] {
  const out: SpecProblem[] = [];
  const seen = new Set<string>();
  specModels(spec, options).forEach((m, i) => {
    const windows = catalog.get(m.periodMs);
    for (const p of sloProblems(m, windows, catalog.periods(), { strict: false })) {
      const where = spec.locate(i, p.field);
      const field = p.field === 'period' ? (spec.periodMs ? 'spec.timeWindows' : '--default-slo-period') : where.field;
      out.push({ file: spec.file, document: spec.document, line: where.line, slo: m.name, field, problem: p.problem, fix: p.fix });
    }
    if (seen.has(m.id)) {
      const where = spec.locate(i, 'name');
      out.push({
        file: spec.file,
        document: spec.document,
        line: where.line,
        slo: m.name,
        field: where.field,
        problem: `SLO id "${m.id}" is repeated in the spec`,
        fix: 'give each SLO of a service its own name',
      });
    }
    seen.add(m.id);
  });
  return out;
}

/** What the generated rules record about their origin, and what to leave out. */
export interface SpecGenerateOptions extends SpecModelOptions {
  /** `sloth_version`. */
  readonly version: string;
  /** `sloth_mode` per format. @default Sloth's CLI modes: cli-gen-prom, cli-gen-k8s, cli-gen-openslo */
  readonly mode?: (format: SloSpecFormat) => string;
  /** Leave out alert rules (including the error-budget-exhausted alert). @default false */
  readonly disableAlerts?: boolean;
  /** Leave out recording rules. @default false */
  readonly disableRecordings?: boolean;
  /** Error-budget-exhausted alerts for every SLO (Sloth's app-level SLO plugins), before those in the spec. @default [] */
  readonly exhaustedAlerts?: readonly ErrorBudgetExhaustedAlertConfig[];
}

/** Sloth's `sloth_mode` for its CLI, per format. */
export function slothCliMode(format: SloSpecFormat): string {
  return format === 'prometheus/v1' ? 'cli-gen-prom' : format === 'sloth.slok.dev/v1' ? 'cli-gen-k8s' : 'cli-gen-openslo';
}

/**
 * The rule groups of a loaded spec, in Sloth's order (per SLO: SLI recordings, metadata
 * recordings, alerts with any error-budget-exhausted alert last). Validate first with
 * {@link specProblems}: this throws when an SLO's period has no alert windows.
 */
export function specRuleGroups(spec: LoadedSpec, catalog: AlertWindowsCatalog, options: SpecGenerateOptions): PromRuleGroup[] {
  const info = (): GenerationInfo => ({ version: options.version, mode: (options.mode ?? slothCliMode)(spec.format), spec: spec.format });
  return specModels(spec, options).flatMap((m, i) => {
    const windows = catalog.get(m.periodMs);
    if (!windows) throw new Error(`no alert windows for the ${formatPromDuration(m.periodMs)} SLO period`);
    const groups = sloRuleGroups(m, windows, info(), { disableAlerts: options.disableAlerts, disableRecordings: options.disableRecordings });
    const extra = options.disableAlerts
      ? []
      : [...(options.exhaustedAlerts ?? []), ...spec.exhaustedAlerts[i]].map((c) => errorBudgetExhaustedAlert(m, c));
    if (extra.length === 0) return groups;
    const name = SloMetrics.groupPrefix.alerts + m.id;
    const alerts = groups.find((g) => g.name === name);
    if (alerts) return groups.map((g) => (g === alerts ? { ...g, rules: [...g.rules, ...extra] } : g));
    return [...groups, { name, rules: extra }];
  });
}

/** Loads every document of a spec file; throws a {@link SpecLoadError} with every problem found. */
export function loadSpecFile(file: string, options: ReadSpecFileOptions = {}): LoadedSpec[] {
  const docs = readSpecFile(file, options);
  const out: LoadedSpec[] = [];
  const problems: SpecProblem[] = [];
  for (const d of docs) {
    try {
      out.push(loadSpecDocument(d));
    } catch (e) {
      if (e instanceof SpecLoadError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (docs.length === 0) problems.push({ file, field: '', problem: 'the file holds no YAML documents', fix: 'write an SLO spec in it' });
  if (problems.length) throw new SpecLoadError(problems);
  return out;
}
