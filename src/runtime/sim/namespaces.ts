/**
 * The simulated namespace controller. A namespace deleted through the API is `Terminating`
 * (deletionTimestamp set, the `kubernetes` finalizer in `spec.finalizers`); after
 * `timing.namespaceDeleteMs` its contents are removed, then the namespace itself, as the
 * Kubernetes namespace lifecycle controller does.
 */
import { NAMESPACES } from '../cluster/resources';
import { SimContext, SimController } from './controller';
import { StoreEvent } from './store';

export class NamespaceController implements SimController {
  readonly name = 'namespaces';
  private ctx!: SimContext;
  private unsubscribe?: () => void;
  private stopped = false;
  private readonly finalizing = new Set<string>();

  start(ctx: SimContext): void {
    this.ctx = ctx;
    this.unsubscribe = ctx.store.subscribe((e) => setImmediate(() => this.onEvent(e)));
    for (const ns of ctx.store.list(NAMESPACES)) if (ns.metadata.deletionTimestamp) this.finalize(ns.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped || e.type.group !== '' || e.type.plural !== 'namespaces' || e.kind === 'DELETED') return;
    if (e.object.metadata.deletionTimestamp) this.finalize(e.object.metadata.name);
  }

  private finalize(name: string): void {
    if (this.finalizing.has(name)) return;
    this.finalizing.add(name);
    this.ctx.later(this.ctx.timing.namespaceDeleteMs, () => {
      this.finalizing.delete(name);
      if (this.stopped) return;
      const cur = this.ctx.store.get(NAMESPACES, undefined, name);
      // Removing the namespace removes everything in it (see Store.delete).
      if (cur?.metadata.deletionTimestamp) this.ctx.store.delete(NAMESPACES, undefined, name);
    });
  }
}
