/** A network rate, as `tc` writes it (`1mbps`, `500kbps`). */
export class Bandwidth {
  /** Kilobits per second. */
  public static kbps(n: number): Bandwidth {
    return new Bandwidth(`${n}kbps`, n * 1000);
  }

  /** Megabits per second. */
  public static mbps(n: number): Bandwidth {
    return new Bandwidth(`${n}mbps`, n * 1000000);
  }

  /** Gigabits per second. */
  public static gbps(n: number): Bandwidth {
    return new Bandwidth(`${n}gbps`, n * 1000000000);
  }

  /** Any rate `tc` accepts, written as in the manifest. */
  public static of(raw: string): Bandwidth {
    return new Bandwidth(raw);
  }

  private constructor(
    /** The rate as written in the manifest. */
    public readonly value: string,
    /** Bits per second, when known. */
    public readonly bitsPerSecond?: number,
  ) {}
}

/** An amount of memory for a memory stressor (`256MB`, `25%`). */
export class MemorySize {
  /** Megabytes. */
  public static megabytes(n: number): MemorySize {
    return new MemorySize(`${n}MB`, n);
  }

  /** Gigabytes. */
  public static gigabytes(n: number): MemorySize {
    return new MemorySize(`${n}GB`, n * 1024);
  }

  /** A share of the container's memory. */
  public static percent(p: number): MemorySize {
    return new MemorySize(`${p}%`);
  }

  /** Any size Chaos Mesh accepts, written as in the manifest. */
  public static of(raw: string): MemorySize {
    return new MemorySize(raw);
  }

  private constructor(
    /** The size as written in the manifest. */
    public readonly value: string,
    /** Megabytes, when known (Litmus takes megabytes). */
    public readonly megabytes?: number,
  ) {}
}
