/**
 * SLO spec files: reading them (YAML documents with their lines), walking directories of
 * them as Sloth does, and the problems found in them, each located by file, line, document
 * and SLO. Plain data; no cdk8s.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Problem } from '../common/errors';
import {
  FileProblem,
  fileKind,
  fsErrorText,
  InputFileError,
  parseYamlDocuments,
  readInputFile,
  walkInputDirectory,
  YamlDocumentData,
} from '../common/input-files';

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

/** A {@link SpecProblem} from a file problem of the shared input checks. */
export function specProblemOf(p: FileProblem): SpecProblem {
  return { file: p.file, ...(p.line !== undefined ? { line: p.line } : {}), field: p.field, problem: p.problem, fix: p.fix };
}

/**
 * Splits a file's text into its non-empty YAML documents. Throws a {@link SpecLoadError}
 * naming the file and line of the first YAML syntax error, alias bomb or alias cycle.
 * Aliases are accepted in any number as long as they expand a document by at most
 * 10 MiB.
 */
export function parseSpecDocuments(text: string, file: string): SpecDocument[] {
  const lc = new YAML.LineCounter();
  let docs: YamlDocumentData[];
  try {
    docs = parseYamlDocuments(text, { file, lineCounter: lc, parseOptions: { uniqueKeys: false } });
  } catch (e) {
    if (e instanceof InputFileError) throw new SpecLoadError([specProblemOf(e.problem)]);
    throw e;
  }
  const out: SpecDocument[] = [];
  for (const { doc: d, data } of docs) {
    if (d.contents === null) continue;
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

/** How a spec file is read. */
export interface ReadSpecFileOptions {
  /** The flag that named the file (`--input`), for messages. @default - none */
  readonly flag?: string;
}

/**
 * Reads a file's spec documents. Only regular files of at most 10 MiB are read (the limit
 * can be changed with the `CDK8S_RESILIENCE_MAX_INPUT_BYTES` environment variable); a
 * directory, device, FIFO, link loop, unreadable or oversized file and YAML errors become a
 * {@link SpecLoadError}.
 */
export function readSpecFile(file: string, options: ReadSpecFileOptions = {}): SpecDocument[] {
  let text: string;
  try {
    text = readInputFile(file, { flag: options.flag ?? '', expected: 'a YAML spec file' });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    const p = specProblemOf(e.problem);
    throw new SpecLoadError([e.io ? { ...p, problem: `cannot read the file (${p.problem})` } : p]);
  }
  return parseSpecDocuments(text, file);
}

/** A short reason for a file system error. */
export function ioReason(e: unknown): string {
  return fsErrorText(e).problem;
}

/** A path filter: a `RegExp`, or any object with a `test` method (the CLI passes RE2 patterns). */
export interface SpecPathFilter {
  /** True when the path matches. */
  test(path: string): boolean;
}

/** Which YAML files a directory walk picks. */
export interface SpecDiscoveryOptions {
  /** Only paths matching this are loaded (Sloth's `--fs-include`). @default - all */
  readonly include?: SpecPathFilter;
  /** Paths matching this are skipped; wins over `include` (Sloth's `--fs-exclude`). @default - none */
  readonly exclude?: SpecPathFilter;
  /** The flag that named the path (`--input`), for messages. @default - none */
  readonly flag?: string;
}

/**
 * The `.yaml`/`.yml` files under a path (the path itself when it is such a file), in
 * lexical walk order, filtered as Sloth filters them (on the path as joined from `root`).
 * Symbolic links are followed; a link loop, a directory loop, a dangling link or a FIFO or
 * device among the picked files is a {@link SpecLoadError} naming it.
 */
export function discoverSpecFiles(root: string, options: SpecDiscoveryOptions = {}): string[] {
  const flag = options.flag ?? '';
  const accept = (p: string) => {
    const ext = path.extname(p).toLowerCase();
    if (ext !== '.yaml' && ext !== '.yml') return false;
    if (options.exclude && options.exclude.test(p)) return false;
    if (options.include && !options.include.test(p)) return false;
    return true;
  };
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    throw new SpecLoadError([{ file: root, field: flag, ...fsErrorText(e) }]);
  }
  if (!st.isDirectory()) {
    // A single input that is not a regular file (a device, a FIFO) is refused whatever its name.
    if (!st.isFile()) {
      throw new SpecLoadError([
        {
          file: root,
          field: flag,
          problem: `it is ${fileKind(st)}, not a regular file`,
          fix: 'give a YAML spec file or a directory of them; devices, FIFOs and sockets are not read',
        },
      ]);
    }
    return accept(root) ? [root] : [];
  }
  let walked;
  try {
    walked = walkInputDirectory(root, { flag, accept });
  } catch (e) {
    if (e instanceof InputFileError) throw new SpecLoadError([specProblemOf(e.problem)]);
    throw e;
  }
  if (walked.problems.length) throw new SpecLoadError(walked.problems.map(specProblemOf));
  return walked.files;
}
