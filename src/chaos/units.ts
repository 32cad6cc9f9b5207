import type { Duration } from 'cdk8s';
import type { Problem } from '../common/errors';

/**
 * The rate units Chaos Mesh accepts, as `tc` reads them: `bit` units count bits per second,
 * `bps` units count **bytes** per second (`mbps` is megabytes per second, 8 times `mbit`).
 * SI prefixes (1000), as `tc` applies them.
 */
const RATE_UNITS: Readonly<Record<string, number>> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  bps: 8,
  kbps: 8e3,
  mbps: 8e6,
  gbps: 8e9,
  tbps: 8e12,
};

const RATE_FIX =
  'use a factory such as Bandwidth.megabitsPerSecond(10) or Bandwidth.kilobytesPerSecond(500), or write a whole number and one of bit, kbit, mbit, gbit, tbit (bits per second) or bps, kbps, mbps, gbps, tbps (bytes per second)';

/**
 * A network rate, as Chaos Mesh and `tc` read it. Mind the units: `tc` reads `mbit` as
 * megabits per second and `mbps` as **megabytes** per second (eight times more). The
 * factories say which they mean; Chaos Mesh takes whole numbers only.
 */
export class Bandwidth {
  /** Bits per second (`bit`). */
  public static bitsPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'bit');
  }

  /** Kilobits (1000 bits) per second (`kbit`). */
  public static kilobitsPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'kbit');
  }

  /** Megabits (10^6 bits) per second (`mbit`). */
  public static megabitsPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'mbit');
  }

  /** Gigabits (10^9 bits) per second (`gbit`). */
  public static gigabitsPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'gbit');
  }

  /** Bytes per second (`bps`, as tc spells it). */
  public static bytesPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'bps');
  }

  /** Kilobytes (1000 bytes) per second (`kbps`, as tc spells it). */
  public static kilobytesPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'kbps');
  }

  /** Megabytes (10^6 bytes) per second (`mbps`, as tc spells it). */
  public static megabytesPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'mbps');
  }

  /** Gigabytes (10^9 bytes) per second (`gbps`, as tc spells it). */
  public static gigabytesPerSecond(n: number): Bandwidth {
    return Bandwidth.unit(n, 'gbps');
  }

  /**
   * Kilobits per second, written `kbit`.
   * @deprecated The name reads like tc's `kbps` (kilobytes per second); use {@link Bandwidth.kilobitsPerSecond} or {@link Bandwidth.kilobytesPerSecond}.
   */
  public static kbps(n: number): Bandwidth {
    return Bandwidth.kilobitsPerSecond(n);
  }

  /**
   * Megabits per second, written `mbit`.
   * @deprecated The name reads like tc's `mbps` (megabytes per second); use {@link Bandwidth.megabitsPerSecond} or {@link Bandwidth.megabytesPerSecond}.
   */
  public static mbps(n: number): Bandwidth {
    return Bandwidth.megabitsPerSecond(n);
  }

  /**
   * Gigabits per second, written `gbit`.
   * @deprecated The name reads like tc's `gbps` (gigabytes per second); use {@link Bandwidth.gigabitsPerSecond} or {@link Bandwidth.gigabytesPerSecond}.
   */
  public static gbps(n: number): Bandwidth {
    return Bandwidth.gigabitsPerSecond(n);
  }

  /**
   * A rate written as in the manifest (`10mbit`, `500kbps`), read as tc reads it (`bps`
   * units are bytes per second). Checked when an experiment uses it.
   */
  public static of(raw: string): Bandwidth {
    const m = /^([0-9]+)(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)$/.exec(typeof raw === 'string' ? raw.toLowerCase() : '');
    return new Bandwidth(String(raw), m ? Number(m[1]) * RATE_UNITS[m[2]] : undefined);
  }

  private static unit(n: number, unit: string): Bandwidth {
    return new Bandwidth(`${n}${unit}`, Number.isFinite(n) ? n * RATE_UNITS[unit] : undefined);
  }

  private constructor(
    /** The rate as written in the manifest. */
    public readonly value: string,
    /** Bits per second, when the value is a rate Chaos Mesh accepts. */
    public readonly bitsPerSecond?: number,
  ) {}

  /** Problems with this rate: Chaos Mesh takes a whole, positive number and one of its ten units. */
  public problems(field: string): Problem[] {
    const units = 'bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps';
    if (!new RegExp(`^[0-9]+(${units})$`, 'i').test(this.value)) {
      const fraction = new RegExp(`^[0-9]+\\.[0-9]+(${units})$`, 'i').exec(this.value);
      return [
        fraction
          ? {
              field,
              problem: `"${this.value}" is not a whole number of ${fraction[1]}, and Chaos Mesh takes whole numbers only`,
              fix: 'use a smaller unit, such as Bandwidth.kilobitsPerSecond(1500) for 1.5 megabits per second',
            }
          : { field, problem: `"${this.value}" is not a rate Chaos Mesh accepts`, fix: RATE_FIX },
      ];
    }
    if (this.bitsPerSecond === 0)
      return [
        {
          field,
          problem: `the rate "${this.value}" is zero, so no traffic would pass`,
          fix: 'give a positive rate, or use networkPartition to cut traffic',
        },
      ];
    return [];
  }
}

/** An amount of memory for a memory stressor (`256MB`, `25%`). */
export class MemorySize {
  /** Megabytes (`MB`). */
  public static megabytes(n: number): MemorySize {
    return new MemorySize(`${n}MB`, n);
  }

  /** Gigabytes (`GB`). */
  public static gigabytes(n: number): MemorySize {
    return new MemorySize(`${n}GB`, n * 1024);
  }

  /** A whole percentage (1-100) of the memory available. */
  public static percent(p: number): MemorySize {
    return new MemorySize(`${p}%`);
  }

  /** Any size Chaos Mesh accepts, written as in the manifest (`512MB`, `1GiB`, `30%`). Checked when an experiment uses it. */
  public static of(raw: string): MemorySize {
    return new MemorySize(raw);
  }

  private constructor(
    /** The size as written in the manifest. */
    public readonly value: string,
    /** Megabytes, when known (Litmus takes megabytes). */
    public readonly megabytes?: number,
  ) {}

  /**
   * Problems with this size, by the rules Chaos Mesh checks a stressor's size with: a whole
   * percentage up to 100, or a number with an optional unit (`B`, `KB`, `MB`, `GB`, `TB`,
   * `PB`, with or without `i`).
   */
  public problems(field: string): Problem[] {
    const v = typeof this.value === 'string' ? this.value : '';
    const fix = 'give a size such as MemorySize.megabytes(256), MemorySize.percent(25) or MemorySize.of("1GiB")';
    const pct = /^([0-9]+)%$/.exec(v);
    if (pct) {
      const n = Number(pct[1]);
      return n >= 1 && n <= 100 ? [] : [{ field, problem: `${v} is not a share from 1% to 100%`, fix }];
    }
    if (/%$/.test(v)) return [{ field, problem: `"${v}" is not a whole percentage`, fix }];
    const m = /^([0-9]+(?:\.[0-9]+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(v);
    if (!m || (m[2] === undefined && /[iI]/.test(v))) return [{ field, problem: `"${v}" is not a memory size`, fix }];
    if (Number(m[1]) === 0) return [{ field, problem: `the size "${v}" is zero, so the stressor takes no memory`, fix }];
    return [];
  }
}

/**
 * Problems with a span given as a cdk8s `Duration` that cdk8s cannot turn into milliseconds
 * (NaN, infinite, or a fraction of a millisecond, such as `Duration.millis(1.5)`): checked
 * before anything reads it, so that the user gets the field instead of cdk8s's bare error.
 */
export function spanProblems(spans: Readonly<Record<string, Pick<Duration, 'toMilliseconds'> | undefined>>): Problem[] {
  const out: Problem[] = [];
  for (const [field, d] of Object.entries(spans)) {
    if (d === undefined || d === null) continue;
    let ok = false;
    try {
      ok = typeof d.toMilliseconds === 'function' && Number.isFinite(d.toMilliseconds());
    } catch {
      ok = false;
    }
    if (!ok)
      out.push({
        field,
        problem: 'the duration is not a whole number of milliseconds (it is NaN, infinite, or a fraction of a millisecond)',
        fix: 'give a whole number of a unit, such as Duration.seconds(30) or Duration.millis(250)',
      });
  }
  return out;
}
