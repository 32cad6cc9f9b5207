/**
 * Hand-written types of the Chaos Mesh kinds that are not imported (Schedule and Workflow
 * embed every chaos spec, and their generated module would be megabytes). The embedded
 * parts reuse the imported per-kind spec types. Checked against the v2.8.3 CRD in tests.
 */
import type { StatusCheckSpec } from '../../imports/chaos-mesh.org';
import type { EmbeddedChaos } from './kinds';

/** The library's own labels on every chaos object (with `app.kubernetes.io/managed-by`). */
export const CHAOS_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/part-of': 'chaos' };

/** The annotation that pauses a Chaos Mesh experiment or Schedule while it is set to `"true"`. */
export const CHAOS_MESH_PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';

/** The API version of every Chaos Mesh kind used here. */
export const CHAOS_MESH_API_VERSION = 'chaos-mesh.org/v1alpha1';

/** Spec of a Chaos Mesh v2 `Schedule` (never the removed v1 `scheduler` field). */
export interface ScheduleSpec extends EmbeddedChaos {
  /** Cron expression (five or six fields, optionally after `CRON_TZ=<zone> `), descriptor or `@every` interval. */
  readonly schedule: string;
  /** The kind started (`PodChaos`, ..., or `Workflow`). */
  readonly type: string;
  /** `Forbid` or `Allow` (Chaos Mesh's default: Forbid). */
  readonly concurrencyPolicy?: 'Forbid' | 'Allow';
  /** Finished runs kept (none when omitted). */
  readonly historyLimit?: number;
  /** How late a run may start. */
  readonly startingDeadlineSeconds?: number;
  /** The workflow started, when `type` is `Workflow`. */
  readonly workflow?: WorkflowSpec;
}

/** The status check of a `StatusCheck` template (the StatusCheck spec without the parts a workflow sets). */
export type WorkflowStatusCheck = StatusCheckSpec;

/** One template of a Chaos Mesh `Workflow`. */
export interface WorkflowTemplate extends EmbeddedChaos {
  /** Unique name, referred to by `entry` and `children`. */
  readonly name: string;
  /** `Serial`, `Parallel`, `Suspend`, `StatusCheck`, or a chaos kind. */
  readonly templateType: string;
  /** How long the template may run (a Go duration). */
  readonly deadline?: string;
  /** Names of the child templates (Serial, Parallel). */
  readonly children?: string[];
  /** The status check (StatusCheck). */
  readonly statusCheck?: WorkflowStatusCheck;
  /** Abort the workflow when the status check fails. */
  readonly abortWithStatusCheck?: boolean;
  /** The task (Task): a container run in a pod, whose result picks the conditional branches. */
  readonly task?: WorkflowTask;
  /** Templates started when their expression holds on the task's result (Task). */
  readonly conditionalBranches?: WorkflowConditionalBranch[];
  /** The schedule started (Schedule): a Schedule spec without the workflow type. */
  readonly schedule?: Omit<ScheduleSpec, 'workflow'>;
}

/** A custom task of a workflow: a container (and its volumes) run once. */
export interface WorkflowTask {
  /** The container, as in a Kubernetes pod spec. */
  readonly container: Record<string, unknown>;
  /** Volumes of the task's pod. */
  readonly volumes?: Array<Record<string, unknown>>;
}

/** A conditional branch of a Task template. */
export interface WorkflowConditionalBranch {
  /** Name of the template started. */
  readonly target: string;
  /** Expression over `exitCode` and `stdout`; empty means always. */
  readonly expression?: string;
}

/** Spec of a Chaos Mesh `Workflow`. */
export interface WorkflowSpec {
  /** Name of the first template. */
  readonly entry: string;
  /** Every template, flat. */
  readonly templates: WorkflowTemplate[];
}
