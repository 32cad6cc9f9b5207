/**
 * The drill's journal: a JSON file rewritten (atomically: a temporary file, then a rename)
 * at every step, so a drill whose process was killed can be finished by `dr drill --resume`.
 * It records what the drill needs to go on: the namespaces, the inventory before the
 * disaster, the names of its Backup and Restore, when the disaster started, and each step's
 * timing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputFileError, readInputFile } from '../../common/input-files';
import { OperationError } from '../backup/operations';
import { NamespaceInventory } from './inventory';

/** The version of the journal format. */
export const JOURNAL_SCHEMA = 'cdk8s-resilience.dr-drill-journal/v1';

/** Where `dr drill` keeps its journal unless `--journal` says otherwise. */
export const DEFAULT_JOURNAL = path.join('.cdk8s-resilience', 'dr-drill-journal.json');

/**
 * The drill's state, in order. Until `deleting` nothing was deleted; from `deleting` on, a
 * resume rolls forward to the restore. `finished` and `stopped` are the ends.
 */
export type DrillState = 'started' | 'backed-up' | 'deleting' | 'deleted' | 'restoring' | 'restored' | 'finished' | 'stopped';

/** One step's timing. */
export interface JournalStep {
  /** `inventory`, `backup`, `disaster`, `restore`, `recovery`, `integrity` or `cleanup`. */
  readonly step: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Milliseconds since the epoch; absent while the step runs. @default - still running */
  readonly endedAt?: number;
}

/** The journal file's content. */
export interface DrillJournal {
  /** The journal format, `cdk8s-resilience.dr-drill-journal/v1`. */
  readonly schema: typeof JOURNAL_SCHEMA;
  /** The drill's id, `dr-drill-<yyyyMMddHHmmss>` (also the label of its objects). */
  readonly id: string;
  /** Where the drill is. */
  readonly state: DrillState;
  /** The kubeconfig context of the cluster drilled. @default - none */
  readonly context?: string;
  /** Its API server (a resume must reach the same one). @default - none */
  readonly server?: string;
  /** The context restored into, for a failover drill. @default - the same cluster */
  readonly targetContext?: string;
  /** The API server restored into, for a failover drill. @default - the same cluster */
  readonly targetServer?: string;
  /** Velero's namespace. */
  readonly veleroNamespace: string;
  /** The namespaces backed up, deleted and restored. */
  readonly namespaces: readonly string[];
  /** The RTO target, in seconds. */
  readonly rtoTargetSeconds: number;
  /** Whether the drill's Backup and Restore are kept after a drill that passed. */
  readonly keepArtifacts: boolean;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** The drill's Backup, `dr-drill-backup-<yyyyMMddHHmmss>`. */
  readonly backupName: string;
  /** The drill's Restore, `dr-drill-restore-<yyyyMMddHHmmss>`. */
  readonly restoreName: string;
  /** What the namespaces held before the disaster (compared after the restore). */
  readonly inventoryBefore: readonly NamespaceInventory[];
  /** When the first namespace deletion was requested (the start of the RTO). */
  readonly disasterStartedAt?: number;
  /** Each step's timing, in order (a resumed step appears twice). */
  readonly steps: readonly JournalStep[];
  /** Signals received, with when and in which state. */
  readonly interruptions: ReadonlyArray<{ readonly signal: string; readonly at: number; readonly state: DrillState }>;
  /** Times the drill was resumed. */
  readonly resumes: readonly number[];
  /** The last write, in milliseconds since the epoch. */
  readonly updatedAt: number;
}

/** True when the drill had started deleting (a resume must restore). */
export function pastDeletion(state: DrillState): boolean {
  return ['deleting', 'deleted', 'restoring', 'restored'].includes(state);
}

/** True when nothing is left to do. */
export function ended(state: DrillState): boolean {
  return state === 'finished' || state === 'stopped';
}

/** Reads a journal; undefined when the file does not exist; OperationError when it is not a journal. */
export function readJournal(file: string): DrillJournal | undefined {
  let text: string;
  try {
    text = readInputFile(file, { flag: '--journal', expected: 'a drill journal file' });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    if (!fs.existsSync(file) && !isLink(file)) return undefined;
    throw new OperationError(`cannot read the drill journal ${file}: ${e.problem.problem}; ${e.problem.fix}`);
  }
  let j: DrillJournal;
  try {
    j = JSON.parse(text) as DrillJournal;
  } catch {
    throw new OperationError(`the drill journal ${file} is not JSON; move it away (it is not a journal of this tool) or pass another --journal`);
  }
  if (j?.schema !== JOURNAL_SCHEMA)
    throw new OperationError(
      `${file} is not a drill journal (schema ${JSON.stringify(j?.schema)}, expected ${JOURNAL_SCHEMA}); pass another --journal`,
    );
  return j;
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes the journal atomically (temporary file, fsync, rename). */
export function writeJournal(file: string, j: DrillJournal): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(j, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Keeps the journal file and the in-memory copy in step. */
export class Journal {
  private current: DrillJournal;

  constructor(
    readonly file: string,
    initial: DrillJournal,
    private readonly now: () => number,
  ) {
    this.current = initial;
  }

  get value(): DrillJournal {
    return this.current;
  }

  /** Applies a change and writes the file at once. */
  update(change: Partial<DrillJournal>): DrillJournal {
    this.current = { ...this.current, ...change, updatedAt: this.now() };
    writeJournal(this.file, this.current);
    return this.current;
  }

  /** Records the start of a step. */
  begin(step: string, state?: DrillState): void {
    this.update({ steps: [...this.current.steps, { step, startedAt: this.now() }], ...(state ? { state } : {}) });
  }

  /** Records the end of the last open step of that name. */
  finish(step: string, state?: DrillState): void {
    const steps = [...this.current.steps];
    for (let i = steps.length - 1; i >= 0; i--) {
      if (steps[i].step === step && steps[i].endedAt === undefined) {
        steps[i] = { ...steps[i], endedAt: this.now() };
        break;
      }
    }
    this.update({ steps, ...(state ? { state } : {}) });
  }

  /** Ends every step left open by a process that stopped, at `at` (its last journal write). */
  closeOpenSteps(at: number): void {
    if (this.current.steps.every((s) => s.endedAt !== undefined)) return;
    this.update({ steps: this.current.steps.map((s) => (s.endedAt === undefined ? { ...s, endedAt: Math.max(s.startedAt, at) } : s)) });
  }

  /** Seconds the named step took, summed over its runs (a resumed step runs twice). */
  duration(step: string): number | undefined {
    const runs = this.current.steps.filter((s) => s.step === step);
    if (!runs.length) return undefined;
    return runs.reduce((a, s) => a + ((s.endedAt ?? this.now()) - s.startedAt), 0) / 1000;
  }
}
