/**
 * Warnings for Sloth spec files: what Sloth accepts, and so the Sloth-compatible CLI keeps
 * accepting, but is almost surely a mistake (an objective written as a ratio, `0.999` for
 * 99.9 %). The typed constructs refuse the same input (see ./validate).
 */
import { LoadedSpec, SpecModelOptions, specModels } from './spec-documents';
import type { SpecProblem } from './spec-files';
import { objectiveWarnings } from './validate';

/** The warnings for a loaded spec, each located in its file like a problem. */
export function specWarnings(spec: LoadedSpec, options: SpecModelOptions = {}): SpecProblem[] {
  return specModels(spec, options).flatMap((m, i) =>
    objectiveWarnings(m).map((w) => {
      const where = spec.locate(i, w.field);
      return { file: spec.file, document: spec.document, line: where.line, slo: m.name, field: where.field, problem: w.problem, fix: w.fix };
    }),
  );
}
