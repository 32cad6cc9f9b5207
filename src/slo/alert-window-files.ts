/**
 * Sloth `AlertWindows` files: a directory of them, as `--slo-period-windows-path` reads it,
 * and the catalog of windows by SLO period they make. Plain data; no cdk8s.
 */
import { InputFileError, walkInputDirectory } from '../common/input-files';
import { formatPromDuration } from '../common/duration';
import { AlertWindowsModel } from './model';
import { readSpecFile, SpecDocument, SpecLoadError, SpecProblem, specProblemOf } from './spec-files';

/** The CLI flag that names an alert windows directory. */
const WINDOWS_FLAG = '--slo-period-windows-path';
import { AlertWindowsCatalog, SlothAlertWindowsDocument, DEFAULT_ALERT_WINDOWS, readAlertWindowsSpec } from './windows';

/**
 * Reads a directory of Sloth `AlertWindows` files (`.yaml`/`.yml`, recursively), as
 * `--slo-period-windows-path` does. Files defining the same period must agree.
 */
export function loadAlertWindowsDirectory(dir: string): AlertWindowsModel[] {
  const problems: SpecProblem[] = [];
  const byPeriod = new Map<number, { w: AlertWindowsModel; file: string }>();
  let files: string[];
  try {
    const walked = walkInputDirectory(dir, { flag: WINDOWS_FLAG, accept: (p) => /\.ya?ml$/.test(p) });
    problems.push(...walked.problems.map(specProblemOf));
    files = walked.files;
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    throw new SpecLoadError([
      {
        file: dir,
        field: '',
        problem: `cannot read the alert windows directory (${e.problem.problem})`,
        fix: `give ${WINDOWS_FLAG} a directory of AlertWindows YAML files`,
      },
    ]);
  }
  for (const file of files) {
    let docs: SpecDocument[];
    try {
      docs = readSpecFile(file, { flag: WINDOWS_FLAG });
    } catch (e) {
      problems.push(...(e as SpecLoadError).problems);
      continue;
    }
    if (docs.length === 0) {
      problems.push({ file, field: '', problem: 'the file is empty', fix: 'write one AlertWindows document, or remove the file' });
      continue;
    }
    const doc = docs[0];
    const read = readAlertWindowsSpec(doc.data as SlothAlertWindowsDocument);
    for (const p of read.problems) problems.push({ file, line: doc.lineOf(p.field.split('.')), field: p.field, problem: p.problem, fix: p.fix });
    const w = read.model;
    if (!w) continue;
    const prev = byPeriod.get(w.sloPeriodMs);
    if (prev && JSON.stringify(prev.w) !== JSON.stringify(w)) {
      problems.push({
        file,
        line: doc.lineOf(['spec', 'sloPeriod']),
        field: 'spec.sloPeriod',
        problem: `the ${formatPromDuration(w.sloPeriodMs)} period is already defined differently in ${prev.file}`,
        fix: 'keep one definition per period',
      });
    } else if (!prev) byPeriod.set(w.sloPeriodMs, { w, file });
  }
  if (problems.length) throw new SpecLoadError(problems);
  if (byPeriod.size === 0)
    throw new SpecLoadError([
      {
        file: dir,
        field: '',
        problem: 'no AlertWindows files (.yaml/.yml) found',
        fix: 'add a file per SLO period, or leave out the windows path to use the built-in 30d and 28d windows',
      },
    ]);
  return [...byPeriod.values()].map((x) => x.w);
}

/** A catalog of alert windows: the given ones replace the built-in 30d and 28d windows, like Sloth's windows path. */
export function alertWindowsCatalog(custom?: readonly AlertWindowsModel[]): AlertWindowsCatalog {
  return new AlertWindowsCatalog(custom && custom.length ? custom : DEFAULT_ALERT_WINDOWS);
}
