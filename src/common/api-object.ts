import { ApiObject, ApiObjectMetadata, ApiObjectProps, GroupVersionKind } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * Creates a plain `ApiObject` from props typed by a generated import. The generated
 * classes filter their output through their serializer, which silently drops anything an
 * `addJsonPatch` adds outside the schema; a plain ApiObject keeps every patch, so the
 * escape hatch works for every field.
 *
 * `metadata.name` is always explicit: objects are referred to by name, and cdk8s would
 * otherwise add a hash suffix.
 */
export function typedApiObject<P extends { metadata?: ApiObjectMetadata }>(
  scope: Construct,
  id: string,
  gvk: GroupVersionKind,
  props: P & { metadata: ApiObjectMetadata & { name: string } },
  serialize: (p: P) => Record<string, unknown> | undefined,
): ApiObject {
  const { metadata, ...rest } = props;
  const body = serialize(rest as unknown as P) ?? {};
  return new ApiObject(scope, id, { ...gvk, metadata, ...body });
}

/**
 * Creates a plain `ApiObject` for a core Kubernetes kind from a body typed by the
 * `kubernetes-models` schemas (see ./k8s-types). Like {@link typedApiObject}, every
 * `addJsonPatch` reaches the output, and `metadata.name` is explicit.
 */
export function coreApiObject<T extends { apiVersion: string; kind: string }>(
  scope: Construct,
  id: string,
  gvk: Pick<T, 'apiVersion' | 'kind'>,
  body: Omit<T, 'apiVersion' | 'kind' | 'metadata'> & { metadata: ApiObjectMetadata & { name: string } },
): ApiObject {
  return new ApiObject(scope, id, { ...gvk, ...body } as ApiObjectProps);
}

/**
 * What every construct of the library exposes, as cdk8s-plus constructs do: its main object
 * (`apiObject`, also what `ApiObject.of(construct)` returns) and every object it made
 * (`apiObjects`), for `addJsonPatch` on what the library does not model.
 */
export interface IApiObjectOwner {
  /** The main object. */
  readonly apiObject: ApiObject;
  /** Every object the construct made (its own and its children's), in creation order. */
  readonly apiObjects: readonly ApiObject[];
}

/** Makes `main` the construct's main object, so that `ApiObject.of(owner)` finds it. */
export function setMainObject<T extends ApiObject>(owner: IConstruct, main: T): T {
  owner.node.defaultChild = main;
  return main;
}

/** Every `ApiObject` under a construct, in creation order. */
export function apiObjectsOf(owner: IConstruct): ApiObject[] {
  return owner.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}
