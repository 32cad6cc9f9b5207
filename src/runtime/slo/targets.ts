/**
 * The SLOs a runtime command reads from Prometheus, from what a user has at hand: a Sloth
 * or OpenSLO spec file (`--slo FILE`), a synthesized rules file, `PrometheusRule` or rules
 * `ConfigMap` (`--slo FILE`), or a synthesized `dist/` directory (`--slo-from DIR`).
 *
 * Whatever the source, each SLO becomes one {@link SloTarget}: the `sloth_id` its series
 * carry, its objective, period and windows, and the names of its page and ticket alerts.
 * Plain data in, plain data out; never imports cdk8s.
 */
import { InputFileError, parseYamlDocuments, walkInputDirectory } from '../../common/input-files';
import { alertWindowsCatalog } from '../../slo/alert-window-files';
import { detectSpecFormat, loadSpecDocument, specModels } from '../../slo/spec-documents';
import { readSpecFile, SpecDocument, SpecLoadError, SpecProblem } from '../../slo/spec-files';
import { AlertWindowsModel, SloModel } from '../../slo/model';
import { SloMetrics } from '../../slo/rules';
import { alertGroupWindows, mwmbAlerts } from '../../slo/windows';
import { promDurationMs } from '../../common/duration';

/** One SLO as the runtime reads it from Prometheus. */
export interface SloTarget {
  /** The `sloth_id` label of its series (`<service>-<name>`). */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Objective in percent, e.g. 99.9. */
  readonly objective: number;
  /** The SLO period in milliseconds. */
  readonly periodMs: number;
  /** The SLI recording windows in milliseconds, shortest first (the period last). @default - unknown: read whatever windows Prometheus has */
  readonly windowsMs?: readonly number[];
  /** The page alert's name. @default - no page alert */
  readonly pageAlert?: string;
  /** The ticket alert's name. @default - no ticket alert */
  readonly ticketAlert?: string;
  /** For a latency SLI over a histogram: the bucket boundary in seconds requests must stay under. @default - not a latency SLI */
  readonly latencyThresholdSeconds?: number;
  /** Where it was declared: `file:line`. */
  readonly source: string;
}

/** Which SLOs to keep (`--service`, `--slo NAME`). */
export interface SloSelection {
  /** Only SLOs of these services. @default - all services */
  readonly services?: readonly string[];
  /** Only SLOs with these names (or `sloth_id`s). @default - all SLOs */
  readonly slos?: readonly string[];
}

/** Options for reading SLO targets. */
export interface LoadSloTargetsOptions {
  /** SLO period for spec files that do not set one. @default 30 days */
  readonly defaultPeriodMs?: number;
  /** Custom alert windows (from `--slo-period-windows-path`), replacing the built-in 30d/28d ones. @default - built-in */
  readonly alertWindows?: readonly AlertWindowsModel[];
  /** The flag that named the file or directory (`--slo`, `--slo-from`), for messages. @default - none */
  readonly flag?: string;
}

const DAY = 86400000;

/** The latency threshold of an SLI expression over a histogram (`..._bucket{...le="0.5"...}`), in seconds. */
export function latencyThresholdOf(expr: string): number | undefined {
  const m = /_bucket\s*\{[^}]*\ble\s*=\s*"([^"]+)"/.exec(expr);
  if (!m) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** The targets of SLO models (from a spec file or a `SloSpec`), with the windows of their periods. */
export function targetsFromModels(models: readonly SloModel[], source: string, options: LoadSloTargetsOptions = {}): SloTarget[] {
  const catalog = alertWindowsCatalog(options.alertWindows);
  return models.map((m) => {
    const windows = catalog.get(m.periodMs);
    const latency = m.sli.events
      ? latencyThresholdOf(m.sli.events.errorQuery)
      : m.sli.raw
        ? latencyThresholdOf(m.sli.raw.errorRatioQuery)
        : undefined;
    return {
      id: m.id,
      service: m.service,
      name: m.name,
      objective: m.objective,
      periodMs: m.periodMs,
      ...(windows ? { windowsMs: [...alertGroupWindows(mwmbAlerts(m.objective, windows)), m.periodMs] } : {}),
      ...(m.pageAlert.disable ? {} : { pageAlert: m.pageAlert.name }),
      ...(m.ticketAlert.disable ? {} : { ticketAlert: m.ticketAlert.name }),
      ...(latency !== undefined ? { latencyThresholdSeconds: latency } : {}),
      source,
    };
  });
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

interface RuleLike {
  /** @default - an alerting rule */
  readonly record?: string;
  /** @default - a recording rule */
  readonly alert?: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
}

/** The rule groups a YAML document holds: a rules file, a PrometheusRule, or a ConfigMap of rules files. */
function ruleListsOf(data: unknown, file: string): RuleLike[][] {
  if (!isObj(data)) return [];
  const fromGroups = (groups: unknown): RuleLike[][] =>
    (Array.isArray(groups) ? groups : []).filter(isObj).map((g) =>
      (Array.isArray(g.rules) ? g.rules : []).filter(isObj).map((r) => ({
        record: typeof r.record === 'string' ? r.record : undefined,
        alert: typeof r.alert === 'string' ? r.alert : undefined,
        expr: String(r.expr ?? ''),
        labels: isObj(r.labels) ? Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, String(v)])) : {},
      })),
    );
  if (Array.isArray(data.groups)) return fromGroups(data.groups);
  if (data.kind === 'PrometheusRule' && isObj(data.spec)) return fromGroups(data.spec.groups);
  if (data.kind === 'ConfigMap' && isObj(data.data)) {
    const out: RuleLike[][] = [];
    for (const [key, text] of Object.entries(data.data)) {
      if (typeof text !== 'string' || !/\.ya?ml$|rules/i.test(key)) continue;
      let parsed: unknown[];
      try {
        parsed = parseYamlDocuments(text, { file, field: `data.${key}` }).map((d) => d.data);
      } catch (e) {
        if (!(e instanceof InputFileError)) throw e;
        // The line is within the embedded text, not the file: keep the field, drop the line.
        const { line: _line, ...p } = e.problem;
        throw new SpecLoadError([{ ...p, problem: `the embedded rules file: ${p.problem}`, fix: `${p.fix} (in the ConfigMap's data.${key})` }]);
      }
      for (const d of parsed) out.push(...ruleListsOf(d, file));
    }
    return out;
  }
  return [];
}

/**
 * The rules per SLO id they name: the `sloth_id` label, and every `sloth_id="..."` matcher
 * in the expression; each rule once per id, in rule order. Linear in the rules' size.
 */
export function rulesBySloId<R extends { readonly expr: string; readonly labels: Record<string, string> }>(rules: readonly R[]): Map<string, R[]> {
  const L = SloMetrics.labels;
  const matcher = new RegExp(`\\b${L.id}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');
  const out = new Map<string, R[]>();
  for (const r of rules) {
    const ids = new Set<string>();
    if (r.labels[L.id]) ids.add(r.labels[L.id]);
    for (const m of r.expr.matchAll(matcher)) ids.add(m[1]);
    for (const id of ids) {
      const list = out.get(id);
      if (list) list.push(r);
      else out.set(id, [r]);
    }
  }
  return out;
}

/** The SLOs described by Sloth-style rules (the `sloth_slo_info` recording and its siblings). */
function targetsFromRules(rules: readonly RuleLike[], file: string, source: string): { targets: SloTarget[]; problems: SpecProblem[] } {
  const L = SloMetrics.labels;
  const problems: SpecProblem[] = [];
  const targets: SloTarget[] = [];
  // One pass over the rules: each rule is filed under the SLO ids it names (a label, or a
  // `sloth_id="..."` matcher in its expression), so that each SLO then reads only its own.
  const byId = rulesBySloId(rules);
  for (const info of rules.filter((r) => r.record === SloMetrics.info)) {
    const id = info.labels[L.id];
    if (!id) continue;
    const objective = Number(info.labels[L.objective]);
    const mine = byId.get(id) ?? [];
    const days = mine.find((r) => r.record === SloMetrics.timePeriodDays);
    const periodDays = days ? Number(/vector\(\s*([0-9.eE+-]+)\s*\)/.exec(days.expr)?.[1]) : NaN;
    if (!Number.isFinite(objective) || !(objective > 0)) {
      problems.push({
        file,
        field: `${SloMetrics.info}{${L.id}="${id}"}`,
        problem: `the ${L.objective} label is missing or not a number`,
        fix: 'regenerate the rules with `cdk8s-resilience slo generate` or cdk8s synth',
      });
      continue;
    }
    if (!Number.isFinite(periodDays) || !(periodDays > 0)) {
      problems.push({
        file,
        field: `${SloMetrics.timePeriodDays}{${L.id}="${id}"}`,
        problem: 'the SLO period recording is missing',
        fix: 'include the metadata recording rules (do not generate with --disable-recordings)',
      });
      continue;
    }
    const windows = [
      ...new Set(
        mine
          .filter((r) => r.record?.startsWith(SloMetrics.sliErrorPrefix))
          .map((r) => promDurationMs(r.labels[L.window] ?? r.record!.slice(SloMetrics.sliErrorPrefix.length)))
          .filter((w): w is number => w !== undefined && w > 0),
      ),
    ].sort((a, b) => a - b);
    const alertNamed = (sev: string) => mine.find((r) => r.alert && r.labels[L.severity] === sev)?.alert;
    const sliExprs = mine.filter((r) => r.record?.startsWith(SloMetrics.sliErrorPrefix)).map((r) => r.expr);
    const latency = sliExprs.map(latencyThresholdOf).find((x) => x !== undefined);
    const page = alertNamed('page');
    const ticket = alertNamed('ticket');
    targets.push({
      id,
      service: info.labels[L.service] ?? '',
      name: info.labels[L.slo] ?? id,
      objective,
      periodMs: Math.round(periodDays * DAY),
      ...(windows.length ? { windowsMs: windows } : {}),
      ...(page ? { pageAlert: page } : {}),
      ...(ticket ? { ticketAlert: ticket } : {}),
      ...(latency !== undefined ? { latencyThresholdSeconds: latency } : {}),
      source,
    });
  }
  return { targets, problems };
}

/** The SLO targets of one parsed YAML document (a spec, or rules); `undefined` when it holds neither. */
function targetsOfDocument(doc: SpecDocument, options: LoadSloTargetsOptions): SloTarget[] | undefined {
  const source = `${doc.file}:${doc.line}`;
  if (detectSpecFormat(doc.data)) {
    const spec = loadSpecDocument(doc);
    return targetsFromModels(specModels(spec, { defaultPeriodMs: options.defaultPeriodMs ?? 30 * DAY }), source, options);
  }
  const lists = ruleListsOf(doc.data, doc.file);
  if (lists.length === 0) return undefined;
  const { targets, problems } = targetsFromRules(lists.flat(), doc.file, source);
  if (problems.length) throw new SpecLoadError(problems.map((p) => ({ ...p, line: doc.line, document: doc.index })));
  return targets;
}

function mergeTargets(all: SloTarget[]): SloTarget[] {
  const byId = new Map<string, SloTarget>();
  const problems: SpecProblem[] = [];
  for (const t of all) {
    const prev = byId.get(t.id);
    if (!prev) byId.set(t.id, t);
    else if (prev.objective !== t.objective || prev.periodMs !== t.periodMs) {
      problems.push({
        file: t.source,
        field: t.id,
        problem: `SLO ${t.id} is also declared at ${prev.source} with another objective or period (${prev.objective}% vs ${t.objective}%)`,
        fix: 'keep one declaration of each SLO, or point at one file',
      });
    }
  }
  if (problems.length) throw new SpecLoadError(problems);
  return [...byId.values()];
}

/**
 * The SLO targets of a file: a Sloth/OpenSLO spec, a rules file, a `PrometheusRule` or a
 * rules `ConfigMap` (several YAML documents allowed). Throws a {@link SpecLoadError} naming
 * file, line and problem when it holds no SLO or cannot be read.
 */
export function loadSloTargetsFromFile(file: string, options: LoadSloTargetsOptions = {}): SloTarget[] {
  const docs = readSpecFile(file, { flag: options.flag });
  const out: SloTarget[] = [];
  let recognised = 0;
  for (const d of docs) {
    const t = targetsOfDocument(d, options);
    if (t === undefined) continue;
    recognised++;
    out.push(...t);
  }
  if (recognised === 0 || out.length === 0) {
    throw new SpecLoadError([
      {
        file,
        field: '',
        problem:
          recognised === 0
            ? 'the file is neither an SLO spec (Sloth, OpenSLO) nor Prometheus rules'
            : 'the rules in the file describe no SLO (no sloth_slo_info recording)',
        fix: 'give a Sloth/OpenSLO spec, or rules generated by SloSpec or `cdk8s-resilience slo generate`',
      },
    ]);
  }
  return mergeTargets(out);
}

/**
 * The SLO targets of a synthesized output directory (`dist/`): every `.yaml`/`.yml` file
 * under it, keeping the documents that are SLO specs or SLO rules and ignoring the rest.
 */
export function loadSloTargetsFromDirectory(dir: string, options: LoadSloTargetsOptions = {}): SloTarget[] {
  let files: string[];
  try {
    const walked = walkInputDirectory(dir, { flag: options.flag ?? '', accept: (p) => /\.ya?ml$/i.test(p) });
    if (walked.problems.length) throw new SpecLoadError(walked.problems);
    files = walked.files;
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    throw new SpecLoadError([
      {
        ...e.problem,
        problem: `cannot read the directory (${e.problem.problem})`,
        fix: 'give the synthesized output directory, e.g. dist/ (run npm run synth first)',
      },
    ]);
  }
  const out: SloTarget[] = [];
  for (const f of files) {
    for (const d of readSpecFile(f, { flag: options.flag })) out.push(...(targetsOfDocument(d, options) ?? []));
  }
  if (out.length === 0) {
    throw new SpecLoadError([
      {
        file: dir,
        field: '',
        problem: `no SLO rules or specs in the ${files.length} YAML file${files.length === 1 ? '' : 's'} under it`,
        fix: 'synthesize an app with SloSpec (npm run synth), or give --slo FILE',
      },
    ]);
  }
  return mergeTargets(out);
}

/** Keeps the selected SLOs; throws (as a usage problem) when a name given selects nothing. */
export function selectSloTargets(all: readonly SloTarget[], sel: SloSelection): SloTarget[] {
  const services = sel.services?.filter(Boolean) ?? [];
  const names = sel.slos?.filter(Boolean) ?? [];
  for (const s of services) {
    if (!all.some((t) => t.service === s)) {
      throw new SloSelectionError(`--service "${s}" matches no SLO (services: ${[...new Set(all.map((t) => t.service))].join(', ') || 'none'})`);
    }
  }
  const byService = services.length ? all.filter((t) => services.includes(t.service)) : [...all];
  for (const n of names) {
    if (!byService.some((t) => t.name === n || t.id === n)) {
      throw new SloSelectionError(
        `--slo-name "${n}" matches no SLO${services.length ? ` of ${services.join(', ')}` : ''} (SLOs: ${byService.map((t) => t.id).join(', ') || 'none'})`,
      );
    }
  }
  return names.length ? byService.filter((t) => names.includes(t.name) || names.includes(t.id)) : byService;
}

/** A selection that matches nothing: a usage problem (exit code 2). */
export class SloSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SloSelectionError';
  }
}
