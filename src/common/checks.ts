/**
 * The checks every pillar shares, as small pure functions: a value in, the problems with it
 * out (`Problem[]`, empty when it is valid), each naming the field, what is wrong and how
 * to fix it. The construct adds where (its path) when it reports them.
 *
 * Every value a prop puts into an object's `metadata` (names, namespaces, labels,
 * annotations) goes through these, and so do label selectors.
 */
import type { Problem } from './errors';
import { dnsLabelProblem, dnsSubdomainProblem, k8sLabelKeyProblem, k8sLabelValueProblem, promLabelNameProblem } from './names';

/** Options shared by the checks. */
export interface CheckOptions {
  /**
   * How to fix a bad value, in the words of the caller's domain.
   * @default a fix naming the rule
   */
  readonly fix?: string;
}

/** The name rules of Kubernetes objects. */
export type NameRule = 'dns-label' | 'dns-subdomain';

/** Options of {@link nameProblems}. */
export interface NameCheckOptions extends CheckOptions {
  /**
   * The rule: most objects take a DNS-1123 subdomain; namespaces, Services and a few others a DNS-1123 label.
   * @default 'dns-subdomain'
   */
  readonly rule?: NameRule;
  /**
   * What the name is, written before the problem (`object name`, `Secret name`).
   * @default nothing
   */
  readonly what?: string;
}

const NAME_FIX: Record<NameRule, string> = {
  'dns-label': 'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
  'dns-subdomain': 'use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
};

function prefixed(what: string | undefined, problem: string): string {
  return what ? `${what} ${problem}` : problem;
}

/** Problems with an object name (or any name with the same rules: a Secret's, a ConfigMap's, a service account's). */
export function nameProblems(field: string, name: string | undefined, options: NameCheckOptions = {}): Problem[] {
  const rule = options.rule ?? 'dns-subdomain';
  const text = name ?? '';
  const problem = rule === 'dns-label' ? dnsLabelProblem(text) : dnsSubdomainProblem(text);
  return problem ? [{ field, problem: prefixed(options.what, problem), fix: options.fix ?? NAME_FIX[rule] }] : [];
}

/** Options of {@link namespaceProblems}. */
export interface NamespaceCheckOptions extends CheckOptions {
  /**
   * Accept `*` (every namespace), as Velero's namespace lists do.
   * @default false
   */
  readonly allowAll?: boolean;
  /**
   * What is written before the problem.
   * @default 'namespace'
   */
  readonly what?: string;
}

/** Problems with a namespace name (a DNS-1123 label). */
export function namespaceProblems(field: string, namespace: string | undefined, options: NamespaceCheckOptions = {}): Problem[] {
  if (options.allowAll && namespace === '*') return [];
  const problem = dnsLabelProblem(namespace ?? '');
  const fix = options.fix ?? (options.allowAll ? 'use a namespace name, or "*" for every namespace' : 'use a namespace name');
  return problem ? [{ field, problem: prefixed(options.what ?? 'namespace', problem), fix }] : [];
}

/** Problems with a list of namespaces, each reported at `field[i]`. */
export function namespaceListProblems(field: string, namespaces: readonly string[] | undefined, options: NamespaceCheckOptions = {}): Problem[] {
  return (namespaces ?? []).flatMap((ns, i) => namespaceProblems(`${field}[${i}]`, ns, options));
}

const LABEL_FIX = 'use valid label keys and values';

/** Problems with a label key (an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters). */
export function labelKeyProblems(field: string, key: string, options: CheckOptions = {}): Problem[] {
  const problem = k8sLabelKeyProblem(typeof key === 'string' ? key : '');
  return problem ? [{ field, problem, fix: options.fix ?? 'use a label key such as "app.kubernetes.io/name" or "tier"' }] : [];
}

/** Problems with a label value (at most 63 characters, or empty). */
export function labelValueProblems(field: string, value: string, options: CheckOptions = {}): Problem[] {
  const problem = typeof value === 'string' ? k8sLabelValueProblem(value) : 'the label value is not a string';
  return problem
    ? [{ field, problem, fix: options.fix ?? 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit' }]
    : [];
}

/** Problems with one label (a key and its value), reported at `field`: the key's first. */
export function labelProblems(field: string, key: string, value: string, options: CheckOptions = {}): Problem[] {
  const keyProblems = labelKeyProblems(field, key, { fix: options.fix ?? LABEL_FIX });
  return keyProblems.length > 0 ? keyProblems : labelValueProblems(field, value, { fix: options.fix ?? LABEL_FIX });
}

/** Problems with a map of Kubernetes labels, each reported at `field.<key>`. */
export function labelsProblems(field: string, labels: Readonly<Record<string, string>> | undefined, options: CheckOptions = {}): Problem[] {
  return Object.entries(labels ?? {}).flatMap(([k, v]) => labelProblems(`${field}.${k}`, k, v, options));
}

/** The most an object's annotations may hold together, keys and values (Kubernetes' limit). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Problems with one annotation key (a qualified name, as label keys are), reported at `field`. */
export function annotationKeyProblems(field: string, key: string, options: CheckOptions = {}): Problem[] {
  const problem = k8sLabelKeyProblem(key);
  return problem
    ? [
        {
          field,
          problem: problem.replace('label key', 'annotation key'),
          fix: options.fix ?? 'use a key of letters, digits, "-", "_" and ".", optionally prefixed by a DNS subdomain and "/"',
        },
      ]
    : [];
}

/** Problems with a map of annotations: each key at `field.<key>`, and their total size at `field`. */
export function annotationsProblems(field: string, annotations: Readonly<Record<string, string>> | undefined, options: CheckOptions = {}): Problem[] {
  const entries = Object.entries(annotations ?? {});
  const out = entries.flatMap(([k, v]) => [
    ...annotationKeyProblems(`${field}.${k}`, k, options),
    ...(typeof v === 'string'
      ? []
      : [{ field: `${field}.${k}`, problem: `annotation value of "${k}" is not a string`, fix: 'give the value as a string' }]),
  ]);
  const bytes = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (bytes > MAX_ANNOTATIONS_BYTES)
    out.push({
      field,
      problem: `the annotations hold ${bytes} bytes, more than the 262144 (256 KiB) Kubernetes allows`,
      fix: 'keep large data in a ConfigMap and refer to it',
    });
  return out;
}

/** A Kubernetes label selector, as plain data. */
export interface LabelSelectorInput {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Problems with a label selector: its labels, and each requirement's key, operator and
 * values (`In`/`NotIn` need values, `Exists`/`DoesNotExist` take none).
 */
export function labelSelectorProblems(field: string, selector: LabelSelectorInput, options: CheckOptions = {}): Problem[] {
  return [
    ...labelsProblems(`${field}.matchLabels`, selector.matchLabels, options),
    ...labelRequirementsProblems(`${field}.matchExpressions`, selector.matchExpressions, options),
  ];
}

/** Problems with label-selector requirements (`matchExpressions`), each reported at `field[i]`. */
export function labelRequirementsProblems(
  field: string,
  requirements: LabelSelectorInput['matchExpressions'],
  options: CheckOptions = {},
): Problem[] {
  const out: Problem[] = [];
  (requirements ?? []).forEach((e, i) => {
    const at = `${field}[${i}]`;
    const kp = k8sLabelKeyProblem(e.key ?? '');
    if (kp) out.push({ field: `${at}.key`, problem: kp, fix: options.fix ?? 'use a valid label key' });
    const values = e.values ?? [];
    if (!OPERATORS.includes(e.operator)) {
      out.push({ field: `${at}.operator`, problem: `"${e.operator}" is not a label-selector operator`, fix: `use one of ${OPERATORS.join(', ')}` });
    } else if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      out.push({ field: `${at}.values`, problem: `${e.operator} needs at least one value`, fix: 'list the values, or use Exists' });
    } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      out.push({ field: `${at}.values`, problem: `${e.operator} takes no values`, fix: 'remove the values' });
    }
    values.forEach((v, j) => {
      const vp = k8sLabelValueProblem(v);
      if (vp) out.push({ field: `${at}.values[${j}]`, problem: vp, fix: options.fix ?? 'use a valid label value' });
    });
  });
  return out;
}

/** What a prop puts into an object's metadata. */
export interface MetadataInput {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Options of {@link metadataProblems}: the prop each part came from, and the name rule. */
export interface MetadataCheckOptions {
  /** @default 'name' */
  readonly nameField?: string;
  /** @default 'namespace' */
  readonly namespaceField?: string;
  /** @default 'labels' */
  readonly labelsField?: string;
  /** @default 'annotations' */
  readonly annotationsField?: string;
  /** @default 'dns-subdomain' */
  readonly nameRule?: NameRule;
}

/** Problems with every part of an object's metadata that is given. */
export function metadataProblems(meta: MetadataInput, options: MetadataCheckOptions = {}): Problem[] {
  return [
    ...(meta.name !== undefined ? nameProblems(options.nameField ?? 'name', meta.name, { rule: options.nameRule }) : []),
    ...(meta.namespace !== undefined ? namespaceProblems(options.namespaceField ?? 'namespace', meta.namespace) : []),
    ...labelsProblems(options.labelsField ?? 'labels', meta.labels),
    ...annotationsProblems(options.annotationsField ?? 'annotations', meta.annotations),
  ];
}

/** Problems with the labels of Prometheus series or alerts (names by Prometheus' rules; any value). */
export function promLabelsProblems(field: string, labels: Readonly<Record<string, string>> | undefined, options: CheckOptions = {}): Problem[] {
  return Object.entries(labels ?? {}).flatMap(([k, v]) => {
    const np = promLabelNameProblem(k);
    if (np) return [{ field: `${field}.${k}`, problem: np, fix: options.fix ?? 'use letters, digits and "_", not starting with a digit or "__"' }];
    return typeof v === 'string'
      ? []
      : [{ field: `${field}.${k}`, problem: `the value of "${k}" is not a string`, fix: 'give the value as a string' }];
  });
}
