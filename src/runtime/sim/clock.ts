/**
 * The simulation's clock. It follows real time, can be moved forward (`advance`) so tests
 * reach a cron run or a TTL without waiting, and runs timers on simulated time: a timer
 * fires when real time or an `advance` reaches it, whichever comes first.
 */

/** What operations and controllers read the time from. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

interface Timer {
  readonly at: number;
  readonly fn: () => void;
  handle?: NodeJS.Timeout;
  fired: boolean;
}

/** A clock that follows real time plus an offset that `advance` grows. */
export class SimClock implements Clock {
  private offset = 0;
  private readonly timers = new Set<Timer>();

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offset;
  }

  /** Runs `fn` after `ms` of simulated time; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const t: Timer = { at: this.now() + ms, fn, fired: false };
    const fire = (): void => {
      if (t.fired) return;
      t.fired = true;
      this.timers.delete(t);
      if (t.handle) clearTimeout(t.handle);
      t.fn();
    };
    t.handle = setTimeout(fire, Math.max(0, ms));
    t.handle.unref?.();
    (t as { fire?: () => void }).fire = fire;
    this.timers.add(t);
    return () => {
      t.fired = true;
      if (t.handle) clearTimeout(t.handle);
      this.timers.delete(t);
    };
  }

  /** Moves simulated time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.timers].filter((t) => t.at <= this.now()).sort((a, b) => a.at - b.at);
    for (const t of due) (t as { fire?: () => void }).fire?.();
  }

  /** Cancels every pending timer. */
  stop(): void {
    for (const t of this.timers) {
      t.fired = true;
      if (t.handle) clearTimeout(t.handle);
    }
    this.timers.clear();
  }
}
