/** The chaos tools, as plain data. */

/**
 * Which chaos tool runs an experiment. Exactly one tool runs it: where both are rendered,
 * the other is on standby (inactive), since two active tools would run the fault twice.
 */
export class ChaosPlatform {
  /** Chaos Mesh only. */
  public static chaosMesh(): ChaosPlatform {
    return new ChaosPlatform(true, false, 'chaos-mesh');
  }

  /** LitmusChaos only (a synth error for faults Litmus does not have). */
  public static litmus(): ChaosPlatform {
    return new ChaosPlatform(false, true, 'litmus');
  }

  /**
   * Chaos Mesh runs the fault; the equivalent Litmus ChaosEngine is rendered on standby
   * (`engineState: stop`). To switch, pause the Chaos Mesh object and set the engine active.
   */
  public static chaosMeshWithLitmusStandby(): ChaosPlatform {
    return new ChaosPlatform(true, true, 'chaos-mesh');
  }

  /**
   * Litmus runs the fault; the Chaos Mesh object is rendered paused
   * (`experiment.chaos-mesh.org/pause: "true"`). To switch, stop the engine and unpause it.
   */
  public static litmusWithChaosMeshStandby(): ChaosPlatform {
    return new ChaosPlatform(true, true, 'litmus');
  }

  /**
   * Both tools active: applying them would run the fault twice, so an experiment with this
   * platform fails at synth and names the two choices.
   * @deprecated Use {@link ChaosPlatform.chaosMeshWithLitmusStandby} or {@link ChaosPlatform.litmusWithChaosMeshStandby}.
   */
  public static both(): ChaosPlatform {
    return new ChaosPlatform(true, true, 'both');
  }

  private constructor(
    /** Renders Chaos Mesh objects. */
    public readonly chaosMesh: boolean,
    /** Renders a Litmus ChaosEngine with its service account and RBAC. */
    public readonly litmus: boolean,
    /** The tool that runs the fault; the other one rendered, if any, is on standby. */
    public readonly active: 'chaos-mesh' | 'litmus' | 'both',
  ) {}
}
