/**
 * SLO validation: Sloth's rules (what `sloth validate` accepts) plus, in strict mode, the
 * guards a generated rule set needs to be useful (a PromQL parse of every rendered query,
 * objectives below 100, windows that can fire at the scrape interval, legacy label names
 * that every Prometheus version accepts).
 */
import { Problem } from '../common/errors';
import { AlertMetaModel, AlertWindowsModel, SloModel } from './model';
import { goFloat } from './format';
import { syntaxProblemAt } from './promql';
import { analysePromql, nearText, windowPlacementProblems } from '../common/promql';
import { hasWindowVar, renderWindowTracked, unsupportedTemplateActions } from './template';
import { formatPromDuration } from '../common/duration';

const NAME_RE = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
const LEGACY_LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The lowest objective the typed constructs accept, in percent. An objective is a percent:
 * below 50 it is almost always a ratio written by mistake (0.999 for 99.9 %), which gives
 * a budget so large that no alert can ever fire. Sloth accepts any value in (0, 100], so
 * its files get a warning instead ({@link objectiveWarnings}).
 */
export const MIN_OBJECTIVE = 50;

/** The objective floor problem: `objective` below {@link MIN_OBJECTIVE}, with the likely meant value. */
export function objectiveFloorProblem(field: string, objective: number): Problem {
  const meant = objective > 0 && objective < 1 ? goFloat(Number((objective * 100).toPrecision(12))) : undefined;
  return {
    field,
    problem: `${objective} % is below ${MIN_OBJECTIVE} %: an objective is a percent, not a ratio${meant ? ` (did you mean ${meant}?)` : ''}`,
    fix: meant ? `write ${meant} for ${meant} %` : 'give the objective as a percent, e.g. 99.9',
  };
}

/**
 * Warnings for SLOs that Sloth accepts but that are almost surely mistakes: an objective
 * below {@link MIN_OBJECTIVE} (written as a ratio). Fields as in {@link sloProblems}.
 */
export function objectiveWarnings(slo: SloModel): Problem[] {
  return Number.isFinite(slo.objective) && slo.objective > 0 && slo.objective < MIN_OBJECTIVE
    ? [objectiveFloorProblem('objective', slo.objective)]
    : [];
}

/** How strictly to validate. */
export interface SloValidationOptions {
  /** Add the strict checks beyond Sloth's. @default false */
  readonly strict?: boolean;
  /** Scrape interval in ms for the shortest-window check (strict only). @default 30s */
  readonly scrapeIntervalMs?: number;
}

function labelProblems(where: string, labels: Readonly<Record<string, string>>, strict: boolean, fixField: string): Problem[] {
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === '__name__')
      out.push({ field: `${where}.${k}`, problem: 'the label name "__name__" is not allowed', fix: `remove it from ${fixField}` });
    else if (k === '' || (strict ? !LEGACY_LABEL_RE.test(k) || k.startsWith('__') : false))
      out.push({
        field: `${where}.${k}`,
        problem: `"${k}" is not a valid Prometheus label name (letters, digits and '_', not starting with a digit or '__')`,
        fix: `rename it in ${fixField}, e.g. "${k.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'label'}"`,
      });
    if (v === '') out.push({ field: `${where}.${k}`, problem: 'the label value is empty', fix: 'give it a value or remove the label' });
  }
  return out;
}

function queryProblems(field: string, query: string, strict: boolean): Problem[] {
  if (query === '') return [{ field, problem: 'the query is required', fix: 'give a PromQL query containing {{.window}}' }];
  const out: Problem[] = [];
  if (!hasWindowVar(query))
    out.push({
      field,
      problem: 'the query does not contain the {{.window}} variable',
      fix: 'use {{.window}} as the range of every range selector, e.g. rate(http_requests_total[{{.window}}])',
    });
  const bad = unsupportedTemplateActions(query);
  if (bad.length) {
    out.push({ field, problem: `the query uses template actions other than {{.window}}: ${bad.join(', ')}`, fix: 'use only {{.window}}' });
    return out;
  }
  // One parse per query: the grammar, what Prometheus' parser refuses beyond it (Sloth
  // validates queries with that parser), and where the window landed.
  const { text, windowAt } = renderWindowTracked(query, '5m');
  // A query whose result is a range vector parses (Sloth accepts it); the typed constructs refuse it.
  const analysis = text.trim() === '' ? undefined : analysePromql(text, { windowAt, result: strict ? 'vector-or-scalar' : 'any' });
  const syntax =
    analysis === undefined ? 'the query is empty' : analysis.syntaxErrorAt !== undefined ? syntaxProblemAt(text, analysis.syntaxErrorAt) : undefined;
  if (syntax && strict)
    out.push({
      field,
      problem: `the query does not parse: ${syntax}`,
      fix: 'correct the PromQL (try it in the Prometheus UI with a concrete window)',
    });
  else if (syntax) out.push({ field, problem: `the query does not parse: ${syntax}`, fix: 'correct the PromQL' });
  if (syntax || !analysis) return out;
  for (const issue of analysis.issues)
    out.push({ field, problem: `the query is not valid PromQL: ${issue.problem} (near "${nearText(text, issue.at)}")`, fix: issue.fix });
  if (strict && out.length === 0) out.push(...windowPlacementProblems(field, analysis.windowPlacement));
  return out;
}

function alertProblems(field: string, a: AlertMetaModel, strict: boolean): Problem[] {
  if (a.disable) return [];
  const out: Problem[] = [];
  if (a.name === '')
    out.push({
      field: `${field}.name`,
      problem: 'alerts are enabled but have no name',
      fix: 'set alerting.name, or disable both the page and the ticket alert',
    });
  else if (strict && !LEGACY_LABEL_RE.test(a.name))
    out.push({
      field: `${field}.name`,
      problem: `"${a.name}" is not a valid alert name (letters, digits and '_')`,
      fix: 'use a name like MyServiceHighErrorRate',
    });
  out.push(...labelProblems(`${field}.labels`, a.labels, strict, `${field}.labels`));
  for (const [k, v] of Object.entries(a.annotations)) {
    if (k === '' || (strict && !LEGACY_LABEL_RE.test(k)))
      out.push({ field: `${field}.annotations.${k}`, problem: `"${k}" is not a valid annotation name`, fix: 'use letters, digits and _' });
    if (v === '') out.push({ field: `${field}.annotations.${k}`, problem: 'the annotation value is empty', fix: 'give it a value or remove it' });
  }
  return out;
}

/**
 * Problems with one SLO (fields relative to the SLO). `windows` is undefined when the
 * catalog has none for the SLO's period.
 */
export function sloProblems(
  slo: SloModel,
  windows: AlertWindowsModel | undefined,
  availablePeriods: string[],
  options: SloValidationOptions = {},
): Problem[] {
  const strict = options.strict ?? false;
  const out: Problem[] = [];
  const nameFix = 'start and end with a letter or digit; use only letters, digits, ".", "_" and "-"';
  if (!NAME_RE.test(slo.name))
    out.push({ field: 'name', problem: slo.name === '' ? 'the SLO name is required' : `"${slo.name}" is not a valid SLO name`, fix: nameFix });
  if (!NAME_RE.test(slo.service))
    out.push({
      field: 'service',
      problem: slo.service === '' ? 'the service is required' : `"${slo.service}" is not a valid service name`,
      fix: nameFix,
    });
  if (!Number.isFinite(slo.objective)) {
    out.push({ field: 'objective', problem: `${slo.objective} is not a finite number`, fix: 'give the objective as a percentage, e.g. 99.9' });
  } else if (!(slo.objective > 0 && slo.objective <= 100)) {
    out.push({ field: 'objective', problem: `${slo.objective} is outside (0, 100]`, fix: 'give the objective as a percentage, e.g. 99.9' });
  } else if (strict && slo.objective < MIN_OBJECTIVE) {
    out.push(objectiveFloorProblem('objective', slo.objective));
  } else if (strict && slo.objective === 100) {
    out.push({
      field: 'objective',
      problem: '100 leaves no error budget, so burn rates divide by zero and no alert can work',
      fix: 'use an objective below 100, e.g. 99.99',
    });
  }
  if (!(slo.periodMs > 0)) out.push({ field: 'period', problem: 'the SLO period is required', fix: 'use e.g. 30d' });
  else if (!windows)
    out.push({
      field: 'period',
      problem: `no alert windows for a ${formatPromDuration(slo.periodMs)} period (available: ${availablePeriods.join(', ')})`,
      fix: 'use one of those periods or give alert windows for this period',
    });
  out.push(...labelProblems('labels', slo.labels, strict, 'labels'));
  const { events, raw } = slo.sli;
  if (!events && !raw)
    out.push({ field: 'sli', problem: 'no SLI is given', fix: 'give sli.events {errorQuery, totalQuery} or sli.raw {errorRatioQuery}' });
  else if (events && raw) out.push({ field: 'sli', problem: 'both an events and a raw SLI are given', fix: 'keep only one of them' });
  else if (events) {
    if (events.errorQuery === events.totalQuery)
      out.push({ field: 'sli.events', problem: 'the error and total queries are the same', fix: 'the error query must count only the bad events' });
    out.push(...queryProblems('sli.events.errorQuery', events.errorQuery, strict));
    out.push(...queryProblems('sli.events.totalQuery', events.totalQuery, strict));
  } else if (raw) {
    out.push(...queryProblems('sli.raw.errorRatioQuery', raw.errorRatioQuery, strict));
  }
  out.push(...alertProblems('alerting.pageAlert', slo.pageAlert, strict));
  out.push(...alertProblems('alerting.ticketAlert', slo.ticketAlert, strict));
  if (strict && windows) {
    const scrape = options.scrapeIntervalMs ?? 30000;
    const all = [windows.pageQuick, windows.pageSlow, windows.ticketQuick, windows.ticketSlow];
    const shortest = Math.min(...all.map((w) => w.shortWindowMs));
    if (shortest < 4 * scrape) {
      out.push({
        field: 'alertWindows',
        problem: `the shortest alert window (${formatPromDuration(shortest)}) is under 4 scrape intervals (${formatPromDuration(4 * scrape)}), so rate() over it has too few samples and the alert can never fire reliably`,
        fix: 'lengthen the short windows or lower scrapeInterval',
      });
    }
  }
  return out;
}
