/**
 * Chaos Mesh workflows as plain data: the steps (serial and parallel stages, pauses,
 * experiments, status checks, tasks, schedules), their rendering into a Workflow spec, and
 * the structural rules a workflow must follow. No cdk8s is loaded; ChaosWorkflow (./workflow)
 * puts the result into a chart.
 */
import type { Duration } from 'cdk8s';
import { compactGoDuration, goDurationMs, spanIn, spelledGoDuration } from '../common/duration';
import { Problem, problemsAbout } from '../common/errors';
import { dnsLabelProblem } from '../common/names';
import { ChaosAction } from './actions';
import { experimentDefinition, experimentProblems, experimentSpec, GuardrailPolicy, remoteClusterProblems } from './guardrails';
import { httpStatusCheckProblems, httpStatusCheckSpec, HttpStatusCheckOptions, StatusCheckMode } from './http-check';
import { CHAOS_MESH_KIND_NAMES, embeddedKey, isChaosMeshKind } from './kinds';
import type { RemoteCluster } from './machines';
import { ChaosMode } from './mode';
import { ChaosSchedule, scheduleProblems } from './schedule';
import { ChaosTarget, ChaosWorkload } from './selector';
import { spanProblems } from './units';
import { WorkflowSpec, WorkflowTemplate } from './types';

/** An experiment embedded in a workflow. */
export interface WorkflowExperimentProps {
  /** The fault. */
  readonly action: ChaosAction;
  /**
   * The pods, as a {@link ChaosTarget} or a cdk8s-plus workload. The cloud faults (AWS, GCP,
   * Azure) name their instance in the action and take none.
   * @default none: a synth error (rule selects-something) for the faults that act on pods
   */
  readonly target?: ChaosTarget | ChaosWorkload;
  /**
   * How many of the pods.
   * @default ChaosMode.one()
   */
  readonly mode?: ChaosMode;
  /**
   * How long the step lasts: the template's deadline. Chaos Mesh ends a chaos step only at
   * its deadline, so even an instantaneous fault (pod-kill) needs one here: it is how long
   * the workflow waits after the kill before the next step.
   */
  readonly duration: Duration;
  /**
   * Runs the experiment in another cluster: a RemoteCluster or its name.
   * @default this cluster
   */
  readonly remoteCluster?: RemoteCluster | string;
}

/** An HTTP status check in a workflow. */
export interface WorkflowStatusCheckProps extends HttpStatusCheckOptions {
  /**
   * Abort the workflow when the check fails.
   * @default true
   */
  readonly abortOnFailure?: boolean;
  /**
   * How long the check may run: its deadline.
   * @default Duration.minutes(1)
   */
  readonly deadline?: Duration;
  /**
   * How long the check runs (its `duration`).
   * @default for StatusCheckMode.continuous(), the deadline; otherwise none
   */
  readonly duration?: Duration;
  /**
   * Write the library's defaults (mode, method, interval, timeout, thresholds) into the
   * template. False writes only what is given, as a migrated manifest had it, and Chaos
   * Mesh's own defaults (10s interval, 1s timeout) apply.
   * @default true
   */
  readonly explicitDefaults?: boolean;
}

/** A container run by a Task step. */
export interface TaskContainer {
  /** Container name. */
  readonly name: string;
  /** Image. */
  readonly image: string;
  /**
   * The command as an argument list.
   * @default the image's entrypoint
   */
  readonly command?: readonly string[];
  /**
   * Arguments.
   * @default none
   */
  readonly args?: readonly string[];
  /**
   * Environment variables.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Escape hatch: more container fields (resources, volumeMounts, ...) as in a pod spec, merged over the generated ones.
   * @default none
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A branch of a Task step: a step started when the expression holds on the task's result. */
export interface ConditionalBranch {
  /** Expression over `exitCode` and `stdout` (`exitCode == 0 && stdout == "ok"`); an empty string always holds. */
  readonly when: string;
  /** The step started. */
  readonly then: WorkflowStep;
}

/** Props of a Task step. */
export interface WorkflowTaskProps {
  /** The container run once. */
  readonly container: TaskContainer;
  /**
   * Steps started by the task's result.
   * @default none
   */
  readonly branches?: readonly ConditionalBranch[];
  /**
   * Volumes of the task's pod, as in a pod spec.
   * @default none
   */
  readonly volumes?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /**
   * How long the task may run.
   * @default none: the task ends when its container exits (a stage holding it then needs its own deadline)
   */
  readonly deadline?: Duration;
}

/** Props of a Schedule step: an experiment started on a schedule while the step runs. */
export interface WorkflowScheduleProps extends Omit<WorkflowExperimentProps, 'duration'> {
  /**
   * How long each run's fault lasts. Instantaneous faults (pod-kill, container-kill, ...)
   * may omit it; a continuous fault needs it (rule bounded-duration).
   * @default none: fine for instantaneous faults, a synth error for continuous ones
   */
  readonly duration?: Duration;
  /** When runs start. */
  readonly schedule: ChaosSchedule;
  /** How long the step (and so the schedule) lasts. */
  readonly deadline: Duration;
}

/** Options of serial and parallel stages. */
export interface StageOptions {
  /**
   * How long the stage may run.
   * @default the time its children need (their sum for serial, their maximum for parallel)
   */
  readonly deadline?: Duration;
}

/** One rendered step: its templates (itself first) and the problems of what it embeds. */
export interface RenderedWorkflowStep {
  readonly templates: WorkflowTemplate[];
  readonly problems: Problem[];
  /** Milliseconds the step needs at most. */
  readonly bound?: number;
  /**
   * True when a step could not be rendered (it holds itself, or a duration cannot be read);
   * the problems say why, and the structure checks of the workflow are skipped.
   */
  readonly incomplete?: boolean;
}

/**
 * A step of a Chaos Mesh workflow: a stage of steps (serial or parallel), a pause, an
 * embedded experiment, or an HTTP status check. Names must be unique in a workflow.
 */
export class WorkflowStep {
  /** Runs `steps` one after the other. */
  public static serial(name: string, steps: WorkflowStep[], options: StageOptions = {}): WorkflowStep {
    return WorkflowStep.stage('Serial', name, steps, options);
  }

  /** Runs `steps` at the same time. */
  public static parallel(name: string, steps: WorkflowStep[], options: StageOptions = {}): WorkflowStep {
    return WorkflowStep.stage('Parallel', name, steps, options);
  }

  /** Waits, such as for the system to recover. */
  public static suspend(name: string, duration: Duration): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, { duration });
    if (bad) return bad;
    return new WorkflowStep(name, () => ({
      templates: [{ name, templateType: 'Suspend', deadline: spelledGoDuration(duration) }],
      problems: [],
      bound: duration.toMilliseconds(),
    }));
  }

  /** Runs an experiment for its duration. The guardrails of {@link ChaosExperiment} apply. */
  public static experiment(name: string, props: WorkflowExperimentProps): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, { duration: props.duration });
    if (bad) return bad;
    return new WorkflowStep(name, (policy) => {
      const def = experimentDefinition(name, props);
      const problems = [...problemsAbout(`experiment "${name}"`, remoteClusterProblems(props.remoteCluster)), ...experimentProblems(def, policy)].map(
        (p) => ({ ...p, field: `steps.${name}.${p.field}` }),
      );
      const template = {
        name,
        templateType: props.action.kind,
        deadline: spelledGoDuration(props.duration),
        [embeddedKey(props.action.kind)]: experimentSpec(def, false),
      } as WorkflowTemplate;
      return { templates: [template], problems, bound: props.duration.toMilliseconds() };
    });
  }

  /** Checks an HTTP endpoint; by default a failure aborts the workflow. */
  public static statusCheck(name: string, props: WorkflowStatusCheckProps): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, { deadline: props.deadline, duration: props.duration, interval: props.interval, timeout: props.timeout });
    if (bad) return bad;
    return new WorkflowStep(name, () => {
      const deadline = props.deadline ?? spanIn(1, 'minutes');
      const mode = props.mode ?? StatusCheckMode.synchronous();
      const problems: Problem[] = httpStatusCheckProblems(`steps.${name}`, props);
      if (props.duration !== undefined && !mode.bounded)
        problems.push({
          field: `steps.${name}.duration`,
          problem: 'a duration is given with StatusCheckMode.continuousUntilStopped()',
          fix: 'use StatusCheckMode.continuous() with a duration, or drop the duration',
        });
      if (props.duration !== undefined && props.duration.toMilliseconds() > deadline.toMilliseconds()) {
        problems.push({
          field: `steps.${name}.duration`,
          problem: `the check runs ${spelledGoDuration(props.duration)}, longer than its ${spelledGoDuration(deadline)} deadline`,
          fix: 'shorten the duration or lengthen the deadline',
        });
      }
      const duration = props.duration ?? (mode.value === 'Continuous' && mode.bounded ? deadline : undefined);
      const template: WorkflowTemplate = {
        name,
        templateType: 'StatusCheck',
        deadline: spelledGoDuration(deadline),
        abortWithStatusCheck: props.abortOnFailure ?? true,
        statusCheck: httpStatusCheckSpec(props, duration, props.explicitDefaults ?? true) as unknown as WorkflowTemplate['statusCheck'],
      };
      return { templates: [template], problems, bound: deadline.toMilliseconds() };
    });
  }

  /**
   * Runs a container once (a custom task); its exit code and output pick the branches to
   * start. The branch steps are rendered as templates of the workflow.
   */
  public static task(name: string, props: WorkflowTaskProps): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, { deadline: props.deadline });
    if (bad) return bad;
    return new WorkflowStep(name, (_policy, sub) => {
      const c = props.container;
      const problems: Problem[] = [];
      if (dnsLabelProblem(c?.name ?? ''))
        problems.push({
          field: `steps.${name}.container.name`,
          problem: `container name "${c?.name ?? ''}" is not a DNS-1123 label`,
          fix: 'name the container with lower-case letters, digits and "-"',
        });
      if (!c?.image) problems.push({ field: `steps.${name}.container.image`, problem: 'the image is empty', fix: 'name the task image' });
      const rendered = (props.branches ?? []).map((b) => sub(b.then));
      const container = JSON.parse(
        JSON.stringify({
          name: c?.name,
          image: c?.image,
          command: c?.command ? [...c.command] : undefined,
          args: c?.args ? [...c.args] : undefined,
          env: c?.env ? Object.entries(c.env).map(([k, v]) => ({ name: k, value: v })) : undefined,
          ...(c?.extra ?? {}),
        }),
      ) as Record<string, unknown>;
      const template: WorkflowTemplate = {
        name,
        templateType: 'Task',
        deadline: props.deadline ? spelledGoDuration(props.deadline) : undefined,
        task: { container, ...(props.volumes ? { volumes: props.volumes.map((v) => ({ ...v })) } : {}) },
        conditionalBranches:
          props.branches && props.branches.length > 0 ? props.branches.map((b) => ({ target: b.then.name, expression: b.when })) : undefined,
      };
      const branchBounds = rendered.map((r) => r.bound);
      const bound =
        props.deadline && branchBounds.every((b): b is number => b !== undefined)
          ? props.deadline.toMilliseconds() + (branchBounds.length > 0 ? Math.max(...branchBounds) : 0)
          : undefined;
      return {
        templates: [template, ...rendered.flatMap((r) => r.templates)],
        problems: [...problems, ...rendered.flatMap((r) => r.problems)],
        bound,
      };
    });
  }

  /**
   * Starts an experiment on a schedule for the step's deadline (a Schedule template). The
   * guardrails of an experiment and the rules of a schedule apply.
   */
  public static schedule(name: string, props: WorkflowScheduleProps): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, {
      duration: props.duration,
      deadline: props.deadline,
      'schedule.startingDeadline': props.schedule?.options.startingDeadline,
    });
    if (bad) return bad;
    return new WorkflowStep(name, (policy) => {
      const def = experimentDefinition(name, props);
      const problems: Problem[] = [
        ...problemsAbout(`experiment "${name}"`, remoteClusterProblems(props.remoteCluster)),
        ...experimentProblems(def, policy),
        ...problemsAbout(`step "${name}"`, scheduleProblems(props.schedule, props.duration, false)),
        ...(props.duration === undefined && !props.action.instantaneous && policy.allowUnboundedDuration
          ? [
              {
                field: 'duration',
                problem: `experiment "${name}" breaks rule bounded-duration: a scheduled ${props.action.name} fault without a duration would never end, and with concurrencyPolicy Forbid every later run would be skipped`,
                fix: 'give a scheduled continuous fault a duration, such as Duration.minutes(5)',
              },
            ]
          : []),
      ].map((p) => ({ ...p, field: `steps.${name}.${p.field}` }));
      const template = {
        name,
        templateType: 'Schedule',
        deadline: spelledGoDuration(props.deadline),
        schedule: { ...props.schedule.toSpec(), type: props.action.kind, [embeddedKey(props.action.kind)]: experimentSpec(def) },
      } as WorkflowTemplate;
      return { templates: [template], problems, bound: props.deadline.toMilliseconds() };
    });
  }

  /**
   * Any template, written as in the manifest (the escape hatch: any field of a template,
   * including `task`, `schedule` and `conditionalBranches`). `children` are rendered as
   * templates too, such as the children of a stage or the targets of conditional branches.
   */
  public static of(template: WorkflowTemplate, children: WorkflowStep[] = []): WorkflowStep {
    return new WorkflowStep(template.name, (_policy, sub) => {
      const rendered = children.map(sub);
      return { templates: [{ ...template }, ...rendered.flatMap((r) => r.templates)], problems: rendered.flatMap((r) => r.problems) };
    });
  }

  /** A step that only reports its unreadable durations, or undefined when every one can be read. */
  private static badSpans(name: string, spans: Record<string, Duration | undefined>): WorkflowStep | undefined {
    const problems = spanProblems(spans).map((p) => ({ ...p, field: `steps.${name}.${p.field}` }));
    return problems.length > 0 ? new WorkflowStep(name, () => ({ templates: [], problems, incomplete: true })) : undefined;
  }

  private static stage(type: 'Serial' | 'Parallel', name: string, steps: WorkflowStep[], options: StageOptions): WorkflowStep {
    const bad = WorkflowStep.badSpans(name, { deadline: options.deadline });
    if (bad) return bad;
    return new WorkflowStep(name, (_policy, sub) => {
      const rendered = steps.map(sub);
      const bounds = rendered.map((r) => r.bound);
      const known = bounds.every((b): b is number => b !== undefined);
      const need = known && bounds.length > 0 ? (type === 'Serial' ? bounds.reduce((a, b) => a + b, 0) : Math.max(...bounds)) : undefined;
      const deadlineMs = options.deadline?.toMilliseconds() ?? need;
      const template: WorkflowTemplate = {
        name,
        templateType: type,
        children: steps.map((s) => s.name),
        deadline: options.deadline ? spelledGoDuration(options.deadline) : deadlineMs === undefined ? undefined : compactGoDuration(deadlineMs),
      };
      return { templates: [template, ...rendered.flatMap((r) => r.templates)], problems: rendered.flatMap((r) => r.problems), bound: deadlineMs };
    });
  }

  private constructor(
    /** The template name. */
    public readonly name: string,
    private readonly renderFn: (policy: GuardrailPolicy, sub: (child: WorkflowStep) => RenderedWorkflowStep) => RenderedWorkflowStep,
  ) {}

  /**
   * Renders the step and what it holds. A step that holds itself (a stage among its own
   * children, directly or deeper) is reported as a cycle instead of being followed.
   * @internal
   */
  public render(policy: GuardrailPolicy, within: readonly WorkflowStep[] = []): RenderedWorkflowStep {
    const at = within.indexOf(this);
    if (at !== -1) {
      const chain = [...within.slice(at), this].map((s) => `"${s.name}"`).join(' -> ');
      return {
        templates: [],
        problems: [
          {
            field: `steps.${this.name}`,
            problem: `step "${this.name}" contains itself (${chain}), so the workflow could never finish`,
            fix: 'remove the step from its own children (build a new step for an inner stage)',
          },
        ],
        incomplete: true,
      };
    }
    const path = [...within, this];
    let incomplete = false;
    const result = this.renderFn(policy, (child) => {
      const r = child.render(policy, path);
      incomplete = incomplete || r.incomplete === true;
      return r;
    });
    return incomplete ? { ...result, incomplete } : result;
  }
}

const TEMPLATE_TYPES: readonly string[] = ['Serial', 'Parallel', 'Suspend', 'StatusCheck', 'Task', 'Schedule', ...CHAOS_MESH_KIND_NAMES];

/**
 * The structural rules of a workflow, on plain data: the entry exists, template names are
 * unique and valid, children exist (no cycles), every template is bounded, and each
 * child's deadline fits in its parent's. Returns every problem, and each template's bound.
 */
export function workflowProblems(name: string, spec: WorkflowSpec): { problems: Problem[]; bounds: Map<string, number | undefined> } {
  const problems: Problem[] = [];
  const add = (field: string, problem: string, fix: string) => problems.push({ field, problem: `workflow "${name}": ${problem}`, fix });
  const byName = new Map<string, WorkflowTemplate>();
  for (const [i, t] of spec.templates.entries()) {
    const bad = dnsLabelProblem(t.name);
    if (bad) add(`templates[${i}].name`, `template name ${bad}`, 'name templates with lower-case letters, digits and "-"');
    if (byName.has(t.name)) add(`templates[${i}].name`, `template name "${t.name}" is used twice`, 'give every step its own name');
    else byName.set(t.name, t);
    if (!TEMPLATE_TYPES.includes(t.templateType))
      add(`templates.${t.name}.templateType`, `"${t.templateType}" is not a workflow template type`, `use one of ${TEMPLATE_TYPES.join(', ')}`);
    if (t.deadline !== undefined && !(goDurationMs(t.deadline)! > 0))
      add(`templates.${t.name}.deadline`, `"${t.deadline}" is not a positive Go duration`, 'write a deadline such as "5m"');
  }
  if (!byName.has(spec.entry))
    add('entry', `entry "${spec.entry}" is not one of the templates`, `name an existing template as entry (${[...byName.keys()].join(', ')})`);

  const bounds = new Map<string, number | undefined>();
  const visiting = new Set<string>();
  const bound = (n: string): number | undefined => {
    if (bounds.has(n)) return bounds.get(n);
    const t = byName.get(n);
    if (!t) return undefined;
    if (visiting.has(n)) {
      add(`templates.${n}.children`, `template "${n}" contains itself`, 'remove the cycle');
      return undefined;
    }
    visiting.add(n);
    const own = t.deadline !== undefined ? goDurationMs(t.deadline) : undefined;
    let result = own;
    if (t.templateType === 'Serial' || t.templateType === 'Parallel') {
      const children = t.children ?? [];
      if (children.length === 0)
        add(`templates.${n}.children`, `${t.templateType} stage "${n}" has no children`, 'add steps to the stage or remove it');
      const childBounds: Array<number | undefined> = [];
      for (const c of children) {
        if (!byName.has(c)) {
          add(`templates.${n}.children`, `child "${c}" of "${n}" is not one of the templates`, 'add the template or fix the name');
          childBounds.push(undefined);
          continue;
        }
        const b = bound(c);
        childBounds.push(b);
        if (own !== undefined && b !== undefined && b > own) {
          add(
            `templates.${c}.deadline`,
            `child "${c}" may run ${compactGoDuration(b)}, longer than the ${compactGoDuration(own)} deadline of its parent "${n}", and would keep showing as running`,
            `shorten "${c}" or give "${n}" a deadline of at least ${compactGoDuration(b)}`,
          );
        }
      }
      const known = childBounds.every((b): b is number => b !== undefined);
      const need =
        known && childBounds.length > 0
          ? t.templateType === 'Serial'
            ? childBounds.reduce((a, b) => a + b, 0)
            : Math.max(...childBounds)
          : undefined;
      if (own !== undefined && need !== undefined && t.templateType === 'Serial' && need > own && childBounds.every((b) => b! <= own)) {
        add(
          `templates.${n}.deadline`,
          `serial stage "${n}" needs ${compactGoDuration(need)} for its children but its deadline is ${compactGoDuration(own)}`,
          `give "${n}" a deadline of at least ${compactGoDuration(need)} or shorten its children`,
        );
      }
      result = own ?? need;
    } else if (t.templateType === 'Task') {
      if (!t.task) add(`templates.${n}.task`, `Task step "${n}" has no task`, 'give the task a container');
      const targets = (t.conditionalBranches ?? []).map((b) => b.target);
      const targetBounds: Array<number | undefined> = [];
      for (const c of targets) {
        if (!byName.has(c)) {
          add(`templates.${n}.conditionalBranches`, `branch target "${c}" of "${n}" is not one of the templates`, 'add the template or fix the name');
          targetBounds.push(undefined);
        } else {
          targetBounds.push(bound(c));
        }
      }
      const known = targetBounds.every((b): b is number => b !== undefined);
      result = own !== undefined && known ? own + (targetBounds.length > 0 ? Math.max(...(targetBounds as number[])) : 0) : undefined;
      // A task ends when its container exits: without a deadline it is not flagged itself,
      // but a stage holding it needs a deadline of its own.
      visiting.delete(n);
      bounds.set(n, result);
      return result;
    } else if (t.templateType === 'Schedule') {
      if (!t.schedule) add(`templates.${n}.schedule`, `Schedule step "${n}" has no schedule`, 'give the schedule and the experiment it starts');
      else if (!isChaosMeshKind(t.schedule.type))
        add(
          `templates.${n}.schedule.type`,
          `a Schedule step starts chaos, not "${t.schedule.type}"`,
          `use one of ${CHAOS_MESH_KIND_NAMES.join(', ')}`,
        );
    } else if (result === undefined && isChaosMeshKind(t.templateType)) {
      const embedded = (t as unknown as Record<string, { duration?: string } | undefined>)[embeddedKey(t.templateType)];
      result = embedded?.duration ? goDurationMs(embedded.duration) : undefined;
    }
    if (result === undefined)
      add(`templates.${n}.deadline`, `${t.templateType} step "${n}" is unbounded`, 'give it a deadline (or, for chaos, a duration)');
    visiting.delete(n);
    bounds.set(n, result);
    return result;
  };
  for (const n of byName.keys()) bound(n);
  return { problems, bounds };
}

/** Builds the spec of a workflow from its entry step; returns it with every problem. */
export function buildWorkflow(
  name: string,
  entry: WorkflowStep,
  policy: GuardrailPolicy,
): { spec: WorkflowSpec; problems: Problem[]; bound?: number } {
  const rendered = entry.render(policy);
  const spec: WorkflowSpec = { entry: entry.name, templates: rendered.templates.map((t) => JSON.parse(JSON.stringify(t)) as WorkflowTemplate) };
  // A cycle is reported where it was found; the structure around it says nothing more.
  if (rendered.incomplete) return { spec, problems: rendered.problems };
  const structure = workflowProblems(name, spec);
  return { spec, problems: [...rendered.problems, ...structure.problems], bound: structure.bounds.get(entry.name) };
}
