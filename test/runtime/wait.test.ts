/**
 * waitFor over an in-memory Cluster whose watches can be dropped or answered with 410 Gone,
 * so each path is deterministic: met, deleted, timeout with the last state seen, reconnect
 * after a drop, relist after 410, and other API errors rejecting.
 */
import { Cluster, ClusterError, KubeObject, ListOptions, ObjectList, ResourceType, WatchEvent, WatchHandle } from '../../src/runtime/cluster/types';
import { waitFor } from '../../src/runtime/cluster/wait';

const T: ResourceType = { group: 'velero.io', version: 'v1', plural: 'backups', kind: 'Backup' };

/** A scripted cluster: one object; each watch call takes the next behaviour from `watches`. */
class FakeCluster implements Cluster {
  readonly target = { context: 'fake', server: 'http://fake' };
  obj: KubeObject | undefined;
  rv = 1;
  lists = 0;
  watchCalls: Array<string | undefined> = [];
  private live?: (e: WatchEvent) => void;
  constructor(
    phase: string | undefined,
    readonly watches: Array<'ok' | 'drop' | 'gone' | 'forbidden' | 'unavailable'>,
  ) {
    this.obj = phase === undefined ? undefined : this.make(phase);
  }
  private make(phase: string): KubeObject {
    return { metadata: { name: 'b', namespace: 'velero', resourceVersion: String(this.rv) }, status: { phase } };
  }
  /** Changes the object; a live watch sees it. */
  set(phase: string): void {
    this.rv++;
    this.obj = this.make(phase);
    this.live?.({ type: 'MODIFIED', object: this.obj });
  }
  remove(): void {
    this.rv++;
    const gone = this.obj!;
    this.obj = undefined;
    this.live?.({ type: 'DELETED', object: gone });
  }
  async get<U extends KubeObject>(): Promise<U | undefined> {
    return this.obj as U | undefined;
  }
  async list<U extends KubeObject>(_t: ResourceType, _o?: ListOptions): Promise<ObjectList<U>> {
    this.lists++;
    return { items: (this.obj ? [this.obj] : []) as U[], resourceVersion: String(this.rv) };
  }
  async create<U extends KubeObject>(): Promise<U> {
    throw new Error('not used');
  }
  async patch<U extends KubeObject>(): Promise<U> {
    throw new Error('not used');
  }
  async delete(): Promise<boolean> {
    return false;
  }
  async watch<U extends KubeObject>(
    _t: ResourceType,
    o: ListOptions & { resourceVersion?: string },
    onEvent: (e: WatchEvent<U>) => void,
  ): Promise<WatchHandle> {
    this.watchCalls.push(o.resourceVersion);
    const behaviour = this.watches.shift() ?? 'ok';
    let end!: (err?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => (end = (err) => (err ? reject(err) : resolve())));
    if (behaviour === 'drop') setTimeout(() => end(), 5);
    else if (behaviour === 'gone') setTimeout(() => end(new ClusterError('too old resource version', 410, 'Expired')), 5);
    else if (behaviour === 'forbidden') setTimeout(() => end(new ClusterError('forbidden: watch', 403, 'Forbidden')), 5);
    else if (behaviour === 'unavailable') setTimeout(() => end(new ClusterError('the API server failed (503)', 503, 'ServiceUnavailable')), 5);
    else this.live = onEvent as (e: WatchEvent) => void;
    return { stop: () => end(), done };
  }
}

const completed = (o: KubeObject): boolean => (o.status as { phase?: string }).phase === 'Completed';

test('met without a watch when the object already satisfies the condition', async () => {
  const c = new FakeCluster('Completed', []);
  const r = await waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 1000 });
  expect([r.outcome, r.reconnects, r.relists, c.watchCalls]).toEqual(['met', 0, 0, []]);
});

test('met through watch events; every version seen is reported', async () => {
  const c = new FakeCluster('InProgress', ['ok']);
  const seen: string[] = [];
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 2000, onUpdate: (o) => seen.push(String((o.status as { phase: string }).phase)) });
  await new Promise((r) => setTimeout(r, 20));
  c.set('Finalizing');
  c.set('Completed');
  const r = await p;
  expect(r.outcome).toBe('met');
  expect(seen).toEqual(['InProgress', 'Finalizing', 'Completed']);
  expect(c.watchCalls).toEqual(['1']);
});

test('a dropped watch is reopened from the last resourceVersion seen', async () => {
  const c = new FakeCluster('InProgress', ['drop', 'drop', 'ok']);
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 2000 });
  await new Promise((r) => setTimeout(r, 120));
  c.set('Completed');
  const r = await p;
  expect([r.outcome, r.reconnects, r.relists]).toEqual(['met', 2, 0]);
  expect(c.watchCalls).toEqual(['1', '1', '1']);
  expect(c.lists).toBe(1);
});

test('410 Gone relists and continues from the new resourceVersion; a change made meanwhile is seen by the relist', async () => {
  const c = new FakeCluster('InProgress', ['gone', 'ok']);
  c.set('Finalizing');
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 2000 });
  await new Promise((r) => setTimeout(r, 60));
  c.set('Completed');
  const r = await p;
  expect([r.outcome, r.reconnects, r.relists, c.lists]).toEqual(['met', 0, 1, 2]);
  expect(c.watchCalls).toEqual(['2', '2']);
  const d = new FakeCluster('InProgress', ['gone']);
  const q = waitFor(d, T, 'b', 'velero', completed, { timeoutMs: 2000 });
  d.set('Completed');
  expect((await q).outcome).toBe('met');
});

test('timeout reports the last state seen', async () => {
  const c = new FakeCluster('InProgress', ['ok']);
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 80 });
  await new Promise((r) => setTimeout(r, 10));
  c.set('Finalizing');
  const r = await p;
  expect(r.outcome).toBe('timeout');
  expect((r.last!.status as { phase: string }).phase).toBe('Finalizing');
});

test('deleted while waiting; other API errors reject', async () => {
  const c = new FakeCluster('InProgress', ['ok']);
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 2000 });
  await new Promise((r) => setTimeout(r, 10));
  c.remove();
  expect((await p).outcome).toBe('deleted');
  const f = new FakeCluster('InProgress', ['forbidden']);
  await expect(waitFor(f, T, 'b', 'velero', completed, { timeoutMs: 2000 })).rejects.toThrow('forbidden: watch');
});

test('a watch refused with 503 is retried with a back-off; refused six times in a row, the wait gives up', async () => {
  const c = new FakeCluster('InProgress', ['unavailable', 'unavailable', 'ok']);
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 3000 });
  await new Promise((r) => setTimeout(r, 250));
  c.set('Completed');
  const r = await p;
  expect([r.outcome, r.reconnects, r.relists]).toEqual(['met', 2, 0]);
  expect(c.watchCalls).toEqual(['1', '1', '1']);
  const d = new FakeCluster('InProgress', Array(6).fill('unavailable'));
  await expect(waitFor(d, T, 'b', 'velero', completed, { timeoutMs: 10000 })).rejects.toThrow('the watch on backups was refused 6 times in a row');
});

test('an aborted signal ends the wait with outcome aborted; untilDeleted treats an absent object as deleted', async () => {
  const c = new FakeCluster('InProgress', ['ok']);
  const ac = new AbortController();
  const p = waitFor(c, T, 'b', 'velero', completed, { timeoutMs: 5000, signal: ac.signal });
  await new Promise((r) => setTimeout(r, 10));
  ac.abort('SIGINT');
  expect((await p).outcome).toBe('aborted');
  const gone = new FakeCluster(undefined, []);
  expect((await waitFor(gone, T, 'b', 'velero', () => false, { timeoutMs: 1000, untilDeleted: true })).outcome).toBe('deleted');
});
