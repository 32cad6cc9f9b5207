/**
 * What a simulated controller sees: the store (it reads and writes objects directly, as a
 * controller with a cache would through the API), the simulation clock, the faults, and the
 * timing. Controllers are modules listed in ./cluster.ts: namespaces, Velero, workloads and
 * Chaos Mesh; a demo app exporting Prometheus metrics plugs in the same way.
 */
import { Clock, SimClock } from './clock';
import { Faults } from './faults';
import { Store } from './store';

/** Delays of the simulated controllers, in milliseconds of simulated time. */
export interface SimTiming {
  /** Between two phases of a Velero Backup/Restore/DeleteBackupRequest. @default 150 */
  readonly phaseMs: number;
  /** From a pod's creation to Ready. @default 300 */
  readonly podReadyMs: number;
  /** How long a deleted namespace stays `Terminating` while its contents are removed. @default 200 */
  readonly namespaceDeleteMs: number;
  /** How often Velero's backup sync reads the object store for backups made by another cluster. @default 1000 */
  readonly backupSyncMs: number;
}

export const DEFAULT_TIMING: SimTiming = { phaseMs: 150, podReadyMs: 300, namespaceDeleteMs: 200, backupSyncMs: 1000 };

/** Everything a controller is given. */
export interface SimContext {
  readonly store: Store;
  readonly clock: Clock & Pick<SimClock, 'after'>;
  readonly faults: Faults;
  readonly timing: SimTiming;
  /** The Velero server's namespace. */
  readonly veleroNamespace: string;
  /** Runs `fn` after `ms` of simulated time, stretched by the slow-controller fault. */
  later(ms: number, fn: () => void): void;
}

/** A simulated controller. */
export interface SimController {
  readonly name: string;
  start(ctx: SimContext): void;
  stop(): void;
}
