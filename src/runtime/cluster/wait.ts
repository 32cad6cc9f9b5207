/**
 * Waiting for an object to reach a state, by watch: read it, then follow its changes until
 * the condition holds or the deadline passes. A watch the server drops is reopened from the
 * last resourceVersion seen; a `410 Gone` (that version is too old) relists first. On
 * timeout the result carries the object as it was last seen.
 */
import { Cluster, ClusterError, KubeObject, ResourceType } from './types';

/** Options of {@link waitFor}. */
export interface WaitOptions<T extends KubeObject> {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Called with every version of the object seen (progress display). @default - none */
  readonly onUpdate?: (object: T) => void;
  /** Called when the watch is reopened, with why. @default - none */
  readonly onReconnect?: (why: 'dropped' | 'gone') => void;
}

/** How a wait ended. */
export interface WaitResult<T extends KubeObject> {
  /** `met`: the condition holds; `timeout`: the deadline passed; `deleted`: the object went away. */
  readonly outcome: 'met' | 'timeout' | 'deleted';
  /** The object as last seen (undefined if it was never seen). */
  readonly last?: T;
  /** How many times the watch was reopened after a drop or a 410 Gone. */
  readonly reconnects: number;
  readonly relists: number;
}

/** Waits until `done(object)` holds for the named object. API errors other than drops and 410 reject. */
export async function waitFor<T extends KubeObject>(cluster: Cluster, type: ResourceType, name: string, namespace: string | undefined, done: (o: T) => boolean, options: WaitOptions<T>): Promise<WaitResult<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let last: T | undefined;
  let reconnects = 0;
  let relists = 0;
  const relist = async (): Promise<{ rv: string; result?: WaitResult<T> }> => {
    const list = await cluster.list<T>(type, { namespace, fieldSelector: `metadata.name=${name}` });
    const found = list.items.find((o) => o.metadata.name === name);
    if (found) {
      last = found;
      options.onUpdate?.(found);
      if (done(found)) return { rv: list.resourceVersion, result: { outcome: 'met', last, reconnects, relists } };
    } else if (last) {
      return { rv: list.resourceVersion, result: { outcome: 'deleted', last, reconnects, relists } };
    }
    return { rv: list.resourceVersion };
  };
  let start = await relist();
  if (start.result) return start.result;
  let rv = start.rv;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { outcome: 'timeout', last, reconnects, relists };
    let finished: WaitResult<T> | undefined;
    let stopFn: () => void = () => undefined;
    const ended = new Promise<'ended' | 'gone' | 'met'>((resolve, reject) => {
      cluster
        .watch<T>(type, { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: rv }, (e) => {
          if (e.object.metadata.name !== name) return;
          if (e.object.metadata.resourceVersion) rv = e.object.metadata.resourceVersion;
          if (e.type === 'DELETED') {
            finished = { outcome: 'deleted', last: last ?? e.object, reconnects, relists };
            resolve('met');
            return;
          }
          last = e.object;
          options.onUpdate?.(e.object);
          if (done(e.object)) {
            finished = { outcome: 'met', last, reconnects, relists };
            resolve('met');
          }
        })
        .then((h) => {
          stopFn = h.stop;
          h.done.then(
            () => resolve('ended'),
            (err) => (err instanceof ClusterError && err.status === 410 ? resolve('gone') : reject(err)),
          );
        }, reject);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    let why: 'ended' | 'gone' | 'met' | 'timeout';
    try {
      why = await Promise.race([ended, timedOut]);
    } finally {
      clearTimeout(timer);
      stopFn();
    }
    if (finished) return finished;
    if (why === 'timeout') return { outcome: 'timeout', last, reconnects, relists };
    if (why === 'gone') {
      relists++;
      options.onReconnect?.('gone');
      start = await relist();
      if (start.result) return start.result;
      rv = start.rv;
    } else {
      reconnects++;
      options.onReconnect?.('dropped');
      // A short pause so a server that keeps closing the stream is not hammered.
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
