/**
 * Checks of what reaches PromQL and Prometheus rule files, shared by every construct that
 * writes Prometheus rules: metric and label names against Prometheus' grammar, label
 * matchers, a type check of parsed queries (beyond the grammar), RE2 regexes, the
 * `{{.window}}` variable's position, finite numbers, and the Go template delimiters of
 * rule annotations and labels. Each check returns `Problem[]` (empty when the value is
 * fine); the caller adds the construct path.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { RE2JS } from 're2js';
import { BoundedCache } from './cache';
import type { Problem } from './errors';
import { promLabelNameProblem, promMetricNameProblem } from './names';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** The labels Sloth's rules join and group on: a user label of these names overrides the generated one and breaks the alerts. */
export const SLOTH_JOIN_LABELS: readonly string[] = ['sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window'];

/** Problems with a metric name that is written into PromQL unquoted (`metric{...}`). */
export function metricNameProblems(field: string, name: string, example = 'http_requests_total'): Problem[] {
  const problem = typeof name === 'string' ? promMetricNameProblem(name) : 'the metric name is not a string';
  return problem ? [{ field, problem, fix: `use a metric name of letters, digits, '_' and ':' only, e.g. "${example}"` }] : [];
}

/** Problems with a label name that is written into PromQL unquoted (a matcher key, `by (...)`). */
export function labelNameProblems(field: string, name: string, example = 'code'): Problem[] {
  const problem = typeof name === 'string' ? promLabelNameProblem(name) : 'the label name is not a string';
  return problem
    ? [{ field, problem, fix: `use a label name of letters, digits and '_', not starting with a digit or '__', e.g. "${example}"` }]
    : [];
}

/** A label matcher of the SLI helpers (the same shape as `LabelMatch` in the SLO pillar). */
export type PromLabelMatch = string | { readonly regex: string } | { readonly notRegex: string } | { readonly not: string };

/** Problems with matchers that become `{key="value",...}`: every key a label name, every value a string, every regex valid RE2. */
export function matcherProblems(field: string, matchers: Readonly<Record<string, PromLabelMatch>> | undefined): Problem[] {
  const out: Problem[] = [];
  for (const [k, m] of Object.entries(matchers ?? {})) {
    const at = `${field}.${k}`;
    out.push(...labelNameProblems(at, k, 'job'));
    if (typeof m === 'string') continue;
    if (m === null || typeof m !== 'object') {
      out.push({
        field: at,
        problem: `the matcher of "${k}" is not a string or { regex | notRegex | not }`,
        fix: 'give a value such as "api", or { regex: "5.." }',
      });
      continue;
    }
    const value = 'regex' in m ? m.regex : 'notRegex' in m ? m.notRegex : 'not' in m ? m.not : undefined;
    if (typeof value !== 'string') {
      out.push({
        field: at,
        problem: `the matcher of "${k}" has no string value`,
        fix: 'give { regex: "..." }, { notRegex: "..." } or { not: "..." } with a string',
      });
      continue;
    }
    if ('regex' in m || 'notRegex' in m) out.push(...regexProblems(at, value));
  }
  return out;
}

const regexCache = new BoundedCache<string, { readonly problem: string | undefined; readonly matchesEmpty: boolean }>(2048);

function compiled(regex: string): { readonly problem: string | undefined; readonly matchesEmpty: boolean } {
  return regexCache.getOrCompute(regex, () => {
    try {
      RE2JS.compile(regex);
      // Prometheus anchors matcher regexes: `=~".*"` matches the empty value too.
      return { problem: undefined, matchesEmpty: RE2JS.compile(`^(?:${regex})$`).matches('') };
    } catch (e) {
      const text = e instanceof Error ? e.message : '';
      return { problem: text.replace(/^error parsing regexp: /, '') || 'it does not compile', matchesEmpty: false };
    }
  });
}

/** The problem with a regex as Prometheus compiles it (Go's RE2 syntax), or undefined. */
export function re2Problem(regex: string): string | undefined {
  return compiled(regex).problem;
}

/** Problems with a regex used in a `=~` or `!~` matcher. */
export function regexProblems(field: string, regex: string): Problem[] {
  const problem = re2Problem(regex);
  return problem
    ? [
        {
          field,
          problem: `"${regex}" is not a valid regular expression in Prometheus' RE2 syntax (${problem})`,
          fix: 'correct the regex (RE2 has no look-around or back-references), e.g. "5.." or "5[0-9]{2}"',
        },
      ]
    : [];
}

/** Problems with a number that is written into a rule: it must be finite (not NaN or ±Infinity). */
export function finiteProblems(field: string, value: number | undefined, example = '99.9'): Problem[] {
  if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return [];
  return [
    {
      field,
      problem: `${String(value)} is not a finite number, and would be written into the rules as such`,
      fix: `give a finite number, e.g. ${example}`,
    },
  ];
}

/**
 * The milliseconds of a cdk8s `Duration`, or NaN when it has none (cdk8s throws for an
 * amount that is not finite or not whole in milliseconds): the caller reports NaN with
 * {@link finiteDurationProblems} instead of letting cdk8s's own error through.
 */
export function millisOrNaN(d: { toMilliseconds(): number } | undefined): number | undefined {
  if (d === undefined) return undefined;
  try {
    return d.toMilliseconds();
  } catch {
    return NaN;
  }
}

/** Problems with a duration (in ms, from {@link millisOrNaN}) that is written into a rule or a dashboard: it must be a finite, whole number of milliseconds. */
export function finiteDurationProblems(field: string, ms: number | undefined, example = 'Duration.minutes(5)'): Problem[] {
  if (ms === undefined || Number.isFinite(ms)) return [];
  return [
    {
      field,
      problem: `the duration is not a finite, whole number of milliseconds (${Number.isNaN(ms) ? 'NaN, infinite or fractional' : String(ms)})`,
      fix: `give a finite duration, e.g. ${example}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------
// PromQL types

/** A PromQL value type, or 'unknown' where the check does not decide. */
type PromType = 'scalar' | 'vector' | 'matrix' | 'string' | 'unknown';

const TYPE_WORDS: Record<PromType, string> = {
  scalar: 'a scalar',
  vector: 'an instant vector',
  matrix: 'a range vector',
  string: 'a string',
  unknown: 'a value',
};

interface Signature {
  readonly args: readonly PromType[];
  /** Arguments that may be left out, from the end. @default 0 */
  readonly optional?: number;
  /** The last argument type repeats without bound. @default false */
  readonly variadic?: boolean;
  readonly returns: PromType;
}

const V: Signature = { args: ['vector'], returns: 'vector' };
const M: Signature = { args: ['matrix'], returns: 'vector' };
const DATE: Signature = { args: ['vector'], optional: 1, returns: 'vector' };

/** Prometheus' functions, by name: argument and result types (from the PromQL documentation). */
const FUNCTIONS: Readonly<Record<string, Signature>> = {
  ...Object.fromEntries(
    [
      'rate',
      'irate',
      'increase',
      'delta',
      'idelta',
      'deriv',
      'changes',
      'resets',
      'avg_over_time',
      'min_over_time',
      'max_over_time',
      'sum_over_time',
      'count_over_time',
      'stddev_over_time',
      'stdvar_over_time',
      'last_over_time',
      'first_over_time',
      'present_over_time',
      'absent_over_time',
      'mad_over_time',
      'ts_of_first_over_time',
      'ts_of_last_over_time',
      'ts_of_max_over_time',
      'ts_of_min_over_time',
    ].map((n) => [n, M]),
  ),
  ...Object.fromEntries(
    [
      'abs',
      'absent',
      'acos',
      'acosh',
      'asin',
      'asinh',
      'atan',
      'atanh',
      'ceil',
      'cos',
      'cosh',
      'deg',
      'exp',
      'floor',
      'ln',
      'log10',
      'log2',
      'rad',
      'sgn',
      'sin',
      'sinh',
      'sqrt',
      'tan',
      'tanh',
      'sort',
      'sort_desc',
      'timestamp',
      'histogram_count',
      'histogram_sum',
      'histogram_avg',
      'histogram_stddev',
      'histogram_stdvar',
    ].map((n) => [n, V]),
  ),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((n) => [n, DATE])),
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  double_exponential_smoothing: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  holt_winters: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  histogram_fraction: { args: ['scalar', 'scalar', 'vector'], returns: 'vector' },
  label_replace: { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector' },
  label_join: { args: ['vector', 'string', 'string', 'string'], optional: 1, variadic: true, returns: 'vector' },
  sort_by_label: { args: ['vector', 'string'], optional: 1, variadic: true, returns: 'vector' },
  sort_by_label_desc: { args: ['vector', 'string'], optional: 1, variadic: true, returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
  pi: { args: [], returns: 'scalar' },
  info: { args: ['vector', 'vector'], optional: 1, returns: 'vector' },
};

/** Aggregation operators: the parameter before the vector, if any. */
const AGGREGATIONS: Readonly<Record<string, PromType | undefined>> = {
  sum: undefined,
  avg: undefined,
  min: undefined,
  max: undefined,
  count: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: 'scalar',
  bottomk: 'scalar',
  limitk: 'scalar',
  limit_ratio: 'scalar',
  quantile: 'scalar',
  count_values: 'string',
};

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

/** A PromQL duration (`5m`, `1h30m`, `1.5`) in ms; undefined when not a plain literal. */
function durationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31536000000 };
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * units[m[2]];
    at = re.lastIndex;
  }
  return at === t.length && at > 0 ? total : undefined;
}

/** The value of a PromQL string literal ("..." or '...' with Go escapes, or `raw`); undefined when it cannot be read. */
function unquote(literal: string): string | undefined {
  if (literal.length < 2) return undefined;
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (n in simple) out += simple[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (/[0-7]/.test(n ?? '') && /^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else return undefined;
  }
  return out;
}

interface TypeIssue {
  readonly at: number;
  readonly problem: string;
  readonly fix: string;
}

const RANGE_FIX =
  'put the range on a metric selector, e.g. rate(http_requests_total[5m]); over an expression, use a subquery such as max_over_time((a / b)[1h:1m])';

class TypeChecker {
  public readonly issues: TypeIssue[] = [];

  constructor(private readonly text: string) {}

  private add(node: SyntaxNode, problem: string, fix: string): void {
    this.issues.push({ at: node.from, problem, fix });
  }

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  private checkRange(node: SyntaxNode, what: string): void {
    const ms = durationMs(this.src(node));
    if (ms === 0)
      this.add(node, `the ${what} ${this.src(node)} is zero, so it selects no samples`, 'use a range longer than the scrape interval, e.g. [5m]');
  }

  private checkMatchers(node: SyntaxNode): void {
    let nonEmpty = false;
    const sel = this.children(node);
    if (sel.some((c) => c.name === 'Identifier')) nonEmpty = true;
    const matchers = sel.find((c) => c.name === 'LabelMatchers');
    for (const m of matchers ? this.children(matchers) : []) {
      if (m.name === 'QuotedLabelName') {
        nonEmpty = true;
        continue;
      }
      const op = m.getChild('MatchOp')?.firstChild?.name;
      const lit = m.getChild('StringLiteral');
      const value = lit ? unquote(this.src(lit)) : undefined;
      if (value === undefined) continue;
      if (op === 'EqlRegex' || op === 'NeqRegex') {
        const problem = re2Problem(value);
        if (problem)
          this.add(
            lit!,
            `the regex "${value}" is not valid RE2, the syntax Prometheus uses (${problem})`,
            'correct the regex (RE2 has no look-around or back-references), e.g. "5.." or "5[0-9]{2}"',
          );
        // A matcher that does not match the empty value selects something on its own.
        else if (compiled(value).matchesEmpty === (op === 'NeqRegex')) nonEmpty = true;
      } else if ((op === 'EqlSingle' && value !== '') || (op === 'Neq' && value === '')) nonEmpty = true;
    }
    if (!nonEmpty)
      this.add(
        node,
        `the selector ${this.src(node)} has no matcher that excludes empty values, which Prometheus refuses`,
        'name the metric or add a matcher such as job="api"',
      );
  }

  public typeOf(node: SyntaxNode): PromType {
    switch (node.name) {
      case 'PromQL': {
        const c = node.firstChild;
        return c ? this.typeOf(c) : 'unknown';
      }
      case 'NumberDurationLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        this.checkMatchers(node);
        return 'vector';
      case 'MatrixSelector': {
        const [inner, range] = this.children(node);
        if (inner && inner.name !== 'VectorSelector') {
          this.typeOf(inner);
          this.add(
            node,
            `the range ${range ? this.src(range) : ''} follows ${this.src(inner)}, which is not a metric selector: Prometheus allows ranges only on selectors`,
            RANGE_FIX,
          );
        } else if (inner) this.typeOf(inner);
        if (range) this.checkRange(range, 'range');
        return 'matrix';
      }
      case 'SubqueryExpr': {
        const [inner, range, step] = this.children(node);
        const t = inner ? this.typeOf(inner) : 'unknown';
        if (t !== 'vector' && t !== 'unknown')
          this.add(
            node,
            `a subquery needs an instant vector inside, got ${TYPE_WORDS[t]} (${this.src(inner)})`,
            'write the subquery over an expression such as rate(x[5m])',
          );
        if (range) this.checkRange(range, 'subquery range');
        if (step) this.checkRange(step, 'subquery step');
        return 'matrix';
      }
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const c = node.firstChild;
        if (node.name === 'OffsetExpr') {
          const t = c ? this.typeOf(c) : 'unknown';
          if (t === 'scalar' || t === 'string')
            this.add(node, `offset applies to selectors, not to ${TYPE_WORDS[t]}`, 'put the offset right after a metric selector or its range');
          return t;
        }
        return c ? this.typeOf(c) : 'unknown';
      }
      case 'UnaryExpr': {
        const c = this.children(node).find((x) => x.name !== 'UnaryOp');
        const t = c ? this.typeOf(c) : 'unknown';
        if (t === 'matrix' || t === 'string')
          this.add(node, `a unary sign applies to scalars and instant vectors, not to ${TYPE_WORDS[t]}`, 'apply it to a scalar or an instant vector');
        return t;
      }
      case 'BinaryExpr':
        return this.binary(node);
      case 'FunctionCall':
        return this.call(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      default:
        for (const c of this.children(node)) this.typeOf(c);
        return 'unknown';
    }
  }

  private binary(node: SyntaxNode): PromType {
    const kids = this.children(node);
    const operands = kids.filter((c) => !['BoolModifier', 'MatchingModifierClause', 'FillModifier'].includes(c.name));
    const [lhs, op, rhs] = [operands[0], operands[1], operands[operands.length - 1]];
    const lt = lhs ? this.typeOf(lhs) : 'unknown';
    const rt = rhs && rhs !== lhs ? this.typeOf(rhs) : 'unknown';
    const opText = op ? this.src(op) : '';
    for (const [t, n] of [
      [lt, lhs],
      [rt, rhs],
    ] as const) {
      if (t === 'matrix' || t === 'string')
        this.add(
          n,
          `the operator "${opText}" needs scalars or instant vectors, but ${this.src(n)} is ${TYPE_WORDS[t]}`,
          t === 'matrix' ? 'wrap the range in a function such as rate(...) or sum_over_time(...)' : 'use a number or a query, not a string',
        );
    }
    const bool = kids.some((c) => c.name === 'BoolModifier');
    if (SET_OPS.has(opText.toLowerCase()) && (lt === 'scalar' || rt === 'scalar'))
      this.add(node, `the set operator "${opText}" needs instant vectors on both sides`, 'compare against vector(...) or use a comparison');
    else if (COMPARISONS.has(opText) && lt === 'scalar' && rt === 'scalar' && !bool)
      this.add(node, `a comparison between two scalars needs the bool modifier`, `write "${opText} bool"`);
    if (lt === 'unknown' || rt === 'unknown') return 'unknown';
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
  }

  private argsOf(node: SyntaxNode): SyntaxNode[] {
    const body = node.getChild('FunctionCallBody');
    return body ? this.children(body) : [];
  }

  private checkArgs(
    node: SyntaxNode,
    name: string,
    args: SyntaxNode[],
    expected: readonly PromType[],
    sig: Pick<Signature, 'optional' | 'variadic'>,
  ): void {
    const min = expected.length - (sig.optional ?? 0);
    const max = sig.variadic ? Infinity : expected.length;
    const types = args.map((a) => this.typeOf(a));
    if (args.length < min || args.length > max) {
      const want = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      this.add(
        node,
        `${name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`,
        `call it as ${name}(${expected.map((t) => TYPE_WORDS[t].replace(/^an? /, '')).join(', ')})`,
      );
      return;
    }
    types.forEach((t, i) => {
      const want = expected[Math.min(i, expected.length - 1)];
      if (t === 'unknown' || t === want) return;
      const fix =
        want === 'matrix'
          ? `give ${name}() a range, e.g. ${name}(${this.src(args[i]).replace(/\[[^\]]*\]$/, '')}[5m]) on a metric selector, or a subquery [5m:1m] over an expression`
          : want === 'vector' && t === 'matrix'
            ? `apply a range function first, e.g. ${name}(rate(...[5m]))`
            : `give ${TYPE_WORDS[want]} as argument ${i + 1}`;
      this.add(args[i], `${name}() expects ${TYPE_WORDS[want]} as argument ${i + 1}, got ${TYPE_WORDS[t]} (${this.src(args[i])})`, fix);
    });
  }

  private call(node: SyntaxNode): PromType {
    const id = node.getChild('FunctionIdentifier');
    const name = id ? this.src(id) : '';
    const args = this.argsOf(node);
    const sig = FUNCTIONS[name];
    if (!sig) {
      for (const a of args) this.typeOf(a);
      return 'unknown';
    }
    this.checkArgs(node, name, args, sig.args, sig);
    return sig.returns;
  }

  private aggregate(node: SyntaxNode): PromType {
    const op = node.getChild('AggregateOp');
    const name = op ? this.src(op).toLowerCase() : '';
    const args = this.argsOf(node);
    for (const c of this.children(node)) if (c.name === 'AggregateModifier') this.typeOf(c);
    if (!(name in AGGREGATIONS)) {
      for (const a of args) this.typeOf(a);
      return 'unknown';
    }
    const param = AGGREGATIONS[name];
    this.checkArgs(node, name, args, param ? [param, 'vector'] : ['vector'], {});
    return 'vector';
  }
}

/** A problem found in a parsed query: where, what and how to fix it. */
export interface PromqlIssue {
  /** The offset in the query. */
  readonly at: number;
  readonly problem: string;
  readonly fix: string;
}

/** What a query must evaluate to. */
export type PromqlResult = 'vector-or-scalar' | 'any';

/** Where `{{.window}}` landed in a rendered query. */
export type WindowPlacement = 'range' | 'string' | 'other' | 'none';

/** What one parse of a query finds. */
export interface PromqlAnalysis {
  /** The offset of the first syntax error. @default - the query parses */
  readonly syntaxErrorAt?: number;
  /** What Prometheus refuses beyond the grammar (empty when the query does not parse). */
  readonly issues: readonly PromqlIssue[];
  /**
   * Where the window landed, for the offsets given as `windowAt`: 'range' when at least one
   * is a range (`[...]`) or a subquery range, 'string' when every one is inside a string
   * literal, 'other' otherwise (an offset, a number), 'none' when no offset was given.
   */
  readonly windowPlacement: WindowPlacement;
}

/** Options of {@link analysePromql}. */
export interface PromqlAnalysisOptions {
  /** What the query must evaluate to. @default 'vector-or-scalar' */
  readonly result?: PromqlResult;
  /** Offsets in the query where a window variable was rendered. @default [] */
  readonly windowAt?: readonly number[];
}

const analysisCache = new BoundedCache<string, PromqlAnalysis>(4096);

/**
 * One parse of a query with the Prometheus project's grammar, and what Prometheus' parser
 * refuses beyond it: type errors (a range function over an instant vector, a range after a
 * non-selector, an operator on a range vector), zero ranges, regexes that are not RE2,
 * selectors that match everything; and where the window variable landed. Kept per query.
 */
export function analysePromql(expr: string, options: PromqlAnalysisOptions = {}): PromqlAnalysis {
  const result = options.result ?? 'vector-or-scalar';
  const windowAt = options.windowAt ?? [];
  // Queries of a fleet differ mostly in their label values: what is checked depends on a
  // value only through its regex validity and whether it matches the empty string, so the
  // parse is kept per shape (every string literal replaced by a stand-in with those
  // properties). A shape with any finding is analysed again as written, for its messages.
  const shape = shapeOf(expr, windowAt);
  if (shape) {
    const a = analyseText(shape.text, result, shape.windowAt);
    if (a.syntaxErrorAt === undefined && a.issues.length === 0) return a;
  }
  return analyseText(expr, result, windowAt);
}

function analyseText(expr: string, result: PromqlResult, windowAt: readonly number[]): PromqlAnalysis {
  return analysisCache.getOrCompute(`${result}\u0000${windowAt.join(',')}\u0000${expr}`, () => {
    const tree = parser.parse(expr);
    let errorAt = -1;
    tree.iterate({
      enter(n) {
        if (errorAt >= 0) return false;
        if (n.type.isError) {
          errorAt = n.from;
          return false;
        }
        return undefined;
      },
    });
    if (errorAt >= 0) return { syntaxErrorAt: errorAt, issues: [], windowPlacement: 'none' };
    const checker = new TypeChecker(expr);
    const t = checker.typeOf(tree.topNode);
    const issues: PromqlIssue[] = [...checker.issues];
    if (result === 'vector-or-scalar' && (t === 'matrix' || t === 'string'))
      issues.push({
        at: 0,
        problem: `the query evaluates to ${TYPE_WORDS[t]}, but a rule needs an instant vector or a scalar`,
        fix: t === 'matrix' ? 'wrap the range in a function such as rate(...) or sum_over_time(...)' : 'give a query, not a string',
      });
    return { issues, windowPlacement: windowPlacement(tree.topNode, windowAt) };
  });
}

/**
 * The query with each string literal replaced by a stand-in that the checks treat alike
 * (`""` or `"x"`, and for a regex `".*"` when it matches the empty string), and the window
 * offsets moved with it. Undefined when a literal cannot be read or a regex is invalid (the
 * query is then analysed as written).
 */
function shapeOf(expr: string, windowAt: readonly number[]): { readonly text: string; readonly windowAt: number[] } | undefined {
  let text = '';
  let last = 0;
  const moved: Array<{ readonly from: number; readonly to: number; readonly shapeFrom: number; readonly shapeTo: number }> = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '#') {
      const nl = expr.indexOf('\n', i);
      i = nl < 0 ? expr.length : nl;
      continue;
    }
    if (c !== '"' && c !== "'" && c !== '`') continue;
    let j = i + 1;
    while (j < expr.length && expr[j] !== c) {
      if (c !== '`' && expr[j] === '\n') return undefined;
      j += c !== '`' && expr[j] === '\\' ? 2 : 1;
    }
    if (j >= expr.length) return undefined;
    const value = unquote(expr.slice(i, j + 1));
    if (value === undefined) return undefined;
    const before = expr.slice(0, i).trimEnd();
    const regex = before.endsWith('=~') || before.endsWith('!~');
    let stand: string;
    if (regex) {
      const r = compiled(value);
      if (r.problem) return undefined;
      stand = r.matchesEmpty ? '".*"' : '"x"';
    } else stand = value === '' ? '""' : '"x"';
    text += expr.slice(last, i);
    moved.push({ from: i, to: j + 1, shapeFrom: text.length, shapeTo: text.length + stand.length });
    text += stand;
    last = j + 1;
    i = j;
  }
  text += expr.slice(last);
  const shifted = windowAt.map((at) => {
    let shapeAt = at;
    for (const m of moved) {
      if (at >= m.to) shapeAt = m.shapeTo + (at - m.to);
      else if (at >= m.from) return m.shapeFrom + 1; // inside the literal: inside its stand-in
    }
    return shapeAt;
  });
  return { text, windowAt: shifted };
}
/** The type issues of {@link analysePromql}; none for a query that does not parse (the grammar check reports it). */
export function promqlTypeIssues(expr: string, result: PromqlResult = 'vector-or-scalar'): readonly PromqlIssue[] {
  return analysePromql(expr, { result }).issues;
}

/** `near "..."`: the text around an offset, for messages. */
export function nearText(expr: string, at: number): string {
  return expr
    .slice(Math.max(0, at - 20), at + 30)
    .replace(/\s+/g, ' ')
    .trim();
}

function windowPlacement(top: SyntaxNode, positions: readonly number[]): WindowPlacement {
  if (positions.length === 0) return 'none';
  let inString = 0;
  for (const at of positions) {
    let range = false;
    let str = false;
    for (let node: SyntaxNode | null = top.resolveInner(at, 1); node; node = node.parent) {
      if (node.name === 'StringLiteral') str = true;
      if (node.name === 'DurationExpr' && (node.parent?.name === 'MatrixSelector' || node.parent?.name === 'SubqueryExpr')) range = true;
    }
    if (range) return 'range';
    if (str) inString++;
  }
  return inString === positions.length ? 'string' : 'other';
}

/**
 * Problems with the place of `{{.window}}` in an SLI query: a window used only inside a
 * string literal or as an offset records the same thing for every window, so every burn
 * rate is the same.
 */
export function windowPlacementProblems(field: string, placement: WindowPlacement): Problem[] {
  const fix = 'use {{.window}} as the range of a selector, e.g. rate(http_requests_total[{{.window}}])';
  if (placement === 'string')
    return [
      {
        field,
        problem: '{{.window}} appears only inside a string literal, so it does not change the range and every window records the same ratio',
        fix,
      },
    ];
  if (placement === 'other')
    return [{ field, problem: '{{.window}} is not used as a range (only as an offset or elsewhere), so every window records the same ratio', fix }];
  return [];
}

// ---------------------------------------------------------------------------------------
// Go templates (rule annotations and alert labels)

const TEMPLATE_VARIABLES = new Set(['$', '$labels', '$value', '$externalLabels', '$externalURL']);
const OPENING = new Set(['if', 'range', 'with', 'define', 'block']);

/**
 * The problem Go's text/template parser (which Prometheus uses for annotations and alert
 * labels) would report for `text`, for the mistakes that are easy to make: an action that
 * is not closed, a `}}` without `{{`, an unterminated string or comment in an action, an
 * `if`/`range`/`with` without `end` (or an `end` or `else` without one), an empty action,
 * and a variable that is not defined. Undefined when none of these is found.
 */
export function goTemplateProblem(text: string): string | undefined {
  const stack: string[] = [];
  const declared = new Set<string>();
  let i = 0;
  for (let open = text.indexOf('{{', i); open >= 0; open = text.indexOf('{{', i)) {
    let j = open + 2;
    if (/^-\s/.test(text.slice(j, j + 2))) j += 2;
    const rest = text.slice(j).trimStart();
    if (rest.startsWith('/*')) {
      const end = text.indexOf('*/', j);
      if (end < 0) return `the comment opened at offset ${open} is not closed with "*/}}"`;
      const after = /^(\s-)?\}\}/.exec(text.slice(end + 2));
      if (!after) return `the comment at offset ${open} must end with "*/}}"`;
      i = end + 2 + after[0].length;
      continue;
    }
    // Scan the action: strings and raw strings may hold "}}".
    let body = '';
    let closed = false;
    while (j < text.length) {
      const c = text[j];
      if (c === '"' || c === '`' || c === "'") {
        let k = j + 1;
        while (k < text.length && text[k] !== c) {
          if (c !== '`' && (text[k] === '\n' || (text[k] === '\\' && text[k + 1] === '\n'))) k = text.length;
          else k += c !== '`' && text[k] === '\\' ? 2 : 1;
        }
        if (k >= text.length) return `the string in the action at offset ${open} ("${nearText(text, open)}") is not terminated`;
        body += text.slice(j, k + 1);
        j = k + 1;
        continue;
      }
      if (text.startsWith('}}', j)) {
        closed = true;
        j += 2;
        break;
      }
      if (text.startsWith('{{', j)) return `the action opened at offset ${open} ("${nearText(text, open)}") is not closed before the next "{{"`;
      body += c;
      j++;
    }
    if (!closed) return `the action opened at offset ${open} ("${nearText(text, open)}") is not closed with "}}"`;
    const action = body.replace(/\s-$/, '').trim();
    if (action === '') return `the action at offset ${open} is empty`;
    const word = action.split(/[\s(]/)[0];
    if (OPENING.has(word)) stack.push(word);
    else if (word === 'end') {
      if (!stack.pop()) return `"{{end}}" at offset ${open} has no {{if}}, {{range}} or {{with}} to close`;
    } else if (word === 'else' && !stack.length) return `"{{else}}" at offset ${open} is outside an {{if}}, {{range}} or {{with}}`;
    const withoutStrings = action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""');
    const declaration = /^(?:(?:range|with|if)\s+)?(\$\w*(?:\s*,\s*\$\w*)?)\s*:?=[^=]/.exec(withoutStrings);
    const used = declaration ? withoutStrings.slice(declaration[0].length - 1) : withoutStrings;
    for (const m of used.matchAll(/\$[A-Za-z0-9_]*/g))
      if (!TEMPLATE_VARIABLES.has(m[0]) && !declared.has(m[0]))
        return `the variable "${m[0]}" at offset ${open} is not defined (Prometheus provides $labels, $value and $externalLabels)`;
    for (const v of declaration ? declaration[1].split(',') : []) declared.add(v.trim());
    i = j;
  }
  if (stack.length) return `{{${stack[stack.length - 1]}}} is not closed with {{end}}`;
  return undefined;
}

/** Problems with Go-template text that Prometheus expands (annotations, alert labels), each at `field.<key>`. */
export function goTemplatesProblems(field: string, values: Readonly<Record<string, string>> | undefined): Problem[] {
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(values ?? {})) {
    if (typeof v !== 'string') continue;
    const problem = goTemplateProblem(v);
    if (problem)
      out.push({
        field: `${field}.${k}`,
        problem: `the template does not parse: ${problem}`,
        fix: 'close every {{ with }}, and every {{if}}/{{range}}/{{with}} with {{end}}, e.g. "{{ $labels.job }} is burning its budget"',
      });
  }
  return out;
}

/** Problems with user labels that Sloth's generated rules depend on, each at `field.<key>`. */
export function reservedLabelProblems(
  field: string,
  labels: Readonly<Record<string, string>> | undefined,
  reserved: readonly string[] = SLOTH_JOIN_LABELS,
): Problem[] {
  return Object.keys(labels ?? {})
    .filter((k) => reserved.includes(k))
    .map((k) => ({
      field: `${field}.${k}`,
      problem: `"${k}" is a label the generated rules set and join on: a value given here overrides it and breaks the burn-rate alerts`,
      fix: `remove "${k}" or rename it (e.g. "${k.replace(/^sloth_/, '')}")`,
    }));
}

/** Problems with a ConfigMap data key (Kubernetes' rules: letters, digits, '-', '_' and '.', at most 253 characters, not '.', '..' or starting with '..'). */
export function configMapKeyProblems(field: string, key: string): Problem[] {
  const fix = 'use a file name of letters, digits, "-", "_" and ".", e.g. "slos.rules.yaml"';
  if (typeof key !== 'string' || key === '') return [{ field, problem: 'the ConfigMap key is empty', fix }];
  if (key.length > 253) return [{ field, problem: `the ConfigMap key is ${key.length} characters, more than the 253 Kubernetes allows`, fix }];
  if (!/^[-._a-zA-Z0-9]+$/.test(key))
    return [{ field, problem: `"${key}" is not a valid ConfigMap key (only letters, digits, "-", "_" and "."; no "/")`, fix }];
  if (key === '.' || key === '..' || key.startsWith('..'))
    return [{ field, problem: `"${key}" is not a valid ConfigMap key (it must not be "." or start with "..")`, fix }];
  return [];
}
