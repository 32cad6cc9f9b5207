/**
 * Loading SLO spec files into the SLO model, the way Sloth v0.16 reads them:
 * - Sloth `prometheus/v1` (snake_case fields);
 * - Kubernetes `sloth.slok.dev/v1` `PrometheusServiceLevel` (camelCase fields);
 * - OpenSLO `openslo/v1alpha` `SLO` (ratio metrics; see ./openslo);
 * several YAML documents per file, and directories of files. Also Sloth `AlertWindows`
 * catalogs, the opt-in error-budget-exhausted alert, and the generation of a document's
 * rule groups.
 *
 * Everything here is plain data in, plain data out, and never loads cdk8s at import time:
 * the `cdk8s-resilience slo` CLI uses it directly. `sloSpecsFromFile` and
 * `sloSpecsFromDirectory` put loaded documents into a cdk8s app as `SloSpec`s.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Construct } from 'constructs';
import * as YAML from 'yaml';
import { metadataProblems } from '../common/checks';
import { Problem } from '../common/errors';
import { goFloat, promLabelSet } from './format';
import { AlertWindowsModel, GenerationInfo, PromRule, PromRuleGroup, SloModel } from './model';
import { OPENSLO_V1ALPHA, OpenSloDocument, openSloToSlothSpec } from './openslo';
import { SloMetrics, sloIdLabels, sloRuleGroups } from './rules';
import type { SloSpec, SloSpecProps } from './slo-spec';
import { normaliseSlothSpec, SlothServiceSpec, slothSpecToModels } from './sloth-spec';
import { sloProblems } from './validate';
import { AlertWindowsCatalog, AlertWindowsSpec, DEFAULT_ALERT_WINDOWS, readAlertWindowsSpec } from './windows';
import { formatPromDuration, promDurationMs } from '../common/duration';

/** The spec formats a file can hold, as their `sloth_spec` value. */
export type SloSpecFormat = 'prometheus/v1' | 'sloth.slok.dev/v1' | 'openslo/v1alpha';

/** The formats, for messages. */
export const SUPPORTED_SPEC_FORMATS = 'Sloth "version: prometheus/v1", Kubernetes "apiVersion: sloth.slok.dev/v1" + "kind: PrometheusServiceLevel", OpenSLO "apiVersion: openslo/v1alpha" + "kind: SLO"';

/** A problem in a spec file, located as precisely as it can be. */
export interface SpecProblem extends Problem {
  /** The file, as given. */
  readonly file: string;
  /** 1-based line in the file. @default - the file as a whole */
  readonly line?: number;
  /** 1-based YAML document number within the file. @default - the file as a whole */
  readonly document?: number;
  /** The SLO's name. @default - not about one SLO */
  readonly slo?: string;
}

/** Formats a problem as one line: `file:line: document N, SLO "x": field: problem. Fix: fix.` */
export function formatSpecProblem(p: SpecProblem): string {
  const end = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  const where = [p.document !== undefined ? `document ${p.document}` : '', p.slo !== undefined ? `SLO "${p.slo}"` : ''].filter(Boolean).join(', ');
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${where ? `${where}: ` : ''}${p.field ? `${p.field}: ` : ''}${end(p.problem)} Fix: ${end(p.fix)}`;
}

/** Thrown when spec files cannot be loaded or are invalid; carries every problem found. */
export class SpecLoadError extends Error {
  /** Every problem found, each with its file and, where known, line, document and SLO. */
  public readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[]) {
    super(problems.map(formatSpecProblem).join('\n'));
    this.name = 'SpecLoadError';
    this.problems = problems;
  }
}

/** One YAML document of a spec file. */
export interface SpecDocument {
  readonly file: string;
  /** 1-based among the file's non-empty documents. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  /** The document as JSON. */
  readonly data: unknown;
  /** Finds the 1-based line of a path in the document (the nearest existing parent when the path is absent). */
  lineOf(pathInDoc: ReadonlyArray<string | number>): number;
}

/**
 * Splits a file's text into its non-empty YAML documents. Throws a {@link SpecLoadError}
 * naming the file and line of the first YAML syntax error.
 */
export function parseSpecDocuments(text: string, file: string): SpecDocument[] {
  const lc = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: SpecDocument[] = [];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new SpecLoadError([{ file, line, field: '', problem: `YAML syntax error: ${msg}`, fix: 'correct the YAML (check indentation, quotes and ":" after keys)' }]);
    }
    if (d.contents === null) continue;
    const data = d.toJS({ maxAliasCount: 100 }) as unknown;
    if (data === null || data === undefined) continue;
    const start = lc.linePos(d.contents.range?.[0] ?? 0).line;
    out.push({
      file,
      index: out.length + 1,
      line: start,
      data,
      lineOf: (p) => {
        for (let n = p.length; n >= 0; n--) {
          const node = d.getIn(p.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
          if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
          // A key whose value is empty (`labels:`) has no node; point at the key instead.
          if (n > 0 && YAML.isMap(d.getIn(p.slice(0, n - 1) as unknown[], true))) {
            const parent = d.getIn(p.slice(0, n - 1) as unknown[], true) as YAML.YAMLMap;
            const pair = parent.items.find((it) => YAML.isScalar(it.key) && it.key.value === p[n - 1]);
            const key = pair?.key as { range?: [number, number, number] } | undefined;
            if (key?.range) return lc.linePos(key.range[0]).line;
          }
        }
        return start;
      },
    });
  }
  return out;
}

/** Reads a file's spec documents; unreadable files and YAML errors become a {@link SpecLoadError}. */
export function readSpecFile(file: string): SpecDocument[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecLoadError([{ file, field: '', problem: `cannot read the file (${ioReason(e)})`, fix: 'check the path and its permissions' }]);
  }
  return parseSpecDocuments(text, file);
}

/** A short reason for a file system error. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR') return 'a parent is not a directory';
  return (e as Error)?.message ?? String(e);
}

/** Which YAML files a directory walk picks. */
export interface SpecDiscoveryOptions {
  /** Only paths matching this are loaded (Sloth's `--fs-include`). @default - all */
  readonly include?: RegExp;
  /** Paths matching this are skipped; wins over `include` (Sloth's `--fs-exclude`). @default - none */
  readonly exclude?: RegExp;
}

/**
 * The `.yaml`/`.yml` files under a path (the path itself when it is such a file), in
 * lexical walk order, filtered as Sloth filters them (on the path as joined from `root`).
 */
export function discoverSpecFiles(root: string, options: SpecDiscoveryOptions = {}): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
      return;
    }
    const ext = path.extname(p).toLowerCase();
    if (ext !== '.yaml' && ext !== '.yml') return;
    if (options.exclude && options.exclude.test(p)) return;
    if (options.include && !options.include.test(p)) return;
    out.push(p);
  };
  visit(root);
  return out;
}

/** Config of the opt-in alert for an exhausted error budget (Sloth's `error_budget_exhausted_alert/v1` plugin). */
export interface ErrorBudgetExhaustedAlertConfig {
  /** Fire when the remaining budget ratio is at or below this. @default 0 */
  readonly threshold?: number;
  /** How long the condition must hold, in ms. @default 5 minutes */
  readonly forMs?: number;
  /** The alert name. @default "ErrorBudgetExhausted" */
  readonly alertName?: string;
  /** Labels on the alert. @default {} */
  readonly alertLabels?: Record<string, string>;
  /** Annotations on the alert. @default {} */
  readonly annotations?: Record<string, string>;
  /** Extra label matchers on the remaining-budget series. @default {} */
  readonly selectorLabels?: Record<string, string>;
}

/** The Sloth plugin id of the error-budget-exhausted alert. */
export const ERROR_BUDGET_EXHAUSTED_PLUGIN_ID = 'sloth.dev/contrib/error_budget_exhausted_alert/v1';

/**
 * The alert that fires once the period's error budget is used up: the same rule as
 * Sloth's `error_budget_exhausted_alert/v1` plugin.
 */
export function errorBudgetExhaustedAlert(slo: SloModel, config: ErrorBudgetExhaustedAlertConfig = {}): PromRule {
  const selector = { ...sloIdLabels(slo), ...slo.labels, ...(config.selectorLabels ?? {}) };
  const labels = config.alertLabels ?? {};
  return {
    alert: config.alertName || 'ErrorBudgetExhausted',
    expr: `${SloMetrics.periodErrorBudgetRemaining}${promLabelSet(selector)} <= ${goFloat(config.threshold ?? 0)}`,
    for: formatPromDuration(config.forMs || 5 * 60 * 1000),
    ...(Object.keys(labels).length ? { labels: { ...labels } } : {}),
    ...(config.annotations && Object.keys(config.annotations).length ? { annotations: { ...config.annotations } } : {}),
  };
}

/**
 * Reads a Sloth SLO plugin declaration (`{id, config, priority}`). Only the
 * error-budget-exhausted alert is supported; anything else is a problem.
 */
export function sloPluginFromDeclaration(decl: unknown): { config?: ErrorBudgetExhaustedAlertConfig; problem?: Omit<Problem, 'field'> } {
  const d = decl !== null && typeof decl === 'object' ? (decl as Record<string, unknown>) : {};
  if (d.id !== ERROR_BUDGET_EXHAUSTED_PLUGIN_ID) {
    return { problem: { problem: `SLO plugin "${String(d.id ?? '')}" is not supported (only ${ERROR_BUDGET_EXHAUSTED_PLUGIN_ID})`, fix: 'remove it, or generate those rules with Sloth' } };
  }
  let c: unknown = d.config ?? {};
  if (typeof c === 'string') {
    try {
      c = JSON.parse(c) as unknown;
    } catch {
      return { problem: { problem: 'the plugin config is not valid JSON', fix: 'give config as an object, e.g. {"threshold": 0}' } };
    }
  }
  const o = c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
  const strs = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)])) : undefined);
  let forMs: number | undefined;
  if (o.for !== undefined) {
    forMs = promDurationMs(String(o.for));
    if (forMs === undefined) return { problem: { problem: `config.for "${String(o.for)}" is not a Prometheus duration`, fix: 'use e.g. 5m' } };
  }
  if (o.threshold !== undefined && typeof o.threshold !== 'number') return { problem: { problem: 'config.threshold is not a number', fix: 'use a remaining-budget ratio, e.g. 0 or 0.05' } };
  return {
    config: {
      threshold: o.threshold as number | undefined,
      forMs,
      alertName: o.alert_name === undefined ? undefined : String(o.alert_name),
      alertLabels: strs(o.alert_labels),
      annotations: strs(o.annotations),
      selectorLabels: strs(o.selector_labels),
    },
  };
}

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

const SNAKE: Record<string, string> = { errorQuery: 'error_query', totalQuery: 'total_query', errorRatioQuery: 'error_ratio_query', pageAlert: 'page_alert', ticketAlert: 'ticket_alert' };

/** The type problems Sloth's decoder rejects (it decodes into typed Go structs). */
function typeProblems(base: Array<string | number>, s: Json, snake: boolean): Array<{ path: Array<string | number>; problem: string; fix: string }> {
  const out: Array<{ path: Array<string | number>; problem: string; fix: string }> = [];
  const mapOf = (p: Array<string | number>, v: unknown) => {
    if (v === undefined || v === null) return;
    if (!isObj(v)) out.push({ path: p, problem: 'must be a map of names to values', fix: 'write it as `key: value` lines' });
    else for (const [k, x] of Object.entries(v)) if (isObj(x) || Array.isArray(x)) out.push({ path: [...p, k], problem: 'must be a single value, not a map or list', fix: 'give a string value' });
  };
  if (isObj(s.service) || Array.isArray(s.service)) out.push({ path: [...base, 'service'], problem: 'must be a string', fix: 'give the service name, e.g. myservice' });
  mapOf([...base, 'labels'], s.labels);
  if (s.slos !== undefined && s.slos !== null && !Array.isArray(s.slos)) out.push({ path: [...base, 'slos'], problem: 'must be a list of SLOs', fix: 'write each SLO as a "- name: ..." item' });
  (Array.isArray(s.slos) ? s.slos : []).forEach((slo, i) => {
    const p = [...base, 'slos', i];
    if (!isObj(slo)) {
      out.push({ path: p, problem: 'must be a map', fix: 'give name, objective, sli and alerting' });
      return;
    }
    if (slo.objective !== undefined && slo.objective !== null && typeof slo.objective !== 'number') {
      out.push({ path: [...p, 'objective'], problem: `"${String(slo.objective)}" is not a number`, fix: 'give the objective as a number in percent, unquoted, e.g. 99.9' });
    }
    mapOf([...p, 'labels'], slo.labels);
    const al = isObj(slo.alerting) ? slo.alerting : {};
    mapOf([...p, 'alerting', 'labels'], al.labels);
    mapOf([...p, 'alerting', 'annotations'], al.annotations);
    for (const which of ['pageAlert', 'ticketAlert']) {
      const key = snake ? SNAKE[which] : which;
      const a = isObj(al[key]) ? (al[key] as Json) : {};
      if (a.disable !== undefined && typeof a.disable !== 'boolean') out.push({ path: [...p, 'alerting', key, 'disable'], problem: `"${String(a.disable)}" is not true or false`, fix: 'write disable: true' });
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
    throw new SpecLoadError([{ file: doc.file, document: doc.index, line: doc.lineOf(p), field: p.join('.').replace(/\.(\d+)/g, '[$1]'), problem, fix }]);
  };
  if (!format) {
    const d = isObj(doc.data) ? doc.data : {};
    if (d.version !== undefined) fail(['version'], `spec version "${String(d.version)}" is not supported`, `use version: prometheus/v1 (supported: ${SUPPORTED_SPEC_FORMATS})`);
    if (d.apiVersion !== undefined || d.kind !== undefined) fail(['apiVersion'], `apiVersion "${String(d.apiVersion ?? '')}" with kind "${String(d.kind ?? '')}" is not an SLO spec this tool reads`, `use one of: ${SUPPORTED_SPEC_FORMATS}`);
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
      const pathParts = p.field.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
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
      const meta = metadataProblems({ name: kubernetes.name || undefined, namespace: kubernetes.namespace, labels: kubernetes.labels, annotations: kubernetes.annotations });
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
        at([...base, 'slos', i, 'sli', 'plugin'], `the SLI plugin "${id}" runs Go code inside Sloth and cannot be run here`, 'write the SLI as events (error and total queries) or raw (error ratio query)', sloName);
      }
      const own = pluginDecls(s.plugins);
      const configs: ErrorBudgetExhaustedAlertConfig[] = [];
      const decls: Array<[unknown, Array<string | number>]> = [
        ...(own.override ? [] : groupPlugins.chain.map((c, j): [unknown, Array<string | number>] => [c, [...base, snake ? 'slo_plugins' : 'sloPlugins', 'chain', j]])),
        ...own.chain.map((c, j): [unknown, Array<string | number>] => [c, [...base, 'slos', i, 'plugins', 'chain', j]]),
      ];
      if (groupPlugins.override || own.override) {
        at([...base, 'slos', i, 'plugins', 'overridePrevious'], 'overridePrevious replaces the default generation plugins, which is not supported', 'remove overridePrevious', sloName);
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
      const named = parts.map((x) => (snake ? SNAKE[x] ?? x : x));
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
      out.push({ file: spec.file, document: spec.document, line: where.line, slo: m.name, field: where.field, problem: `SLO id "${m.id}" is repeated in the spec`, fix: 'give each SLO of a service its own name' });
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
    const extra = options.disableAlerts ? [] : [...(options.exhaustedAlerts ?? []), ...spec.exhaustedAlerts[i]].map((c) => errorBudgetExhaustedAlert(m, c));
    if (extra.length === 0) return groups;
    const name = SloMetrics.groupPrefix.alerts + m.id;
    const alerts = groups.find((g) => g.name === name);
    if (alerts) return groups.map((g) => (g === alerts ? { ...g, rules: [...g.rules, ...extra] } : g));
    return [...groups, { name, rules: extra }];
  });
}

/**
 * Reads a directory of Sloth `AlertWindows` files (`.yaml`/`.yml`, recursively), as
 * `--slo-period-windows-path` does. Files defining the same period must agree.
 */
export function loadAlertWindowsDirectory(dir: string): AlertWindowsModel[] {
  const problems: SpecProblem[] = [];
  const byPeriod = new Map<number, { w: AlertWindowsModel; file: string }>();
  let files: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR_SELF' });
    files = [];
    const walk = (p: string) => {
      for (const name of fs.readdirSync(p).sort()) {
        const full = path.join(p, name);
        if (fs.statSync(full).isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(name)) files.push(full);
      }
    };
    walk(dir);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOTDIR_SELF' ? 'it is not a directory' : ioReason(e);
    throw new SpecLoadError([{ file: dir, field: '', problem: `cannot read the alert windows directory (${reason})`, fix: 'give a directory of AlertWindows YAML files' }]);
  }
  for (const file of files) {
    let docs: SpecDocument[];
    try {
      docs = readSpecFile(file);
    } catch (e) {
      problems.push(...(e as SpecLoadError).problems);
      continue;
    }
    if (docs.length === 0) {
      problems.push({ file, field: '', problem: 'the file is empty', fix: 'write one AlertWindows document, or remove the file' });
      continue;
    }
    const doc = docs[0];
    const read = readAlertWindowsSpec(doc.data as AlertWindowsSpec);
    for (const p of read.problems) problems.push({ file, line: doc.lineOf(p.field.split('.')), field: p.field, problem: p.problem, fix: p.fix });
    const w = read.model;
    if (!w) continue;
    const prev = byPeriod.get(w.sloPeriodMs);
    if (prev && JSON.stringify(prev.w) !== JSON.stringify(w)) {
      problems.push({ file, line: doc.lineOf(['spec', 'sloPeriod']), field: 'spec.sloPeriod', problem: `the ${formatPromDuration(w.sloPeriodMs)} period is already defined differently in ${prev.file}`, fix: 'keep one definition per period' });
    } else if (!prev) byPeriod.set(w.sloPeriodMs, { w, file });
  }
  if (problems.length) throw new SpecLoadError(problems);
  if (byPeriod.size === 0) throw new SpecLoadError([{ file: dir, field: '', problem: 'no AlertWindows files (.yaml/.yml) found', fix: 'add a file per SLO period, or leave out the windows path to use the built-in 30d and 28d windows' }]);
  return [...byPeriod.values()].map((x) => x.w);
}

/** A catalog of alert windows: the given ones replace the built-in 30d and 28d windows, like Sloth's windows path. */
export function alertWindowsCatalog(custom?: readonly AlertWindowsModel[]): AlertWindowsCatalog {
  return new AlertWindowsCatalog(custom && custom.length ? custom : DEFAULT_ALERT_WINDOWS);
}

/** Loads every document of a spec file; throws a {@link SpecLoadError} with every problem found. */
export function loadSpecFile(file: string): LoadedSpec[] {
  const docs = readSpecFile(file);
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

/** Options of {@link sloSpecsFromFile} and {@link sloSpecsFromDirectory}. */
export interface SloSpecsFromFileProps extends Omit<SloSpecProps, 'service' | 'slos' | 'labels'> {
  /** Which files of a directory to load. @default - every .yaml/.yml file */
  readonly discovery?: SpecDiscoveryOptions;
}

function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'spec';
}

function specsToConstructs(scope: Construct, idPrefix: string, loaded: LoadedSpec[], props: SloSpecsFromFileProps): SloSpec[] {
  // Loaded lazily so that this module stays free of cdk8s for the CLI.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SloSpec: Spec } = require('./slo-spec') as typeof import('./slo-spec');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Duration } = require('cdk8s') as typeof import('cdk8s');
  const { discovery: _discovery, ...rest } = props;
  const problems = loaded.flatMap((l) =>
    l.exhaustedAlerts.flatMap((c, i) => (c.length ? [{ file: l.file, document: l.document, line: l.line, slo: l.spec.slos[i]?.name, field: 'plugins', problem: 'the error-budget-exhausted alert plugin is declared, but SloSpec does not generate it', fix: 'remove the plugin declaration and add the alert with addJsonPatch, or generate with `cdk8s-resilience slo generate`' }] : [])),
  );
  if (problems.length) throw new SpecLoadError(problems);
  return loaded.map((l, i) => {
    const id = loaded.length === 1 ? idPrefix : `${idPrefix}-${i + 1}`;
    const k8s = l.kubernetes;
    return Spec.fromSloth(scope, id, l.spec, {
      ...(l.periodMs !== undefined ? { period: Duration.millis(l.periodMs) } : {}),
      ...(k8s ? { name: k8s.name, ...(k8s.namespace ? { namespace: k8s.namespace } : {}) } : {}),
      generationInfo: { spec: l.format, ...(rest.generationInfo ?? {}) },
      ...rest,
    });
  });
}

/**
 * Loads a Sloth (`prometheus/v1`, `PrometheusServiceLevel`) or OpenSLO spec file into the
 * app as one `SloSpec` per YAML document (ids `idPrefix`, or `idPrefix-1`, `idPrefix-2`, …
 * when the file holds several). A `PrometheusServiceLevel`'s name and namespace become the
 * PrometheusRule's; an OpenSLO time window becomes the period. Throws a
 * {@link SpecLoadError} naming file, line and field when the file cannot be read.
 */
export function sloSpecsFromFile(scope: Construct, idPrefix: string, file: string, props: SloSpecsFromFileProps = {}): SloSpec[] {
  return specsToConstructs(scope, idPrefix, loadSpecFile(file), props);
}

/**
 * Loads every spec file of a directory (recursively; `.yaml`/`.yml`) as `SloSpec`s, with
 * ids `idPrefix-<relative path>[-<document>]`.
 */
export function sloSpecsFromDirectory(scope: Construct, idPrefix: string, dir: string, props: SloSpecsFromFileProps = {}): SloSpec[] {
  let files: string[];
  try {
    files = discoverSpecFiles(dir, props.discovery);
  } catch (e) {
    throw new SpecLoadError([{ file: dir, field: '', problem: `cannot read the directory (${ioReason(e)})`, fix: 'check the path' }]);
  }
  const problems: SpecProblem[] = [];
  const loaded: Array<[string, LoadedSpec[]]> = [];
  for (const f of files) {
    try {
      loaded.push([f, loadSpecFile(f)]);
    } catch (e) {
      if (e instanceof SpecLoadError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new SpecLoadError(problems);
  return loaded.flatMap(([f, specs]) => specsToConstructs(scope, `${idPrefix}-${idPart(path.relative(dir, f).replace(/\.ya?ml$/i, ''))}`, specs, props));
}
