/**
 * A per-app index of the library's constructs, so that checks spanning constructs (one
 * sloth_id per app, one Schedule name per Velero namespace, one self-service label key)
 * look their peers up instead of walking the construct tree, and a version per app that
 * changes whenever something those checks read changes, so their results can be kept
 * between cdk8s's validation passes (it validates the whole app once per chart).
 *
 * Constructs are never removed from a tree, so an index only grows. Internal: not exported
 * from the package root.
 */
import { IConstruct } from 'constructs';

/** What is kept per app (per root construct). */
export interface AppState {
  /** Changes whenever a construct registers or calls {@link appChanged}. */
  version: number;
  /** Registered constructs by kind, in creation order. */
  readonly kinds: Map<symbol, IConstruct[]>;
}

const states = new WeakMap<IConstruct, AppState>();

/** The state of the app `scope` belongs to (created on first use). */
export function appState(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = states.get(root);
  if (!state) {
    state = { version: 0, kinds: new Map() };
    states.set(root, state);
  }
  return state;
}

/** Records that something cross-construct checks read has changed (an `addXxx()` call). */
export function appChanged(scope: IConstruct): void {
  appState(scope).version++;
}

/** One kind of construct that registers in its app when created. */
export class ConstructRegistry<T extends IConstruct> {
  private readonly key: symbol;

  constructor(name: string) {
    this.key = Symbol(name);
  }

  /** Registers `c` in its app; call once, from its constructor. */
  public register(c: T): void {
    const state = appState(c);
    let list = state.kinds.get(this.key);
    if (!list) {
      list = [];
      state.kinds.set(this.key, list);
    }
    list.push(c);
    state.version++;
  }

  /** Every construct of this kind in the app of `scope`, in creation order. */
  public all(scope: IConstruct): readonly T[] {
    return (appState(scope).kinds.get(this.key) ?? []) as T[];
  }
}

/**
 * An app-wide index over one kind of construct (for example sloth_id to the specs that
 * generate it), built once per app version and shared by every construct of the app.
 */
export class AppIndex<T extends IConstruct, V> {
  private readonly cache = new WeakMap<AppState, { readonly version: number; readonly value: V }>();

  constructor(
    private readonly registry: ConstructRegistry<T>,
    private readonly build: (constructs: readonly T[]) => V,
  ) {}

  /** The index of the app `scope` belongs to. */
  public get(scope: IConstruct): V {
    const state = appState(scope);
    const cached = this.cache.get(state);
    if (cached && cached.version === state.version) return cached.value;
    const value = this.build(this.registry.all(scope));
    this.cache.set(state, { version: state.version, value });
    return value;
  }
}

/**
 * A value computed from the app's state, kept until the app's version (or the owner's own
 * `stamp`, for state a caller can change without telling the app) changes.
 */
export class AppMemo<T> {
  private readonly state: AppState;
  private version = -1;
  private stamp: number | string = -1;
  private value: T | undefined;

  constructor(
    scope: IConstruct,
    private readonly compute: () => T,
  ) {
    // A construct's app never changes (constructs cannot be moved), so its state is kept.
    this.state = appState(scope);
  }

  /** The value, recomputed only when the app or `stamp` changed since the last call. */
  public get(stamp: number | string = 0): T {
    if (this.version !== this.state.version || this.stamp !== stamp) {
      this.value = this.compute();
      this.version = this.state.version;
      this.stamp = stamp;
    }
    return this.value as T;
  }
}

/**
 * Sorts constructs into the order `node.findAll()` visits them (pre-order: a construct
 * before its children, siblings in the order they were added), so that messages naming
 * several constructs list them as a tree walk would.
 */
export function sortInTreeOrder<T extends IConstruct>(constructs: readonly T[]): T[] {
  const chains = new Map<IConstruct, IConstruct[]>();
  const chain = (c: IConstruct): IConstruct[] => {
    let out = chains.get(c);
    if (!out) {
      out = [];
      for (let x: IConstruct | undefined = c; x; x = x.node.scope) out.unshift(x);
      chains.set(c, out);
    }
    return out;
  };
  return [...constructs].sort((a, b) => {
    if (a === b) return 0;
    const ca = chain(a);
    const cb = chain(b);
    for (let i = 1; i < Math.min(ca.length, cb.length); i++) {
      if (ca[i] === cb[i]) continue;
      const siblings = ca[i - 1].node.children;
      return siblings.indexOf(ca[i]) - siblings.indexOf(cb[i]);
    }
    return ca.length - cb.length; // an ancestor comes before its descendants
  });
}
