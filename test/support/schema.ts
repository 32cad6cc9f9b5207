/**
 * Validation of synthesized manifests, as the API server would do it:
 * - custom resources against the upstream CRDs in the project's crds/ (structural schema: types,
 *   required fields, enums, patterns, and no unknown fields where the schema does not
 *   preserve them);
 * - core kinds against the `kubernetes-models` schemas (types, required fields, formats)
 *   plus an unknown-field check through the Kubernetes 1.28 API types that cdk8s-plus-28
 *   ships (a field those serializers drop is not part of the API).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as YAML from 'yaml';

/** The project's copy of the upstream CRDs (see crds/README.md). */
export const CRD_DIR = path.resolve(__dirname, '..', '..', 'crds');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const METADATA_SCHEMA = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: DNS_SUBDOMAIN, maxLength: 253 },
    namespace: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    ownerReferences: { type: 'array' },
    finalizers: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
};

/** Turns a Kubernetes structural schema into JSON Schema with the API server's semantics. */
export function structuralToJsonSchema(node: Json): Json {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(structuralToJsonSchema);
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || k === 'format' || k === 'description') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, structuralToJsonSchema(pv)]));
    } else if (k === 'additionalProperties' && typeof v === 'object') {
      out.additionalProperties = structuralToJsonSchema(v);
    } else if (['items', 'not'].includes(k)) {
      out[k] = structuralToJsonSchema(v);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(k)) {
      out[k] = (v as Json[]).map(structuralToJsonSchema);
    } else {
      out[k] = v;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...(out.anyOf ?? []), { type: 'integer' }, { type: 'string' }];
  }
  // OpenAPI 3.0 booleans exclusiveMinimum/exclusiveMaximum become JSON Schema numbers.
  for (const [ex, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[ex] === 'boolean') {
      if (out[ex] && out[bound] !== undefined) out[ex] = out[bound];
      else delete out[ex];
      if (out[ex] !== undefined) delete out[bound];
    }
  }
  if (node.nullable && out.type) out.type = [out.type, 'null'];
  delete out.nullable;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
  if (node.type === 'object' && !preserve && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

interface CrdValidator {
  readonly schema: Json;
  readonly file: string;
  compiled?: ValidateFunction;
}

/** CRD patterns are Go RE2: turn an inline `(?i)` into the JavaScript flag. */
function goRegExp(pattern: string, flags: string): RegExp {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  if (m) return new RegExp(m[1] + pattern.slice(m[0].length), flags + 'i');
  return new RegExp(pattern, flags);
}
goRegExp.code = 'RegExp';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });

let crdCache: Map<string, CrdValidator> | undefined;

/** Every served version of every CRD in crds/, keyed `apiVersion|kind`. */
export function crdValidators(): Map<string, CrdValidator> {
  if (crdCache) return crdCache;
  const map = new Map<string, CrdValidator>();
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJSON();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        if (!version.served) continue;
        const schema = structuralToJsonSchema(version.schema.openAPIV3Schema);
        schema.properties = { ...schema.properties, metadata: METADATA_SCHEMA };
        schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
        schema.additionalProperties = false;
        map.set(`${crd.spec.group}/${version.name}|${crd.spec.names.kind}`, { schema, file });
      }
    }
  }
  crdCache = map;
  return map;
}

/** kind -> [kubernetes-models module path, cdk8s-plus-28 serializer name]. */
const CORE: Record<string, [string, string]> = {
  'v1|ConfigMap': ['v1/ConfigMap', 'toJson_KubeConfigMapProps'],
  'v1|Secret': ['v1/Secret', 'toJson_KubeSecretProps'],
  'v1|Service': ['v1/Service', 'toJson_KubeServiceProps'],
  'v1|ServiceAccount': ['v1/ServiceAccount', 'toJson_KubeServiceAccountProps'],
  'v1|PersistentVolumeClaim': ['v1/PersistentVolumeClaim', 'toJson_KubePersistentVolumeClaimProps'],
  'v1|Namespace': ['v1/Namespace', 'toJson_KubeNamespaceProps'],
  'v1|Pod': ['v1/Pod', 'toJson_KubePodProps'],
  'apps/v1|Deployment': ['apps/v1/Deployment', 'toJson_KubeDeploymentProps'],
  'apps/v1|StatefulSet': ['apps/v1/StatefulSet', 'toJson_KubeStatefulSetProps'],
  'apps/v1|DaemonSet': ['apps/v1/DaemonSet', 'toJson_KubeDaemonSetProps'],
  'batch/v1|Job': ['batch/v1/Job', 'toJson_KubeJobProps'],
  'batch/v1|CronJob': ['batch/v1/CronJob', 'toJson_KubeCronJobProps'],
  'networking.k8s.io/v1|NetworkPolicy': ['networking.k8s.io/v1/NetworkPolicy', 'toJson_KubeNetworkPolicyProps'],
  'rbac.authorization.k8s.io/v1|Role': ['rbac.authorization.k8s.io/v1/Role', 'toJson_KubeRoleProps'],
  'rbac.authorization.k8s.io/v1|RoleBinding': ['rbac.authorization.k8s.io/v1/RoleBinding', 'toJson_KubeRoleBindingProps'],
  'rbac.authorization.k8s.io/v1|ClusterRole': ['rbac.authorization.k8s.io/v1/ClusterRole', 'toJson_KubeClusterRoleProps'],
  'rbac.authorization.k8s.io/v1|ClusterRoleBinding': ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'toJson_KubeClusterRoleBindingProps'],
  'policy/v1|PodDisruptionBudget': ['policy/v1/PodDisruptionBudget', 'toJson_KubePodDisruptionBudgetProps'],
};

function getPath(obj: Json, p: string[]): Json {
  return p.reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj: Json, p: string[], value: Json): void {
  const parent = getPath(obj, p.slice(0, -1));
  parent[p[p.length - 1]] = value;
}

/** Paths present in `original` but absent from `filtered`. */
function droppedPaths(original: Json, filtered: Json, at: string[] = []): string[][] {
  if (original === null || typeof original !== 'object') return [];
  if (filtered !== undefined && (filtered === null || typeof filtered !== 'object')) return [];
  const out: string[][] = [];
  for (const [k, v] of Object.entries(original)) {
    const f = filtered == null ? undefined : filtered[k];
    if (f === undefined && v !== undefined) out.push([...at, k]);
    else out.push(...droppedPaths(v, f, [...at, k]));
  }
  return out;
}

function unknownCoreFields(obj: Json, serializerName: string): string[] {
  const serializer = (k8s as Json)[serializerName] as (o: Json) => Json;
  const { apiVersion: _a, kind: _k, ...props } = obj;
  const candidate = JSON.parse(JSON.stringify(props));
  let dropped = droppedPaths(props, serializer(candidate));
  // IntOrString and Quantity are classes in the cdk8s types: a primitive there is dropped
  // by the serializer although the field is known. Retry such leaves wrapped like those classes.
  for (const p of dropped) {
    const v = getPath(props, p);
    if (v !== null && typeof v !== 'object') setPath(candidate, p, { value: v });
  }
  dropped = droppedPaths(candidate, serializer(candidate));
  // A few cdk8s property names differ from the API's JSON names only in the case of an
  // acronym (setHostnameAsFqdn -> setHostnameAsFQDN): retry such keys under that spelling.
  return dropped
    .filter((p) => {
      const key = p[p.length - 1];
      const variant = key.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|$)/g, (_m, a: string, b: string) => a + b.toLowerCase());
      if (variant === key) return true;
      const probe = JSON.parse(JSON.stringify(candidate));
      const parent = getPath(probe, p.slice(0, -1));
      parent[variant] = parent[key];
      delete parent[key];
      return getPath(serializer(probe), p) === undefined;
    })
    .map((p) => p.join('.'));
}

/** Problems with one manifest, as `Kind/name: problem` strings; empty when valid. */
export function manifestProblems(obj: Json): string[] {
  const where = `${obj?.kind}/${obj?.metadata?.name}`;
  const key = `${obj?.apiVersion}|${obj?.kind}`;
  const crd = crdValidators().get(key);
  if (crd) {
    crd.compiled ??= ajv.compile(crd.schema);
    if (crd.compiled(obj)) return [];
    return (crd.compiled.errors ?? []).map(
      (e) =>
        `${where}: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as Json).additionalProperty})` : ''} [${crd.file}]`,
    );
  }
  const core = CORE[key];
  if (!core) return [`${where}: no schema known for ${key}; add it to test/support/schema.ts`];
  const problems: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`kubernetes-models/${core[0]}`);
  const Model = mod[obj.kind];
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
  }
  for (const f of unknownCoreFields(obj, core[1])) problems.push(`${where}: unknown field ${f}`);
  if (!obj.metadata?.name) problems.push(`${where}: metadata.name is required`);
  return problems;
}

/** Problems with every manifest in the list. */
export function manifestsProblems(objs: Json[]): string[] {
  return objs.flatMap(manifestProblems);
}

/** Jest helper: fails with every problem listed. */
export function expectValidManifests(objs: Json[]): void {
  expect(objs.length).toBeGreaterThan(0);
  expect(manifestsProblems(objs)).toEqual([]);
}
