import { parser } from '@prometheus-io/lezer-promql';
import { BoundedCache } from '../common/cache';

/** Parse results per query: the same queries are checked at construction and again at synth. */
const syntaxCache = new BoundedCache<string, { readonly problem: string | undefined }>(2048);

/**
 * Checks PromQL syntax with the Prometheus project's own grammar (the one its UI uses).
 * Returns a problem (with the position and the text around it) or undefined.
 */
export function promqlSyntaxProblem(expr: string): string | undefined {
  return syntaxCache.getOrCompute(expr, () => ({ problem: parseProblem(expr) })).problem;
}

function parseProblem(expr: string): string | undefined {
  if (expr.trim() === '') return 'the query is empty';
  const tree = parser.parse(expr);
  let at = -1;
  tree.iterate({
    enter(node) {
      if (at >= 0) return false;
      if (node.type.isError) {
        at = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (at < 0) return undefined;
  const line = expr.slice(0, at).split('\n').length;
  const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  return `PromQL syntax error at line ${line}, column ${at - expr.lastIndexOf('\n', at - 1)}, near "${near}"`;
}
