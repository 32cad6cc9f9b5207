/**
 * Waiting by watch: list, then follow the changes until a condition holds or the deadline
 * passes. A watch the server drops is reopened from the last resourceVersion seen; a
 * `410 Gone` (that version is too old) relists first; a watch refused with 429 or 5xx is
 * retried a few times with a back-off, as a client-go reflector does. On timeout the result
 * carries what was last seen. An AbortSignal ends a wait early (outcome `aborted`).
 *
 * {@link waitFor} follows one named object; {@link followCollection} follows every object of
 * a type in a namespace (the DR drill's recovery: all deployments Ready).
 */
import { Cluster, ClusterError, KubeObject, ListOptions, ResourceType, WatchEvent } from './types';

/** Options of {@link waitFor}. */
export interface WaitOptions<T extends KubeObject> {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Called with every version of the object seen (progress display). @default - none */
  readonly onUpdate?: (object: T) => void;
  /** Called when the watch is reopened, with why. @default - none */
  readonly onReconnect?: (why: 'dropped' | 'gone' | 'error') => void;
  /** Ends the wait early with outcome `aborted`. @default - none */
  readonly signal?: AbortSignal;
  /** Wait for the object to be gone: an object absent from a list counts as deleted. @default false */
  readonly untilDeleted?: boolean;
}

/** How a wait ended. */
export interface WaitResult<T extends KubeObject> {
  /** `met`: the condition holds; `timeout`: the deadline passed; `deleted`: the object went away; `aborted`: the signal fired. */
  readonly outcome: 'met' | 'timeout' | 'deleted' | 'aborted';
  /** The object as last seen (undefined if it was never seen). */
  readonly last?: T;
  /** How many times the watch was reopened after a drop or a refused watch (429/5xx). */
  readonly reconnects: number;
  /** How many times the collection was listed again after a 410 Gone. */
  readonly relists: number;
}

/** Watches refused with 429/5xx in a row before the wait gives up with the error. */
const WATCH_ERROR_RETRIES = 5;

function retryable(e: unknown): boolean {
  return e instanceof ClusterError && (e.status === 429 || e.status >= 500);
}

/** What a follower decides after a list or an event: keep going, or stop with a result. */
export interface Follower<T extends KubeObject, R> {
  /** After the first list and after every relist. */
  onList(items: readonly T[], relisted: boolean): R | undefined;
  onEvent(event: WatchEvent<T>): R | undefined;
}

/** The end of {@link follow}. */
export interface FollowResult<R> {
  readonly outcome: 'done' | 'timeout' | 'aborted';
  readonly result?: R;
  readonly reconnects: number;
  readonly relists: number;
}

/** Options of {@link follow}. */
export interface FollowOptions {
  readonly timeoutMs: number;
  /** @default - none */
  readonly signal?: AbortSignal;
  /** @default - none */
  readonly onReconnect?: (why: 'dropped' | 'gone' | 'error') => void;
}

/** List, then watch, until the follower returns a result (the core of every wait here). */
export async function follow<T extends KubeObject, R>(
  cluster: Cluster,
  type: ResourceType,
  selection: ListOptions,
  follower: Follower<T, R>,
  options: FollowOptions,
): Promise<FollowResult<R>> {
  const deadline = Date.now() + options.timeoutMs;
  let reconnects = 0;
  let relists = 0;
  let errorsInARow = 0;
  const aborted = (): boolean => options.signal?.aborted === true;
  const end = (outcome: FollowResult<R>['outcome'], result?: R): FollowResult<R> => ({ outcome, result, reconnects, relists });
  const list = async (relisted: boolean): Promise<{ rv: string; result?: R }> => {
    const l = await cluster.list<T>(type, selection);
    return { rv: l.resourceVersion, result: follower.onList(l.items, relisted) };
  };
  if (aborted()) return end('aborted');
  let start = await list(false);
  if (start.result !== undefined) return end('done', start.result);
  let rv = start.rv;
  for (;;) {
    if (aborted()) return end('aborted');
    const remaining = deadline - Date.now();
    if (remaining <= 0) return end('timeout');
    let finished: R | undefined;
    let stopFn: () => void = () => undefined;
    const ended = new Promise<'ended' | 'gone' | 'met' | 'error'>((resolve, reject) => {
      cluster
        .watch<T>(type, { ...selection, resourceVersion: rv }, (e) => {
          if (finished !== undefined) return;
          errorsInARow = 0;
          if (e.object.metadata.resourceVersion) rv = e.object.metadata.resourceVersion;
          const r = follower.onEvent(e);
          if (r !== undefined) {
            finished = r;
            resolve('met');
          }
        })
        .then(
          (h) => {
            stopFn = h.stop;
            h.done.then(
              () => resolve('ended'),
              (err) => (err instanceof ClusterError && err.status === 410 ? resolve('gone') : retryable(err) ? resolve('error') : reject(err)),
            );
          },
          (err) => (retryable(err) ? resolve('error') : reject(err)),
        );
    });
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
      onAbort = () => resolve('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let why: 'ended' | 'gone' | 'met' | 'error' | 'timeout' | 'aborted';
    try {
      why = await Promise.race([ended, stopped]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      stopFn();
    }
    if (finished !== undefined) return end('done', finished);
    if (why === 'timeout' || why === 'aborted') return end(why);
    if (why === 'gone') {
      relists++;
      options.onReconnect?.('gone');
      start = await list(true);
      if (start.result !== undefined) return end('done', start.result);
      rv = start.rv;
    } else if (why === 'error') {
      errorsInARow++;
      reconnects++;
      options.onReconnect?.('error');
      if (errorsInARow > WATCH_ERROR_RETRIES) {
        // Give up with the error itself: a list shows it with its message.
        await cluster.list<T>(type, selection);
        throw new ClusterError(`the watch on ${type.plural} was refused ${errorsInARow} times in a row`, 503);
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** (errorsInARow - 1))));
    } else {
      reconnects++;
      options.onReconnect?.('dropped');
      // A short pause so a server that keeps closing the stream is not hammered.
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Waits until `done(object)` holds for the named object. API errors other than drops, 410 and short 429/5xx bursts reject. */
export async function waitFor<T extends KubeObject>(
  cluster: Cluster,
  type: ResourceType,
  name: string,
  namespace: string | undefined,
  done: (o: T) => boolean,
  options: WaitOptions<T>,
): Promise<WaitResult<T>> {
  let last: T | undefined;
  const seen = (o: T): 'met' | undefined => {
    last = o;
    options.onUpdate?.(o);
    return done(o) ? 'met' : undefined;
  };
  const r = await follow<T, 'met' | 'deleted'>(
    cluster,
    type,
    { namespace, fieldSelector: `metadata.name=${name}` },
    {
      onList: (items) => {
        const found = items.find((o) => o.metadata.name === name);
        if (found) return seen(found);
        return last || options.untilDeleted ? 'deleted' : undefined;
      },
      onEvent: (e) => {
        if (e.object.metadata.name !== name) return undefined;
        if (e.type === 'DELETED') {
          last ??= e.object;
          return 'deleted';
        }
        return seen(e.object);
      },
    },
    options,
  );
  const outcome = r.outcome === 'done' ? r.result! : r.outcome;
  return { outcome, last, reconnects: r.reconnects, relists: r.relists };
}

/** Waits until the named object is gone (absent, or deleted while watched). */
export function waitForDeletion<T extends KubeObject>(
  cluster: Cluster,
  type: ResourceType,
  name: string,
  namespace: string | undefined,
  options: Omit<WaitOptions<T>, 'untilDeleted'>,
): Promise<WaitResult<T>> {
  return waitFor<T>(cluster, type, name, namespace, () => false, { ...options, untilDeleted: true });
}

/** Options of {@link followCollection}. */
export interface CollectionOptions<T extends KubeObject> extends FollowOptions {
  /** Called after the objects changed, with them and whether the change came from a list (not an event). @default - none */
  readonly onChange?: (objects: ReadonlyMap<string, T>, fromList: boolean) => void;
}

/**
 * Follows every object of a type in a namespace (by name) until `done(objects)` holds.
 * `done` is evaluated after the first list, after every event and after every relist.
 */
export async function followCollection<T extends KubeObject>(
  cluster: Cluster,
  type: ResourceType,
  namespace: string,
  done: (objects: ReadonlyMap<string, T>) => boolean,
  options: CollectionOptions<T>,
): Promise<FollowResult<true> & { readonly objects: ReadonlyMap<string, T> }> {
  const objects = new Map<string, T>();
  const check = (fromList: boolean): true | undefined => {
    options.onChange?.(objects, fromList);
    return done(objects) ? true : undefined;
  };
  const r = await follow<T, true>(
    cluster,
    type,
    { namespace },
    {
      onList: (items) => {
        objects.clear();
        for (const o of items) objects.set(o.metadata.name, o);
        return check(true);
      },
      onEvent: (e) => {
        if (e.type === 'DELETED') objects.delete(e.object.metadata.name);
        else objects.set(e.object.metadata.name, e.object);
        return check(false);
      },
    },
    options,
  );
  return { ...r, objects };
}
