/**
 * One name per object across the app: every chaos construct registers the objects it emits,
 * and each checks at validation that no other construct of the app emits one with its
 * identity (kubectl would apply the second over the first). Chaos Mesh objects that start
 * chaos (every chaos kind, Schedules and Workflows) share one name space per namespace,
 * since the runtime, the dashboard and `kubectl get` find an experiment by namespace and
 * name; other objects clash only with their own kind. The index is built once per app
 * version, so each construct's check is a lookup.
 */
import type { IConstruct } from 'constructs';
import { Problems } from '../common/errors';
import { AppIndex, AppMemo, ConstructRegistry, sortInTreeOrder } from '../common/registry';

/** One object a construct emits: its kind, namespace (none for cluster-scoped kinds) and name, and the prop its name comes from. */
export interface ChaosObjectIdentity {
  /** The kind (`PodChaos`, `Schedule`, `ChaosEngine`, ...). */
  readonly kind: string;
  /** The namespace, for namespaced kinds. */
  readonly namespace?: string;
  /** The object name. */
  readonly name: string;
  /** The prop the name comes from (`name`, `litmus.serviceAccountName`). */
  readonly field: string;
  /** True for a Chaos Mesh object that starts chaos (a chaos kind, a Schedule, a Workflow). */
  readonly startsChaos?: boolean;
}

/** A construct that emits named objects. */
export interface IChaosObjectOwner extends IConstruct {
  /** The objects it emits. */
  readonly objectIdentities: readonly ChaosObjectIdentity[];
}

const OWNERS = new ConstructRegistry<IChaosObjectOwner>('ChaosObjectOwner');

function keyOf(o: ChaosObjectIdentity): string {
  return `${o.startsChaos ? 'chaos' : o.kind}|${o.namespace ?? ''}|${o.name}`;
}

const BY_IDENTITY = new AppIndex(OWNERS, (owners) => {
  const index = new Map<string, Array<{ owner: IChaosObjectOwner; identity: ChaosObjectIdentity }>>();
  for (const owner of owners) {
    for (const identity of owner.objectIdentities) {
      const key = keyOf(identity);
      const list = index.get(key);
      if (list) list.push({ owner, identity });
      else index.set(key, [{ owner, identity }]);
    }
  }
  return index;
});

/**
 * Registers `owner` and adds its check: a problem for each of its objects that another
 * construct of the app also emits. Call once, from the constructor, after the objects are known.
 */
export function registerChaosObjects(owner: IChaosObjectOwner): void {
  OWNERS.register(owner);
  const memo = new AppMemo(owner, () => {
    const problems = new Problems();
    const index = BY_IDENTITY.get(owner);
    for (const identity of owner.objectIdentities) {
      const others = (index.get(keyOf(identity)) ?? []).filter((e) => e.owner !== owner);
      if (others.length === 0) continue;
      const where = identity.namespace !== undefined ? ` in namespace "${identity.namespace}"` : '';
      const named = sortInTreeOrder([...new Set(others.map((e) => e.owner))])
        .map((o) => {
          const kinds = others.filter((e) => e.owner === o).map((e) => e.identity.kind);
          return `${o.node.path} (${[...new Set(kinds)].join(', ')})`;
        })
        .join(', ');
      problems.add(
        identity.field,
        identity.startsChaos
          ? `the ${identity.kind} "${identity.name}"${where} has the name of a chaos object of ${named}: applying both, one overwrites the other or the two cannot be told apart by name`
          : `the ${identity.kind} "${identity.name}"${where} is also emitted by ${named}, and one would overwrite the other`,
        identity.startsChaos ? 'give each experiment, schedule and workflow of a namespace its own name' : `give each its own ${identity.field}`,
      );
    }
    return problems.messages();
  });
  owner.node.addValidation({ validate: () => [...memo.get()] });
}
