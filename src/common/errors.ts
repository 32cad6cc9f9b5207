/** One problem with a construct's input: where it is, what is wrong, and how to fix it. */
export interface Problem {
  /** The prop or field, as a path from the construct's props (for example `slos[1].objective`). */
  readonly field: string;
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
}

/** A field below `prefix` (`schedules[0]` + `name` is `schedules[0].name`; an empty prefix is the root). */
export function fieldPath(prefix: string, field: string): string {
  if (!prefix) return field;
  if (!field) return prefix;
  return `${prefix}${field.startsWith('[') ? '' : '.'}${field}`;
}

/** The problems with their fields moved below `prefix`. */
export function prefixProblems(prefix: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, field: fieldPath(prefix, p.field) }));
}

/** The problems with `subject: ` written before each (`experiment "x": ...`). */
export function problemsAbout(subject: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, problem: `${subject}: ${p.problem}` }));
}

/** Formats one problem as `[construct/path] field: problem. Fix: fix.` */
export function formatProblem(path: string, p: Problem): string {
  const end = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  return `[${path}] ${p.field}: ${end(p.problem)} Fix: ${end(p.fix)}`;
}

/**
 * Thrown at synth time when a construct's input is invalid. It lists every problem found,
 * not only the first, and nothing is emitted.
 */
export class ResilienceValidationError extends Error {
  /** Every problem found, in the order found. */
  public readonly problems: Problem[];
  /** The construct path (or function name, for example `sloDashboard`) the problems belong to. */
  public readonly path: string;

  constructor(path: string, problems: Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${path}:\n` + problems.map((p) => `  ${formatProblem(path, p)}`).join('\n'),
    );
    this.name = 'ResilienceValidationError';
    this.path = path;
    this.problems = problems;
  }
}

/**
 * Collects problems so that all of them are reported at once. Check functions return
 * `Problem[]`; a construct collects them here and throws or reports them in one go.
 */
export class Problems {
  private readonly items: Problem[] = [];

  /** Records a problem. */
  public add(field: string, problem: string, fix: string): void {
    this.items.push({ field, problem, fix });
  }

  /** Records every problem of another collection, their fields prefixed with `prefix`. */
  public addAll(prefix: string, problems: readonly Problem[]): void {
    this.items.push(...prefixProblems(prefix, problems));
  }

  /** The problems recorded so far. */
  public get list(): readonly Problem[] {
    return this.items;
  }

  /** True when nothing was recorded. */
  public get empty(): boolean {
    return this.items.length === 0;
  }

  /** Throws a {@link ResilienceValidationError} for `path` if anything was recorded. */
  public throwIfAny(path: string): void {
    if (this.items.length > 0) throw new ResilienceValidationError(path, [...this.items]);
  }

  /** The problems as messages for `node.addValidation` (cdk8s prefixes the path). */
  public messages(): string[] {
    return this.items.map((p) => formatProblem('', p).replace(/^\[\] /, ''));
  }
}
