import { ApiObject, Duration } from 'cdk8s';
import { httpStatusCheckProblems, httpStatusCheckSpec, HttpStatusCheckOptions, StatusCheckMode } from './http-check';
import { objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import { Problems } from '../common/errors';
import { labelsProblems, nameProblems, namespaceProblems } from '../common/checks';
import { chaosNamespace } from './experiment';
import { spanProblems } from './units';
import { CHAOS_LABELS, CHAOS_MESH_API_VERSION } from './types';
import { apiObjectsOf, IApiObjectOwner, setMainObject } from '../common/api-object';
import { ChaosObjectIdentity, IChaosObjectOwner, registerChaosObjects } from './identity';

/** Props of {@link StatusCheck}. Only what is given is written: Chaos Mesh's defaults apply to the rest. */
export interface StatusCheckProps extends HttpStatusCheckOptions {
  /**
   * Synchronous or continuous.
   * @default Chaos Mesh's (synchronous)
   */
  readonly mode?: StatusCheckMode;
  /**
   * HTTP method.
   * @default Chaos Mesh's 'GET'
   */
  readonly method?: 'GET' | 'POST';
  /**
   * Time between checks.
   * @default Chaos Mesh's 10 seconds
   */
  readonly interval?: Duration;
  /**
   * Timeout of one check.
   * @default Chaos Mesh's 1 second
   */
  readonly timeout?: Duration;
  /**
   * Failures in a row that fail the check.
   * @default Chaos Mesh's 3
   */
  readonly failureThreshold?: number;
  /**
   * Successes in a row that pass the check (synchronous mode).
   * @default Chaos Mesh's 1
   */
  readonly successThreshold?: number;
  /**
   * How long the whole check runs.
   * @default none: a synchronous check ends at a threshold, a continuous one runs until deleted
   */
  readonly duration?: Duration;
  /**
   * Results kept in the status (1-1000).
   * @default Chaos Mesh's 100
   */
  readonly recordsHistoryLimit?: number;
  /**
   * Object name.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default the scope's chaos namespace, else the chart's, else 'chaos-testing'
   */
  readonly namespace?: string;
  /**
   * Labels.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A standalone Chaos Mesh `StatusCheck`: an HTTP probe whose records show in the dashboard. */
export class StatusCheck extends Construct implements IApiObjectOwner, IChaosObjectOwner {
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The StatusCheck object (the escape hatch). */
  public readonly apiObject: ApiObject;
  /** The objects it emits, by kind, namespace and name. */
  public readonly objectIdentities: readonly ChaosObjectIdentity[];

  constructor(scope: Construct, id: string, props: StatusCheckProps) {
    super(scope, id);
    const p = props ?? ({} as StatusCheckProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    this.namespace = chaosNamespace(this, p.namespace);
    problems.addAll('', nameProblems('name', this.name, { fix: 'name the check with lower-case letters, digits, "-" and "."' }));
    problems.addAll('', namespaceProblems('namespace', this.namespace, { fix: 'give a valid namespace' }));
    problems.addAll('', httpStatusCheckProblems('', p));
    const unreadable = spanProblems({ duration: p.duration });
    problems.addAll('', unreadable);
    if (unreadable.length === 0 && p.duration !== undefined && p.duration.toMilliseconds() <= 0)
      problems.add('duration', 'the duration is zero', 'give a positive duration, or none');
    if (p.duration !== undefined && p.mode && !p.mode.bounded)
      problems.add(
        'duration',
        'a duration is given with StatusCheckMode.continuousUntilStopped()',
        'use StatusCheckMode.continuous() with a duration, or drop the duration',
      );
    const r = p.recordsHistoryLimit;
    if (r !== undefined && !(Number.isInteger(r) && r >= 1 && r <= 1000))
      problems.add('recordsHistoryLimit', `${r} is outside 1-1000`, 'keep between 1 and 1000 records');
    problems.addAll('', labelsProblems('labels', p.labels));
    problems.throwIfAny(this.node.path);
    const labels = objectLabels(CHAOS_LABELS, p.labels);
    this.apiObject = setMainObject(
      this,
      new ApiObject(this, 'Resource', {
        apiVersion: CHAOS_MESH_API_VERSION,
        kind: 'StatusCheck',
        metadata: { name: this.name, namespace: this.namespace, labels },
        spec: { ...httpStatusCheckSpec(p, p.duration, false), ...(r !== undefined ? { recordsHistoryLimit: r } : {}) },
      }),
    );
    this.objectIdentities = [{ kind: 'StatusCheck', namespace: this.namespace, name: this.name, field: 'name' }];
    registerChaosObjects(this);
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
