/**
 * The conventions every emitted object follows, in one place: who manages it, the label
 * domain of the library's own labels and annotations, and how Prometheus (as
 * kube-prometheus-stack installs it) finds the rules and ServiceMonitors the library emits.
 *
 * Plain data: the runtime uses the same names for what it creates and looks for.
 */
import { CheckOptions, labelsProblems } from './checks';
import type { Problem } from './errors';

/** The library's name, written as `app.kubernetes.io/managed-by` on every object it emits. */
export const MANAGED_BY = 'cdk8s-resilience';

/** The labels of every object that holds SLO rules (as Sloth labels them). */
export const SLO_RULES_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/component': 'SLO' };

/** The recommended Kubernetes label naming the tool that manages an object. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The one domain of the library's own labels and annotations; each area has a subdomain (`backup.`, `chaos.`, `sim.`). */
export const LABEL_DOMAIN = 'resilience.cdk8s.io';

/** The areas of the library that own labels: one subdomain of {@link LABEL_DOMAIN} each. */
export type LabelArea = 'backup' | 'chaos' | 'dr' | 'slo' | 'sim';

/** A label or annotation key of the library: `<area>.resilience.cdk8s.io/<name>`, or `resilience.cdk8s.io/<name>` without an area. */
export function libraryLabelKey(name: string, area?: LabelArea): string {
  return `${area ? `${area}.` : ''}${LABEL_DOMAIN}/${name}`;
}

/** The library's own label and annotation keys, by purpose. */
export const LIBRARY_LABELS = {
  /** The self-service backup contract: the tier a team chose for a resource. */
  backupTier: libraryLabelKey('tier', 'backup'),
  /** On the Secret of `MinioCredentials.insecureDemo()`: its credentials are in plain text. */
  insecureDemoCredentials: libraryLabelKey('insecure-demo-credentials'),
  /** On the Litmus objects of an experiment: the experiment's name. */
  chaosExperiment: libraryLabelKey('experiment', 'chaos'),
  /** On the objects a chaos run creates: the run. */
  chaosRun: libraryLabelKey('run', 'chaos'),
  /** On the Backup and Restore objects a DR drill or restore test creates: the run. */
  drRun: libraryLabelKey('run', 'dr'),
  /** On a Velero Backup: a PartiallyFailed backup that was looked at (the value says why), so `dr check` passes it. */
  drAcknowledged: libraryLabelKey('acknowledged', 'dr'),
  /** On the namespaces and objects of the simulated cluster. */
  simulated: libraryLabelKey('simulated', 'sim'),
  /** On the pods of a simulated Deployment: the Deployment. */
  simulatedDeployment: libraryLabelKey('deployment', 'sim'),
} as const;

/**
 * The labels on a rule file or ServiceMonitor that kube-prometheus-stack's default rule and
 * ServiceMonitor selectors match (`release: <helm release>`, for a release named `monitoring`).
 */
export const DEFAULT_PROMETHEUS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: 'monitoring' };

/** The labels Prometheus selects an object by: the ones given (even `{}`), else {@link DEFAULT_PROMETHEUS_SELECTOR_LABELS}. */
export function prometheusSelectorLabels(given: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return { ...(given ?? DEFAULT_PROMETHEUS_SELECTOR_LABELS) };
}

/** How Prometheus selects a construct's objects: the labels, and the problems with them reported at the prop they came from. */
export interface PrometheusSelection {
  /** The labels to put on the rules and ServiceMonitors (the default when none were given). */
  readonly labels: Record<string, string>;
  /** Problems with the labels given. */
  readonly problems: Problem[];
}

/**
 * The selector labels of a construct from its `prometheusSelectorLabels` prop, or from the
 * prop's former name (`legacyField`, still read), with the default when neither is set.
 */
export function prometheusSelection(
  current: Readonly<Record<string, string>> | undefined,
  legacyField: string,
  legacy: Readonly<Record<string, string>> | undefined,
  options: CheckOptions = {},
): PrometheusSelection {
  const given = current ?? legacy;
  return { labels: prometheusSelectorLabels(given), problems: labelsProblems(current ? 'prometheusSelectorLabels' : legacyField, given, options) };
}

/**
 * The labels of an emitted object: `app.kubernetes.io/managed-by` first, then the
 * library's own (`own`), then the user's, which win on a clash.
 */
export function objectLabels(own: Readonly<Record<string, string>> = {}, user: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, ...own, ...user };
}
