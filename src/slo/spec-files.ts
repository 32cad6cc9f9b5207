/**
 * SLO spec files: reading them (YAML documents with their lines), walking directories of
 * them as Sloth does, and the problems found in them, each located by file, line, document
 * and SLO. Plain data; no cdk8s.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Problem } from '../common/errors';

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

/**
 * Splits a file's text into its non-empty YAML documents. Throws a {@link SpecLoadError}
 * naming the file and line of the first YAML syntax error.
 */
export function parseSpecDocuments(text: string, file: string): SpecDocument[] {
  const lc = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: SpecDocument[] = [];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new SpecLoadError([
        { file, line, field: '', problem: `YAML syntax error: ${msg}`, fix: 'correct the YAML (check indentation, quotes and ":" after keys)' },
      ]);
    }
    if (d.contents === null) continue;
    const data = d.toJS({ maxAliasCount: 100 }) as unknown;
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

/** Reads a file's spec documents; unreadable files and YAML errors become a {@link SpecLoadError}. */
export function readSpecFile(file: string): SpecDocument[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecLoadError([{ file, field: '', problem: `cannot read the file (${ioReason(e)})`, fix: 'check the path and its permissions' }]);
  }
  return parseSpecDocuments(text, file);
}

/** A short reason for a file system error. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR') return 'a parent is not a directory';
  return (e as Error)?.message ?? String(e);
}

/** Which YAML files a directory walk picks. */
export interface SpecDiscoveryOptions {
  /** Only paths matching this are loaded (Sloth's `--fs-include`). @default - all */
  readonly include?: RegExp;
  /** Paths matching this are skipped; wins over `include` (Sloth's `--fs-exclude`). @default - none */
  readonly exclude?: RegExp;
}

/**
 * The `.yaml`/`.yml` files under a path (the path itself when it is such a file), in
 * lexical walk order, filtered as Sloth filters them (on the path as joined from `root`).
 */
export function discoverSpecFiles(root: string, options: SpecDiscoveryOptions = {}): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
      return;
    }
    const ext = path.extname(p).toLowerCase();
    if (ext !== '.yaml' && ext !== '.yml') return;
    if (options.exclude && options.exclude.test(p)) return;
    if (options.include && !options.include.test(p)) return;
    out.push(p);
  };
  visit(root);
  return out;
}
