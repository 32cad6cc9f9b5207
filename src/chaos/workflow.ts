/** The ChaosWorkflow construct: a Chaos Mesh Workflow (or a Schedule of one) built from ./steps. */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { apiObjectsOf, IApiObjectOwner, setMainObject } from '../common/api-object';
import { objectLabels } from '../common/conventions';
import { Problems, problemsAbout } from '../common/errors';
import { chaosDefaults, chaosNamespace, chaosObjectMetadataProblems, GuardrailProps, resolvePolicy } from './experiment';
import { spanProblems } from './units';
import { ChaosSchedule, scheduleProblems } from './schedule';
import { buildWorkflow, WorkflowStep } from './steps';
import { CHAOS_LABELS, CHAOS_MESH_API_VERSION, ScheduleSpec, WorkflowSpec } from './types';
import { ChaosObjectIdentity, IChaosObjectOwner, registerChaosObjects } from './identity';
/** Props of {@link ChaosWorkflow}. */
export interface ChaosWorkflowProps extends GuardrailProps {
  /** The first step; usually a serial stage of the whole scenario. */
  readonly entry: WorkflowStep;
  /**
   * Object name.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default the scope's default, else the chart's namespace, else 'chaos-testing'
   */
  readonly namespace?: string;
  /**
   * Runs the workflow on a schedule, through a Chaos Mesh `Schedule` of type Workflow (cron only, no `@every`).
   * @default runs once, when applied
   */
  readonly schedule?: ChaosSchedule;
  /**
   * Extra labels.
   * @default none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A Chaos Mesh `Workflow` (or a `Schedule` of one): stages of experiments, pauses and
 * status checks, with every rule checked at synth.
 */
export class ChaosWorkflow extends Construct implements IApiObjectOwner, IChaosObjectOwner {
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The workflow spec as plain data. */
  public readonly spec: WorkflowSpec;
  /** The Workflow object, when not scheduled. */
  public readonly workflowObject?: ApiObject;
  /** The Schedule object, when scheduled. */
  public readonly scheduleObject?: ApiObject;
  /** The objects it emits, by kind, namespace and name. */
  public readonly objectIdentities: readonly ChaosObjectIdentity[];

  constructor(scope: Construct, id: string, props: ChaosWorkflowProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = chaosNamespace(this, props.namespace);
    const problems = new Problems();
    problems.addAll('', chaosObjectMetadataProblems(this.name, this.namespace, props.labels));
    const unreadable = spanProblems({ maxDuration: props.maxDuration ?? chaosDefaults(this).maxDuration });
    if (unreadable.length > 0) {
      problems.addAll('', problemsAbout(`workflow "${this.name}"`, unreadable));
      problems.throwIfAny(this.node.path);
    }
    const policy = resolvePolicy(this, props);
    if (policy.protectedNamespaces.includes(this.namespace)) {
      problems.add(
        'namespace',
        `workflow "${this.name}" would live in protected namespace "${this.namespace}"`,
        'put chaos objects in a namespace of their own, such as chaos-testing',
      );
    }
    const built = buildWorkflow(this.name, props.entry, policy);
    problems.addAll('', built.problems);
    if (props.schedule) {
      const run = built.bound === undefined ? undefined : Duration.millis(built.bound);
      problems.addAll('', problemsAbout(`workflow "${this.name}"`, scheduleProblems(props.schedule, run, true)));
    }
    problems.throwIfAny(this.node.path);
    this.spec = built.spec;
    const labels = objectLabels(CHAOS_LABELS, props.labels);
    const metadata = { name: this.name, namespace: this.namespace, labels };
    if (props.schedule) {
      const spec: ScheduleSpec = { ...props.schedule.toSpec(), type: 'Workflow', workflow: this.spec };
      this.scheduleObject = new ApiObject(this, 'schedule', { apiVersion: CHAOS_MESH_API_VERSION, kind: 'Schedule', metadata, spec });
    } else {
      this.workflowObject = new ApiObject(this, 'workflow', { apiVersion: CHAOS_MESH_API_VERSION, kind: 'Workflow', metadata, spec: this.spec });
    }
    this.objectIdentities = [
      { kind: props.schedule ? 'Schedule' : 'Workflow', namespace: this.namespace, name: this.name, field: 'name', startsChaos: true },
    ];
    registerChaosObjects(this);
    setMainObject(this, this.apiObject);
  }

  /** The main object: the Workflow, or its Schedule. */
  public get apiObject(): ApiObject {
    return (this.workflowObject ?? this.scheduleObject)!;
  }

  /** Every object this workflow made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
