import type { Problem } from '../common/errors';

/**
 * Which of the selected pods an experiment acts on (Chaos Mesh's `mode` and `value`).
 */
export class ChaosMode {
  /** Exactly one pod, chosen at random: the smallest blast radius. */
  public static one(): ChaosMode {
    return new ChaosMode('one');
  }

  /** Every selected pod. Needs the experiment's full-blast-radius opt-in. */
  public static all(): ChaosMode {
    return new ChaosMode('all');
  }

  /** A fixed number of pods, chosen at random. */
  public static fixed(count: number): ChaosMode {
    return new ChaosMode('fixed', count);
  }

  /** A fixed percentage (0-100) of the selected pods. 100 needs the full-blast-radius opt-in. */
  public static fixedPercent(percent: number): ChaosMode {
    return new ChaosMode('fixed-percent', percent);
  }

  /** A random percentage of the selected pods, up to `maxPercent` (0-100). */
  public static randomMaxPercent(maxPercent: number): ChaosMode {
    return new ChaosMode('random-max-percent', maxPercent);
  }

  /** Any mode Chaos Mesh accepts, written as it appears in the manifest. */
  public static of(mode: string, value?: number): ChaosMode {
    return new ChaosMode(mode, value);
  }

  private constructor(
    /** The `mode` field. */
    public readonly mode: string,
    /** The `value` field (a count or a percentage), when the mode takes one. */
    public readonly value?: number,
  ) {}

  /** True when this mode hits every selected pod (`all`, or 100%). */
  public get coversAllPods(): boolean {
    return this.mode === 'all' || (this.mode === 'fixed-percent' && this.value === 100) || (this.mode === 'random-max-percent' && this.value === 100);
  }

  /** The share of pods this mode acts on, as a Litmus `PODS_AFFECTED_PERC` value, when it maps to one. */
  public get affectedPercent(): number | undefined {
    if (this.mode === 'all') return 100;
    if (this.mode === 'fixed-percent' || this.mode === 'random-max-percent') return this.value;
    return undefined;
  }

  /** Problems with this mode. */
  public problems(field: string): Problem[] {
    const out: Problem[] = [];
    const modes = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];
    if (!modes.includes(this.mode)) {
      out.push({ field, problem: `"${this.mode}" is not a Chaos Mesh mode`, fix: `use one of ${modes.join(', ')}` });
      return out;
    }
    const needsValue = ['fixed', 'fixed-percent', 'random-max-percent'].includes(this.mode);
    if (needsValue && (this.value === undefined || !Number.isInteger(this.value))) {
      out.push({ field, problem: `mode "${this.mode}" needs a whole-number value`, fix: 'give a count (fixed) or a percentage (percent modes)' });
    } else if (needsValue && this.mode === 'fixed' && this.value! < 1) {
      out.push({ field, problem: `fixed mode with ${this.value} pods selects nothing`, fix: 'give a count of at least 1' });
    } else if (needsValue && this.mode !== 'fixed' && (this.value! < 1 || this.value! > 100)) {
      out.push({ field, problem: `${this.value}% is outside 1-100`, fix: 'give a percentage from 1 to 100' });
    }
    if (!needsValue && this.value !== undefined) {
      out.push({
        field,
        problem: `mode "${this.mode}" takes no value but ${this.value} was given`,
        fix: 'drop the value or use a mode that takes one',
      });
    }
    return out;
  }

  /** The `mode` and `value` fields as they appear in a spec. */
  public toSpec(): { mode: string; value?: string } {
    return this.value === undefined ? { mode: this.mode } : { mode: this.mode, value: String(this.value) };
  }
}
