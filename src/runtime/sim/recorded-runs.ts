/**
 * Chaos runs recorded from the real Prometheus 2.42 scraping the demo app (4 replicas × 25
 * requests per second, the demo SLOs of ./slo-demo), kept as data: what `chaos run --demo`
 * shows when no `prometheus` binary is installed, and what the verdict's unit tests judge.
 * Recorded by test/support/record-chaos-runs.ts.
 */
import { ChaosMeasurements } from '../chaos/metrics';
import { ChaosExperimentInfo } from '../chaos/verdict';
import networkDelay from './recorded/network-delay-latency.json';
import outage from './recorded/pod-failure-outage-aborted.json';
import podKill from './recorded/pod-kill-within-budget.json';
import slowRecovery from './recorded/slow-recovery.json';

/** The recorded runs. */
export type RecordedRunName = 'pod-kill-within-budget' | 'pod-failure-outage-aborted' | 'network-delay-latency' | 'slow-recovery';

/** One recorded run. */
export interface RecordedRun {
  /** What was done to the demo app. */
  readonly description: string;
  /** `prometheus --version` of the server that was read. */
  readonly recordedWith: string;
  readonly experiment: ChaosExperimentInfo;
  readonly measurements: ChaosMeasurements;
}

const RUNS: Record<RecordedRunName, unknown> = {
  'pod-kill-within-budget': podKill,
  'pod-failure-outage-aborted': outage,
  'network-delay-latency': networkDelay,
  'slow-recovery': slowRecovery,
};

/** JSON has no NaN: samples recorded as NaN are stored as null and read back as NaN. */
function revive(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(revive);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, k === 'v' && v === null ? NaN : revive(v)]));
  }
  return x;
}

/** The names of the recorded runs. */
export const RECORDED_RUNS: readonly RecordedRunName[] = Object.keys(RUNS) as RecordedRunName[];

/** A recorded run, as fresh data (safe to change). */
export function recordedRun(name: RecordedRunName): RecordedRun {
  const raw = RUNS[name];
  if (raw === undefined) throw new Error(`no recorded run "${name}" (recorded: ${RECORDED_RUNS.join(', ')})`);
  return revive(raw) as RecordedRun;
}
