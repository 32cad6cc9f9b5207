/**
 * The one registry of Chaos Mesh kinds. Everything that lists kinds reads it: the
 * `ChaosKind` and `EmbeddedChaos` types, the template types a workflow accepts, the kinds the
 * runtime reads from a cluster, and `scripts/import-crds.js` (which imports the CRDs of the
 * typed kinds). Adding a kind is one entry here, then `npm run import`.
 *
 * Plain data: only type imports, so the runtime and the import script can read it without
 * loading cdk8s.
 */
import type {
  AwsChaosSpec,
  AzureChaosSpec,
  BlockChaosSpec,
  GcpChaosSpec,
  KernelChaosSpec,
  DnsChaosSpec,
  HttpChaosSpec,
  IoChaosSpec,
  JvmChaosSpec,
  NetworkChaosSpec,
  PhysicalMachineChaosSpec,
  PodChaosSpec,
  StressChaosSpec,
  TimeChaosSpec,
} from '../../imports/chaos-mesh.org';

/** One kind of the registry. `Spec` is the kind's spec type, for the typed kinds. */
export interface ChaosKindEntry<Key extends string = string, Spec = unknown> {
  /** The key of its spec inside a Schedule or a Workflow template (`podChaos`, `ioChaos`, `physicalmachineChaos`). */
  readonly embeddedKey: Key;
  /** Its resource name in the API (`podchaos`). */
  readonly plural: string;
  /** True when the library renders it: its CRD is imported and its spec typed (`Spec`). */
  readonly typed: boolean;
  /** Its one-shot actions (Chaos Mesh acts once and is done; no duration needed). */
  readonly instantaneousActions: readonly string[];
  /**
   * False for the kinds that act on one named cloud resource instead of selected pods
   * (AWSChaos, GCPChaos, AzureChaos): their spec has no `selector` and no `mode`.
   */
  readonly selectsPods: boolean;
  /** Type-level only (always undefined): the spec type of a typed kind. */
  readonly specType?: Spec;
}

/** Names a spec type for {@link typed}; a value only at the type level. */
function specOf<Spec>(): Spec | undefined {
  return undefined;
}

function typed<Key extends string, Spec>(
  key: Key,
  plural: string,
  _spec: Spec | undefined,
  instantaneousActions: readonly string[] = [],
  selectsPods = true,
): ChaosKindEntry<Key, Spec> & { readonly typed: true } {
  return { embeddedKey: key, plural, typed: true, instantaneousActions, selectsPods };
}

/**
 * Every chaos kind of Chaos Mesh v2.8 a Workflow can hold, in Chaos Mesh's order. All are
 * typed: the library's actions render each of them.
 */
export const CHAOS_MESH_KINDS = {
  PodChaos: typed('podChaos', 'podchaos', specOf<PodChaosSpec>(), ['pod-kill', 'container-kill']),
  NetworkChaos: typed('networkChaos', 'networkchaos', specOf<NetworkChaosSpec>()),
  StressChaos: typed('stressChaos', 'stresschaos', specOf<StressChaosSpec>()),
  IOChaos: typed('ioChaos', 'iochaos', specOf<IoChaosSpec>()),
  TimeChaos: typed('timeChaos', 'timechaos', specOf<TimeChaosSpec>()),
  DNSChaos: typed('dnsChaos', 'dnschaos', specOf<DnsChaosSpec>()),
  HTTPChaos: typed('httpChaos', 'httpchaos', specOf<HttpChaosSpec>()),
  AWSChaos: typed('awsChaos', 'awschaos', specOf<AwsChaosSpec>(), ['ec2-restart'], false),
  GCPChaos: typed('gcpChaos', 'gcpchaos', specOf<GcpChaosSpec>(), ['node-reset'], false),
  AzureChaos: typed('azureChaos', 'azurechaos', specOf<AzureChaosSpec>(), ['vm-restart'], false),
  JVMChaos: typed('jvmChaos', 'jvmchaos', specOf<JvmChaosSpec>()),
  KernelChaos: typed('kernelChaos', 'kernelchaos', specOf<KernelChaosSpec>()),
  BlockChaos: typed('blockChaos', 'blockchaos', specOf<BlockChaosSpec>()),
  PhysicalMachineChaos: typed('physicalmachineChaos', 'physicalmachinechaos', specOf<PhysicalMachineChaosSpec>()),
} as const;

/** The type of the registry. */
export type ChaosMeshKindRegistry = typeof CHAOS_MESH_KINDS;

/** Every Chaos Mesh chaos kind a Workflow or Schedule can start. */
export type ChaosMeshKind = keyof ChaosMeshKindRegistry;

/** The Chaos Mesh kinds an action renders to: the typed kinds of {@link CHAOS_MESH_KINDS}. */
export type ChaosKind = { [K in ChaosMeshKind]: ChaosMeshKindRegistry[K]['typed'] extends true ? K : never }[ChaosMeshKind];

/**
 * The chaos specs a Schedule or a Workflow template can embed, keyed as in the manifest:
 * for each kind of {@link ChaosKind}, its spec (typed from the CRD) under its `embeddedKey`.
 */
export type EmbeddedChaos = {
  readonly [K in ChaosKind as ChaosMeshKindRegistry[K]['embeddedKey']]?: NonNullable<ChaosMeshKindRegistry[K]['specType']>;
};

/** Every chaos kind name, in the registry's order. */
export const CHAOS_MESH_KIND_NAMES: readonly ChaosMeshKind[] = Object.keys(CHAOS_MESH_KINDS) as ChaosMeshKind[];

/** The kinds the library renders, in the registry's order. */
export const TYPED_CHAOS_KINDS: readonly ChaosKind[] = CHAOS_MESH_KIND_NAMES.filter((k) => CHAOS_MESH_KINDS[k].typed) as ChaosKind[];

/** The other Chaos Mesh kinds whose CRDs the library imports (its constructs emit them). */
export const CHAOS_MESH_SUPPORT_KINDS = ['StatusCheck', 'PhysicalMachine', 'RemoteCluster'] as const;

/** Every Chaos Mesh CRD that `scripts/import-crds.js` imports. */
export const CHAOS_MESH_IMPORTED_KINDS: readonly string[] = [...TYPED_CHAOS_KINDS, ...CHAOS_MESH_SUPPORT_KINDS];

/** True for a chaos kind name (of any of the kinds Chaos Mesh knows). */
export function isChaosMeshKind(kind: string): kind is ChaosMeshKind {
  return Object.prototype.hasOwnProperty.call(CHAOS_MESH_KINDS, kind);
}

/** The spec key of a kind inside a Schedule or Workflow (`PodChaos` → `podChaos`). */
export function embeddedKey(kind: ChaosMeshKind): string {
  return CHAOS_MESH_KINDS[kind].embeddedKey;
}
