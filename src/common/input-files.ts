/**
 * The files the command line reads and writes, handled the same way by every command:
 * - reading: stat first; only regular files (never a directory, FIFO, socket or device such
 *   as /dev/zero); at most {@link maxInputBytes} bytes, read with a byte cap;
 * - walking a directory: symbolic links followed, link loops and directory cycles reported;
 * - YAML: aliases may not expand a document by more than {@link MAX_ALIAS_EXPANSION_BYTES}
 *   ("billion laughs"), nor refer to the node that holds them;
 * - writing several files: all or nothing (temporary files in the target directories, then
 *   renames; on any failure nothing is left changed);
 * - an output path that is one of the inputs is refused.
 * Every failure is an {@link InputFileError} carrying file, field (the flag), problem and fix.
 * Plain Node; no cdk8s.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RE2JS } from 're2js';
import * as YAML from 'yaml';
import { Problem } from './errors';

/** The default largest input file: 10 MiB. */
export const DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** The environment variable that raises (or lowers) the input file limit, in bytes. */
export const MAX_INPUT_BYTES_ENV = 'CDK8S_RESILIENCE_MAX_INPUT_BYTES';

/** How much aliases may add to one YAML document once expanded: 10 MiB (the size of the largest input file). */
export const MAX_ALIAS_EXPANSION_BYTES = DEFAULT_MAX_INPUT_BYTES;

/** The input file limit in force: {@link MAX_INPUT_BYTES_ENV} when it is a positive whole number, else 10 MiB. */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_INPUT_BYTES_ENV];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return DEFAULT_MAX_INPUT_BYTES;
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_INPUT_BYTES;
}

/** A problem with a file the command line reads or writes. */
export interface FileProblem extends Problem {
  /** The file or directory, as given. */
  readonly file: string;
  /** 1-based line. @default - the file as a whole */
  readonly line?: number;
}

/** Formats a file problem as one line: `file[:line]: field: problem. Fix: fix.` */
export function formatFileProblem(p: FileProblem): string {
  const end = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.field ? `${p.field}: ` : ''}${end(p.problem)} Fix: ${end(p.fix)}`;
}

/** A file that cannot be read or written as asked; `problem` says which, where, and how to fix it. */
export class InputFileError extends Error {
  public readonly problem: FileProblem;
  /** True when the operating system refused (no such file, permission denied, a link loop), not a check of ours. */
  public readonly io: boolean;

  constructor(problem: FileProblem, io = false) {
    super(formatFileProblem(problem));
    this.name = 'InputFileError';
    this.problem = problem;
    this.io = io;
  }
}

/** A byte count for messages: `512 bytes`, `10 MiB`, `52.4 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** What a file system error means, in words, and what to do about it. */
export function fsErrorText(e: unknown): { problem: string; fix: string } {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return { problem: 'no such file or directory', fix: 'check the path' };
    case 'ELOOP':
      return { problem: 'the path is a loop of symbolic links', fix: 'point the link at a real file or directory' };
    case 'EACCES':
    case 'EPERM':
      return { problem: 'permission denied', fix: 'make it readable (and its directories searchable), or run as a user who can' };
    case 'ENOTDIR':
      return { problem: 'a part of the path is not a directory', fix: 'check the path' };
    case 'EISDIR':
      return { problem: 'it is a directory, not a file', fix: 'give a file' };
    case 'ENAMETOOLONG':
      return { problem: 'the path is too long', fix: 'give a shorter path' };
    case 'EMFILE':
    case 'ENFILE':
      return { problem: 'too many open files', fix: 'raise the open files limit (ulimit -n) or read fewer files at once' };
    case 'ENOSPC':
      return { problem: 'no space left on the device', fix: 'free some space' };
    case 'EROFS':
      return { problem: 'the file system is read-only', fix: 'write somewhere else' };
    case 'EEXIST':
      return { problem: 'a file of that name is in the way', fix: 'remove it or choose another path' };
    default:
      return { problem: `the file system refused (${code ?? 'unknown error'})`, fix: 'check the path and its permissions' };
  }
}

/** The kind of a non-regular file, for messages. */
export function fileKind(st: fs.Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** How to read an input file. */
export interface ReadInputOptions {
  /** The flag or field that named the file, for messages (`--input`, `-f`). */
  readonly flag: string;
  /** The largest size accepted. @default maxInputBytes() */
  readonly maxBytes?: number;
  /** What the file is, for the fix of a directory (`a spec file`). @default 'a file' */
  readonly expected?: string;
}

function tooBig(file: string, flag: string, size: string, max: number): InputFileError {
  return new InputFileError({
    file,
    field: flag,
    problem: `the file is ${size}, over the ${formatBytes(max)} limit for input files`,
    fix: `split it into smaller files, or raise the limit with ${MAX_INPUT_BYTES_ENV}=<bytes>`,
  });
}

/** Refuses what is not a regular file (after following links). */
function checkRegular(file: string, flag: string, st: fs.Stats, expected: string): void {
  if (st.isFile()) return;
  if (st.isDirectory()) throw new InputFileError({ file, field: flag, problem: 'it is a directory, not a file', fix: `give ${expected}` });
  throw new InputFileError({
    file,
    field: flag,
    problem: `it is ${fileKind(st)}, not a regular file`,
    fix: `give ${expected}; devices, FIFOs and sockets are not read`,
  });
}

/**
 * Reads a text input file: stat first (a directory, FIFO, socket or device is refused, and
 * so is a file over the limit, before anything is read), then read with a byte cap (a file
 * that grows while it is read is refused too). Throws an {@link InputFileError}.
 */
export function readInputFile(file: string, options: ReadInputOptions): string {
  const { flag } = options;
  const max = options.maxBytes ?? maxInputBytes();
  const expected = options.expected ?? 'a file';
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new InputFileError({ file, field: flag, ...fsErrorText(e) }, true);
  }
  checkRegular(file, flag, st, expected);
  if (st.size > max) throw tooBig(file, flag, formatBytes(st.size), max);
  let fd: number;
  try {
    // Non-blocking, so that a file swapped for a FIFO after the stat cannot hang the open.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputFileError({ file, field: flag, ...fsErrorText(e) }, true);
  }
  try {
    const fst = fs.fstatSync(fd);
    checkRegular(file, flag, fst, expected);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // The whole file in one read when its size is known (one more byte shows growth); 64 KiB at a time after that.
      const want = chunks.length === 0 && fst.size > 0 ? fst.size + 1 : 64 * 1024;
      const chunk = Buffer.allocUnsafe(Math.min(want, max + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) throw tooBig(file, flag, `over ${formatBytes(max)} (it grew while it was read)`, max);
    }
    const buf = Buffer.concat(chunks, total);
    if (buf.includes(0)) {
      throw new InputFileError({
        file,
        field: flag,
        problem: 'the file holds binary data (a NUL byte), not YAML or JSON text',
        fix: `give ${expected} (UTF-8 text)`,
      });
    }
    return buf.toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError({ file, field: flag, ...fsErrorText(e) }, true);
  } finally {
    fs.closeSync(fd);
  }
}

/** A path filter (`RegExp` fits, and so does an RE2 pattern; see {@link re2Pattern}). */
export interface PathPattern {
  test(path: string): boolean;
}

/** An RE2 pattern that is not valid: `reason` is what the RE2 parser says. */
export class PatternError extends Error {
  constructor(
    public readonly source: string,
    public readonly reason: string,
  ) {
    super(`"${source}" is not a valid RE2 regular expression: ${reason}`);
    this.name = 'PatternError';
  }
}

/**
 * A path filter in RE2 syntax (as Go's regexp, which Sloth uses), matched anywhere in the
 * path. RE2 runs in time linear in the path, whatever the pattern (`(a+)+$` included); it
 * has no backreferences or lookaround. Throws a {@link PatternError}.
 */
export function re2Pattern(source: string): PathPattern {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).replace(/^error parsing regexp: /, '');
    throw new PatternError(source, reason);
  }
  return { test: (p: string) => re.matcher(p).find() };
}

/** How to walk an input directory. */
export interface WalkInputOptions {
  /** The flag that named the directory, for messages. */
  readonly flag: string;
  /** Which files to keep, by path as joined from the root (extension and filters). */
  readonly accept: (file: string) => boolean;
}

/** The files a walk found, in lexical walk order, and the problems met on the way. */
export interface WalkInputResult {
  readonly files: string[];
  readonly problems: FileProblem[];
}

/**
 * Walks a directory in lexical order, following symbolic links. A link loop, a dangling
 * link among the accepted files, a directory link leading back to a directory that holds it,
 * an unreadable directory and a kept path that is not a regular file are problems (the walk
 * goes on); the root itself must be a readable directory (else an {@link InputFileError}).
 */
export function walkInputDirectory(root: string, options: WalkInputOptions): WalkInputResult {
  const { flag, accept } = options;
  let rootSt: fs.Stats;
  try {
    rootSt = fs.statSync(root);
  } catch (e) {
    throw new InputFileError({ file: root, field: flag, ...fsErrorText(e) });
  }
  if (!rootSt.isDirectory())
    throw new InputFileError({ file: root, field: flag, problem: `it is ${fileKind(rootSt)}, not a directory`, fix: 'give a directory' });
  const files: string[] = [];
  const problems: FileProblem[] = [];
  const key = (st: fs.Stats) => `${st.dev}:${st.ino}`;
  const ancestors = new Map<string, string>();
  const visit = (dir: string, st: fs.Stats) => {
    ancestors.set(key(st), dir);
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (e) {
      const t = fsErrorText(e);
      problems.push({ file: dir, field: flag, problem: `cannot list the directory: ${t.problem}`, fix: t.fix });
      ancestors.delete(key(st));
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let est: fs.Stats;
      try {
        est = fs.statSync(full);
      } catch (e) {
        // A broken link matters only when it would have been read.
        if (accept(full)) problems.push({ file: full, field: flag, ...fsErrorText(e) });
        continue;
      }
      if (est.isDirectory()) {
        const loop = ancestors.get(key(est));
        if (loop !== undefined) {
          problems.push({
            file: full,
            field: flag,
            problem: `the link leads back to ${loop}, which holds it (a directory loop)`,
            fix: 'remove the link or point it outside the tree',
          });
          continue;
        }
        visit(full, est);
        continue;
      }
      if (!accept(full)) continue;
      if (!est.isFile()) {
        problems.push({
          file: full,
          field: flag,
          problem: `it is ${fileKind(est)}, not a regular file`,
          fix: 'remove it from the directory, or leave it out with a filter',
        });
        continue;
      }
      files.push(full);
    }
    ancestors.delete(key(st));
  };
  visit(root, rootSt);
  return { files, problems };
}

/** The real path of a file that may not exist yet (its directory's real path, then its name). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(realPathOf(parent), path.basename(abs));
  }
}

/** True when two paths name the same file: the same real path, or (both existing) the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (realPathOf(a) === realPathOf(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** One file to write. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** The file system operations {@link writeFilesAtomically} uses (tests replace some to inject failures). */
export interface WriteOps {
  writeFile(file: string, content: string, mode: number): void;
  rename(from: string, to: string): void;
  link(existing: string, to: string): void;
}

const realWriteOps: WriteOps = {
  writeFile: (file, content, mode) => fs.writeFileSync(file, content, { flag: 'wx', mode }),
  rename: (from, to) => fs.renameSync(from, to),
  link: (existing, to) => fs.linkSync(existing, to),
};

/** How to write several files. */
export interface WriteFilesOptions {
  /** The flag that named the output, for messages. */
  readonly flag: string;
  /** Let a single output be a device or pipe (`-o /dev/null`, `-o /dev/stdout`), written directly. @default false */
  readonly allowSpecial?: boolean;
  /** Replaced file system operations (tests). @default - the real ones */
  readonly ops?: Partial<WriteOps>;
}

function tempName(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.${tag}`);
}

function quietly(f: () => void): void {
  try {
    f();
  } catch {
    // Best effort while cleaning up.
  }
}

/**
 * Writes every file or none: each is written to a temporary file in its target directory,
 * then all are renamed into place. On any failure the temporary files and the directories
 * made for them are removed, files already replaced are put back, and an
 * {@link InputFileError} names the file that failed. Links among the targets are written
 * through (the file they point at is replaced).
 */
export function writeFilesAtomically(outputs: readonly OutputFile[], options: WriteFilesOptions): void {
  const ops: WriteOps = { ...realWriteOps, ...(options.ops ?? {}) };
  const { flag } = options;
  const fail = (file: string, e: unknown, doing: string): never => {
    if (e instanceof InputFileError) throw e;
    const t = fsErrorText(e);
    throw new InputFileError({ file, field: flag, problem: `cannot ${doing}: ${t.problem}; nothing was written`, fix: t.fix });
  };
  // Plan: resolve each target and refuse what cannot be replaced, before anything is written.
  const plan: Array<{ target: string; given: string; content: string; mode: number; exists: boolean }> = [];
  const direct: OutputFile[] = [];
  for (const o of outputs) {
    let target = path.resolve(o.path);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(target);
      target = fs.realpathSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') fail(o.path, e, 'write the file');
      st = undefined;
    }
    if (st?.isDirectory()) {
      throw new InputFileError({
        file: o.path,
        field: flag,
        problem: 'a directory is in the way of the output file; nothing was written',
        fix: 'remove or rename the directory, or write elsewhere',
      });
    }
    if (st && !st.isFile()) {
      if (options.allowSpecial && outputs.length === 1) {
        direct.push(o);
        continue;
      }
      throw new InputFileError({
        file: o.path,
        field: flag,
        problem: `${fileKind(st)} is in the way of the output file; nothing was written`,
        fix: 'remove it, or write elsewhere',
      });
    }
    plan.push({ target, given: o.path, content: o.content, mode: st ? st.mode & 0o7777 : 0o666, exists: st !== undefined });
  }
  for (const o of direct) {
    try {
      fs.writeFileSync(o.path, o.content);
    } catch (e) {
      fail(o.path, e, 'write the file');
    }
  }
  const madeDirs: string[] = [];
  const temps: string[] = [];
  const cleanup = () => {
    for (const t of temps) quietly(() => fs.unlinkSync(t));
    for (const d of madeDirs.reverse()) quietly(() => fs.rmSync(d, { recursive: true }));
  };
  // Stage: temporary files beside their targets.
  for (const p of plan) {
    try {
      const made = fs.mkdirSync(path.dirname(p.target), { recursive: true });
      if (made) madeDirs.push(made);
      const tmp = tempName(p.target, 'tmp');
      ops.writeFile(tmp, p.content, p.mode);
      temps.push(tmp);
    } catch (e) {
      cleanup();
      fail(p.given, e, 'write the file');
    }
  }
  // Commit: keep a link to each replaced file until every rename has succeeded.
  const backups: Array<string | undefined> = [];
  const done: number[] = [];
  try {
    plan.forEach((p, i) => {
      let backup: string | undefined;
      if (p.exists) {
        backup = tempName(p.target, 'bak');
        try {
          ops.link(p.target, backup);
        } catch {
          fs.copyFileSync(p.target, backup);
        }
      }
      backups[i] = backup;
      ops.rename(temps[i], p.target);
      done.push(i);
    });
  } catch (e) {
    for (const i of done.reverse()) {
      const b = backups[i];
      if (b) quietly(() => fs.renameSync(b, plan[i].target));
      else quietly(() => fs.unlinkSync(plan[i].target));
    }
    for (const b of backups) if (b) quietly(() => fs.unlinkSync(b));
    cleanup();
    fail(plan[done.length]?.given ?? plan[0].given, e, 'replace the file');
  }
  for (const b of backups) if (b) quietly(() => fs.unlinkSync(b));
}

/**
 * The most aliases one YAML document may use: 10,000 (the YAML parser resolves each alias
 * by a scan of the document's anchors, so their number is bounded too).
 */
export const MAX_YAML_ALIASES = 10000;

/** The expanded and own sizes of a YAML document (about bytes: a scalar counts its text, a collection 2), its aliases, and any alias cycle. */
function yamlSizes(doc: YAML.Document.Parsed | YAML.Document): { expanded: number; own: number; aliases: number; cycleAt?: number } {
  // One pass in document order: each alias names the last node anchored so before it.
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  YAML.visit(doc, {
    Node: (_key, node) => {
      if (YAML.isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  const memo = new Map<unknown, number>();
  const open = new Set<unknown>();
  let own = 0;
  let cycleAt: number | undefined;
  const sizeOf = (node: unknown, counting: boolean): number => {
    if (node === null || node === undefined) return 1;
    if (YAML.isAlias(node)) {
      if (counting) own += 1;
      const target = targets.get(node);
      if (target === undefined) return 1;
      if (open.has(target)) {
        cycleAt ??= node.range?.[0];
        return 1;
      }
      return sizeOf(target, false);
    }
    const known = memo.get(node);
    if (known !== undefined && !counting) return known;
    let size: number;
    if (YAML.isScalar(node)) {
      const v = node.value;
      size = 1 + (typeof v === 'string' ? v.length : String(v).length);
      if (counting) own += size;
    } else if (YAML.isCollection(node)) {
      open.add(node);
      size = 2;
      if (counting) own += 2;
      for (const item of node.items as unknown[]) {
        if (YAML.isPair(item)) size += sizeOf(item.key, counting) + sizeOf(item.value, counting);
        else size += sizeOf(item, counting);
      }
      open.delete(node);
    } else size = 1;
    memo.set(node, size);
    return size;
  };
  const expanded = sizeOf(doc.contents, true);
  return { expanded, own, aliases: targets.size, cycleAt };
}

/**
 * Why a parsed YAML document must not be turned into data: more than
 * {@link MAX_YAML_ALIASES} aliases, aliases that refer to the node holding them, or that
 * expand it by more than `maxExpansion` (about bytes). Undefined when it is fine. Linear
 * in the document's size.
 */
export function yamlAliasProblem(
  doc: YAML.Document.Parsed | YAML.Document,
  maxExpansion: number = MAX_ALIAS_EXPANSION_BYTES,
): { problem: string; fix: string; offset?: number } | undefined {
  const { expanded, own, aliases, cycleAt } = yamlSizes(doc);
  if (aliases > MAX_YAML_ALIASES) {
    return {
      problem: `the document uses ${aliases} aliases, over the limit of ${MAX_YAML_ALIASES}`,
      fix: 'write the repeated parts out, or split the document',
    };
  }
  if (cycleAt !== undefined) {
    return {
      problem: 'an alias refers to a node that holds it (a cycle)',
      fix: 'point the alias at an anchor outside the node, or write the value out',
      offset: cycleAt,
    };
  }
  if (expanded - own > maxExpansion) {
    return {
      problem: `aliases expand the document to about ${formatBytes(expanded)}, over the ${formatBytes(maxExpansion)} aliases may add (an alias bomb)`,
      fix: 'write the repeated parts out, or use fewer nested aliases',
    };
  }
  return undefined;
}

/** The most YAML documents one file may hold: 100,000 (each costs the parser a document object). */
export const MAX_YAML_DOCUMENTS = 100000;

/** How to turn YAML text into data. */
export interface ParseYamlOptions {
  /** The file, for messages. */
  readonly file: string;
  /** The flag or field that named it, for messages. @default '' */
  readonly field?: string;
  /** Passed to the parser. @default - the parser's defaults */
  readonly parseOptions?: YAML.ParseOptions & YAML.DocumentOptions;
  /** Shares a line counter with the caller (to locate its own findings). @default - a new one */
  readonly lineCounter?: YAML.LineCounter;
}

/** One document of a YAML file, as data, with where it starts. */
export interface YamlDocumentData {
  readonly doc: YAML.Document.Parsed;
  /** The document as plain data. */
  readonly data: unknown;
  /** 1-based line of its content (or of the document when empty). */
  readonly line: number;
}

/**
 * Every document of a YAML text as plain data, safely: the first syntax error, an alias
 * bomb, an alias cycle, an unresolved alias or too deep a nesting is an
 * {@link InputFileError} naming file, line, problem and fix. Lines come from a line index
 * (no re-scan of the text per document).
 */
export function parseYamlDocuments(text: string, options: ParseYamlOptions): YamlDocumentData[] {
  const { file } = options;
  const field = options.field ?? '';
  const lc = options.lineCounter ?? new YAML.LineCounter();
  const lineAt = (offset: number | undefined) => lc.linePos(offset ?? 0).line;
  // Counted before parsing: a document starts at most at each marker line (and once at the top).
  let markers = 1;
  for (const m of text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)) if (m && ++markers > MAX_YAML_DOCUMENTS) break;
  if (markers > MAX_YAML_DOCUMENTS) {
    throw new InputFileError({
      file,
      field,
      problem: `the file holds more than ${MAX_YAML_DOCUMENTS} YAML documents (--- markers)`,
      fix: 'split it into several files',
    });
  }
  let docs: YAML.Document.Parsed[];
  try {
    const parsed = YAML.parseAllDocuments(text, { ...(options.parseOptions ?? {}), lineCounter: lc });
    docs = Array.isArray(parsed) ? parsed : [parsed as unknown as YAML.Document.Parsed];
  } catch (e) {
    throw new InputFileError({ file, field, problem: `the YAML cannot be parsed (${(e as Error).name})`, fix: 'correct the YAML' });
  }
  const out: YamlDocumentData[] = [];
  const mayHaveAliases = text.includes('*');
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineAt(err.pos[0]);
      if (err.code === 'RESOURCE_EXHAUSTION' || /call stack/i.test(err.message)) {
        throw new InputFileError({
          file,
          line,
          field,
          problem: 'the YAML is nested too deeply to read',
          fix: 'flatten the nesting (a spec needs only a few levels)',
        });
      }
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new InputFileError({
        file,
        line,
        field,
        problem: `YAML syntax error: ${msg}`,
        fix: 'correct the YAML (check indentation, quotes and ":" after keys)',
      });
    }
    const line = lineAt(d.contents?.range?.[0] ?? d.range?.[0]);
    // An alias is written with "*": a text without one has none to check.
    const alias = mayHaveAliases ? yamlAliasProblem(d) : undefined;
    if (alias)
      throw new InputFileError({
        file,
        line: alias.offset !== undefined ? lineAt(alias.offset) : line,
        field,
        problem: alias.problem,
        fix: alias.fix,
      });
    let data: unknown;
    try {
      data = d.toJS({ maxAliasCount: -1 }) as unknown;
    } catch (e) {
      const m = /Unresolved alias[^:]*: (.*)$/.exec((e as Error).message ?? '');
      throw new InputFileError(
        m
          ? { file, line, field, problem: `the alias *${m[1]} has no anchor &${m[1]} before it`, fix: `define &${m[1]} before using *${m[1]}` }
          : { file, line, field, problem: `the document cannot be read as data (${(e as Error).name})`, fix: 'correct the YAML' },
      );
    }
    out.push({ doc: d, data, line });
  }
  return out;
}
