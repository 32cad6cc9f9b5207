/**
 * OpenSLO `openslo/v1alpha` `SLO` documents, read the way Sloth v0.16 reads them: each
 * objective with `ratioMetrics` (good and total PromQL queries) becomes one SLO named
 * `<metadata.name>-<index>`, with the error ratio `1 - (good / total)`, no alerts, and the
 * period from `timeWindows` (days only) or the default period.
 *
 * Units: OpenSLO's `target` is a fraction (0.999), Sloth's `objective` a percentage (99.9).
 * A target above 1 only makes sense as a percentage, so it is rejected with a fix rather
 * than multiplied into an objective of 9990.
 */
import { Problem } from '../common/errors';
import { SlothServiceSpec, SlothSloSpec } from './sloth-spec';

/** The OpenSLO API version Sloth reads. */
export const OPENSLO_V1ALPHA = 'openslo/v1alpha';

/** A metric source of an OpenSLO ratio SLI. */
export interface OpenSloMetricSource {
  readonly source?: string;
  readonly queryType?: string;
  readonly query?: string;
}

/** One objective of an OpenSLO `SLO`. */
export interface OpenSloObjective {
  readonly displayName?: string;
  /** The objective as a fraction of good events, e.g. 0.999. */
  readonly target?: number;
  readonly value?: number;
  readonly ratioMetrics?: {
    readonly good?: OpenSloMetricSource;
    readonly total?: OpenSloMetricSource;
    readonly incremental?: boolean;
  };
}

/** An OpenSLO `openslo/v1alpha` `SLO` document (the fields Sloth reads). */
export interface OpenSloDocument {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly displayName?: string };
  readonly spec?: {
    readonly service?: string;
    readonly description?: string;
    readonly budgetingMethod?: string;
    readonly timeWindows?: ReadonlyArray<{ readonly count?: number; readonly unit?: string; readonly isRolling?: boolean }>;
    readonly objectives?: readonly OpenSloObjective[];
  };
}

/** An OpenSLO document mapped to a Sloth service spec, with its own period when it has one. */
export interface OpenSloMapping {
  /** The SLOs as a Sloth service spec (alerts disabled, raw error-ratio SLIs, objectives in percent). */
  readonly spec: SlothServiceSpec;
  /** The SLO period from `timeWindows`, in ms; undefined when the document has none. */
  readonly periodMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The error-ratio query Sloth builds from a good and a total query (same text, so the
 * generated rules are identical to Sloth's).
 */
export function openSloErrorRatioQuery(good: string, total: string): string {
  return `\n  1 - (\n    (\n      ${good}\n    )\n    /\n    (\n      ${total}\n    )\n  )\n`;
}

function sourceProblems(field: string, m: OpenSloMetricSource | undefined): Problem[] {
  if (!m || typeof m !== 'object')
    return [{ field, problem: 'the ratio metric is missing', fix: 'give source: prometheus, queryType: promql and a query' }];
  const out: Problem[] = [];
  if (m.source !== 'prometheus' && m.source !== 'sloth')
    out.push({ field: `${field}.source`, problem: `source "${m.source ?? ''}" is not supported`, fix: 'use source: prometheus' });
  if (m.queryType !== 'promql')
    out.push({ field: `${field}.queryType`, problem: `query type "${m.queryType ?? ''}" is not supported`, fix: 'use queryType: promql' });
  if (typeof m.query !== 'string' || m.query.trim() === '')
    out.push({ field: `${field}.query`, problem: 'the query is required', fix: 'give a PromQL query with {{.window}} as the range' });
  return out;
}

/**
 * Checks an objective's `target` as a fraction; returns the problem or undefined.
 * A value in (1, 100] is the classic mix-up with Sloth's percentage `objective`.
 */
export function openSloTargetProblem(target: unknown): Problem | undefined {
  const field = 'target';
  if (typeof target !== 'number' || !Number.isFinite(target)) {
    return {
      field,
      problem: `the target ${target === undefined ? 'is missing' : `"${String(target)}" is not a number`}`,
      fix: 'give the target as a fraction of good events, e.g. 0.999 for 99.9%',
    };
  }
  if (target > 1 && target <= 100) {
    return {
      field,
      problem: `${target} looks like a percentage, but an OpenSLO target is a fraction in (0, 1]`,
      fix: `write ${Number((target / 100).toPrecision(12))} (the fraction), or use a Sloth spec, whose objective is in percent`,
    };
  }
  if (!(target > 0 && target <= 1)) {
    return { field, problem: `${target} is outside (0, 1]`, fix: 'give the target as a fraction of good events, e.g. 0.999 for 99.9%' };
  }
  return undefined;
}

/**
 * Maps an OpenSLO document to a Sloth service spec. Returns the problems instead when the
 * document cannot be read (fields relative to the document, e.g.
 * `spec.objectives[0].target`); SLO-level rules (names, queries) are checked afterwards
 * on the models, like for any other spec.
 */
export function openSloToSlothSpec(doc: OpenSloDocument): { mapping?: OpenSloMapping; problems: Problem[] } {
  const problems: Problem[] = [];
  if (doc.apiVersion !== OPENSLO_V1ALPHA)
    problems.push({
      field: 'apiVersion',
      problem: `"${doc.apiVersion ?? ''}" is not a supported OpenSLO version`,
      fix: `use apiVersion: ${OPENSLO_V1ALPHA}`,
    });
  if (doc.kind !== 'SLO') problems.push({ field: 'kind', problem: `kind "${doc.kind ?? ''}" is not supported`, fix: 'use kind: SLO' });
  const spec = doc.spec ?? {};
  const objectives = Array.isArray(spec.objectives) ? spec.objectives : [];
  if (objectives.length === 0)
    problems.push({
      field: 'spec.objectives',
      problem: 'the SLO has no objectives',
      fix: 'add at least one objective with ratioMetrics and a target',
    });
  let periodMs: number | undefined;
  const tw = Array.isArray(spec.timeWindows) ? spec.timeWindows : [];
  if (tw.length > 1)
    problems.push({
      field: 'spec.timeWindows',
      problem: `${tw.length} time windows are given, only one is supported`,
      fix: 'keep a single time window',
    });
  else if (tw.length === 1) {
    const w = tw[0] ?? {};
    if (String(w.unit ?? '').toLowerCase() !== 'day')
      problems.push({
        field: 'spec.timeWindows[0].unit',
        problem: `unit "${w.unit ?? ''}" is not supported, only days`,
        fix: 'express the window in days, e.g. count: 30, unit: Day',
      });
    else if (!(typeof w.count === 'number' && Number.isInteger(w.count) && w.count > 0))
      problems.push({
        field: 'spec.timeWindows[0].count',
        problem: `count "${w.count ?? ''}" is not a positive whole number of days`,
        fix: 'use e.g. count: 30',
      });
    else periodMs = w.count * DAY_MS;
  }
  const name = doc.metadata?.name ?? '';
  const slos: SlothSloSpec[] = [];
  objectives.forEach((o, i) => {
    const at = `spec.objectives[${i}]`;
    const obj = o ?? {};
    const t = openSloTargetProblem(obj.target);
    if (t) problems.push({ ...t, field: `${at}.${t.field}` });
    const rm = obj.ratioMetrics;
    if (!rm || typeof rm !== 'object') {
      problems.push({
        field: `${at}.ratioMetrics`,
        problem: 'the objective has no ratioMetrics (only ratio SLIs can be converted)',
        fix: 'give ratioMetrics with a good and a total PromQL query',
      });
      return;
    }
    const sp = [...sourceProblems(`${at}.ratioMetrics.good`, rm.good), ...sourceProblems(`${at}.ratioMetrics.total`, rm.total)];
    problems.push(...sp);
    if (sp.length || t) return;
    slos.push({
      name: `${name}-${i}`,
      description: spec.description ?? '',
      // As Sloth does: fraction times 100 (so 0.999 becomes the same float Sloth prints).
      objective: (obj.target as number) * 100,
      sli: { raw: { errorRatioQuery: openSloErrorRatioQuery(rm.good!.query!, rm.total!.query!) } },
      alerting: { pageAlert: { disable: true }, ticketAlert: { disable: true } },
    });
  });
  if (problems.length) return { problems };
  return { mapping: { spec: { service: String(spec.service ?? ''), slos }, periodMs }, problems };
}
