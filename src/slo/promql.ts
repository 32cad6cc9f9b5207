import { analysePromql } from '../common/promql';

/**
 * Checks PromQL syntax with the Prometheus project's own grammar (the one its UI uses).
 * Returns a problem (with the position and the text around it) or undefined. The parse is
 * shared with the checks beyond the grammar (`analysePromql`), and kept per query.
 */
export function promqlSyntaxProblem(expr: string): string | undefined {
  if (expr.trim() === '') return 'the query is empty';
  const at = analysePromql(expr).syntaxErrorAt;
  return at === undefined ? undefined : syntaxProblemAt(expr, at);
}

/** The message for a syntax error at offset `at` of `expr`. */
export function syntaxProblemAt(expr: string, at: number): string {
  const line = expr.slice(0, at).split('\n').length;
  const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  return `PromQL syntax error at line ${line}, column ${at - expr.lastIndexOf('\n', at - 1)}, near "${near}"`;
}
