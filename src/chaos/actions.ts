/**
 * Chaos actions, as plain data: this module loads no cdk8s (only its types), so a program
 * that reads experiments, such as the runtime, can use it.
 */
import type { Duration } from 'cdk8s';
import type { PhysicalMachineChaosSpec, PhysicalMachineChaosSpecAction } from '../../imports/chaos-mesh.org';
import { GoDuration, singleUnitGoDuration } from '../common/duration';
import { nameProblems, namespaceProblems } from '../common/checks';
import type { Problem } from '../common/errors';
import { dnsPatternProblem, hostOrCidrProblems } from '../common/net';
import { CHAOS_MESH_KINDS, ChaosKind, TYPED_CHAOS_KINDS } from './kinds';
import { ChaosMode } from './mode';
import { ChaosTarget } from './selector';
import { Bandwidth, MemorySize, spanProblems } from './units';

/**
 * A problem found in an action's options.
 * @deprecated Use {@link Problem}: every check reports that one shape.
 */
export type ActionProblem = Problem;

/** How a fault maps to a LitmusChaos experiment: its name and its tunables. */
export interface LitmusFault {
  /** The Litmus experiment (`pod-delete`, `pod-network-latency`, ...). */
  readonly name: string;
  /** Fault-specific tunables (the common ones, duration and share of pods, are added by the renderer). */
  readonly env: Record<string, string>;
}

/** Which way network chaos applies, relative to the selected pods. */
export class NetworkDirection {
  /** Traffic from the selected pods to the target (the only direction that works with external targets). */
  public static to(): NetworkDirection {
    return new NetworkDirection('to');
  }

  /** Traffic from the target to the selected pods. */
  public static from(): NetworkDirection {
    return new NetworkDirection('from');
  }

  /** Both ways. */
  public static both(): NetworkDirection {
    return new NetworkDirection('both');
  }

  /** Any direction Chaos Mesh accepts. */
  public static of(raw: string): NetworkDirection {
    return new NetworkDirection(raw);
  }

  private constructor(
    /** The `direction` field. */
    public readonly value: string,
  ) {}
}

/** Where network chaos applies: the peer pods or hosts, and the direction. */
export interface NetworkScope {
  /**
   * Direction of the affected traffic.
   * @default NetworkDirection.to()
   */
  readonly direction?: NetworkDirection;
  /**
   * Only traffic to or from these pods.
   * @default all traffic of the selected pods
   */
  readonly peers?: ChaosTarget;
  /**
   * Which of the peer pods, when `peers` is set.
   * @default ChaosMode.all() (every peer: the peers are not harmed, only the traffic to them)
   */
  readonly peersMode?: ChaosMode;
  /**
   * Hosts or CIDRs outside the cluster. Works only with `direction: to`.
   * @default none
   */
  readonly externalTargets?: string[];
  /**
   * Network device of the selected pods.
   * @default the pod's default device
   */
  readonly device?: string;
  /**
   * Network device of the peer pods (`targetDevice`), when `peers` is set.
   * @default the peers' default device
   */
  readonly peersDevice?: string;
}

/** Options of pod faults that act on containers. */
export interface ContainerOptions {
  /**
   * Containers to act on.
   * @default the pod's first container
   */
  readonly containerNames?: string[];
}

/** Delay options. */
export interface NetworkDelayOptions extends NetworkScope {
  /** Added latency per packet. Note that a request and its response each cross the link, so a round trip gains about twice this. */
  readonly latency: Duration;
  /**
   * Random variation of the latency.
   * @default none
   */
  readonly jitter?: Duration;
  /**
   * Correlation (0-100) of each packet's delay with the previous one.
   * @default none
   */
  readonly correlation?: number;
  /**
   * Reordering: `percent` of packets sent at once, every `gap` packets.
   * @default no reordering
   */
  readonly reorder?: { readonly percent: number; readonly gap: number; readonly correlation?: number };
}

/** Options of loss, duplication and corruption: a share of packets. */
export interface NetworkPercentOptions extends NetworkScope {
  /** Share of packets (0-100). */
  readonly percent: number;
  /**
   * Correlation (0-100) with the previous packet.
   * @default none
   */
  readonly correlation?: number;
}

/** Bandwidth-limit options (a token bucket filter). */
export interface NetworkBandwidthOptions extends NetworkScope {
  /** The rate. */
  readonly rate: Bandwidth;
  /**
   * Bytes that may wait in the queue.
   * @default 20971520 (20 MiB)
   */
  readonly limit?: number;
  /**
   * Bucket size in bytes.
   * @default 10000
   */
  readonly buffer?: number;
  /**
   * Peak rate in bytes per second.
   * @default none
   */
  readonly peakrate?: number;
  /**
   * Size of the peak-rate bucket in bytes.
   * @default none
   */
  readonly minburst?: number;
}

/** CPU stress options. */
export interface StressCpuOptions extends ContainerOptions {
  /**
   * Stress workers.
   * @default 1
   */
  readonly workers?: number;
  /**
   * Load per worker, percent (0-100).
   * @default 100
   */
  readonly load?: number;
  /**
   * Extra stress-ng options of the CPU stressor (`--cpu-method`, ...).
   * @default none
   */
  readonly options?: string[];
}

/** Memory stress options. */
export interface StressMemoryOptions extends ContainerOptions {
  /**
   * Stress workers.
   * @default 1
   */
  readonly workers?: number;
  /**
   * Memory each worker takes.
   * @default MemorySize.megabytes(256)
   */
  readonly size?: MemorySize;
  /**
   * `oom_score_adj` of the stress process (-1000 to 1000): high values make the kernel's
   * OOM killer pick the stressor first, low values pick the application.
   * @default Chaos Mesh's 0
   */
  readonly oomScoreAdj?: number;
  /**
   * Extra stress-ng options of the memory stressor.
   * @default none
   */
  readonly options?: string[];
}

/** Options of a combined stress: CPU and memory stressors, and raw stress-ng stressors, in one StressChaos. */
export interface StressOptions extends ContainerOptions {
  /**
   * The CPU stressor.
   * @default none
   */
  readonly cpu?: Omit<StressCpuOptions, 'containerNames'>;
  /**
   * The memory stressor.
   * @default none
   */
  readonly memory?: Omit<StressMemoryOptions, 'containerNames'>;
  /**
   * Stressors passed to stress-ng as written (`--hdd 1 --hdd-bytes 1G`).
   * @default none
   */
  readonly stressngStressors?: string;
}

/** Where a JVM fault is injected (the Chaos Mesh agent attaches to the JVM with Byteman). */
export interface JvmOptions extends ContainerOptions {
  /**
   * Port of the agent in the JVM.
   * @default Chaos Mesh's 9277
   */
  readonly port?: number;
  /**
   * PID of the Java process to attach to.
   * @default the container's Java process
   */
  readonly pid?: number;
  /**
   * Byteman rule name, unique per JVM.
   * @default generated by Chaos Mesh
   */
  readonly ruleName?: string;
}

/** A JVM fault on one method. */
export interface JvmMethodOptions extends JvmOptions {
  /** Fully qualified Java class. */
  readonly className: string;
  /** Method name. */
  readonly method: string;
}

/** Options of {@link ChaosAction.jvmMysql}. */
export interface JvmMysqlOptions extends JvmOptions {
  /** MySQL Connector/J major version (`5` or `8`). */
  readonly mysqlConnectorVersion: '5' | '8';
  /**
   * Database to match.
   * @default every database
   */
  readonly database?: string;
  /**
   * Table to match.
   * @default every table
   */
  readonly table?: string;
  /**
   * SQL statement type to match (`select`, `insert`, `update`, `delete`, `replace`).
   * @default every type
   */
  readonly sqlType?: 'select' | 'insert' | 'update' | 'delete' | 'replace';
  /**
   * Message of the exception thrown.
   * @default none (set this or latency)
   */
  readonly exception?: string;
  /**
   * Latency added.
   * @default none (set this or exception)
   */
  readonly latency?: Duration;
}

/** Options of {@link ChaosAction.blockDelay}. */
export interface BlockDelayOptions extends ContainerOptions {
  /** Name of the pod volume (a block device in the pod). */
  readonly volumeName: string;
  /** Latency of every I/O request. */
  readonly latency: Duration;
  /**
   * Random variation of the latency.
   * @default none
   */
  readonly jitter?: Duration;
  /**
   * Correlation (0-100) of each request's latency with the previous one.
   * @default none
   */
  readonly correlation?: number;
}

/** The actions of a PhysicalMachineChaos (`stress-cpu`, `network-delay`, `process`, ...), as Chaos Mesh names them. */
export type PhysicalMachineAction = `${PhysicalMachineChaosSpecAction}`;

/**
 * The parameters of a physical-machine fault: the one block named after its action
 * (`networkDelay` for `network-delay`), typed by the Chaos Mesh CRD, and the deprecated
 * `address` list of chaosd endpoints.
 */
export type PhysicalMachineFaultParams = Omit<
  PhysicalMachineChaosSpec,
  'action' | 'mode' | 'selector' | 'duration' | 'value' | 'uid' | 'remoteCluster'
>;

/** Options of {@link ChaosAction.networkNetem}: any of delay, loss, duplication, corruption and rate, together. */
export interface NetworkNetemOptions extends NetworkScope {
  /**
   * Delay.
   * @default none
   */
  readonly delay?: Omit<NetworkDelayOptions, keyof NetworkScope>;
  /**
   * Loss.
   * @default none
   */
  readonly loss?: Omit<NetworkPercentOptions, keyof NetworkScope>;
  /**
   * Duplication.
   * @default none
   */
  readonly duplicate?: Omit<NetworkPercentOptions, keyof NetworkScope>;
  /**
   * Corruption.
   * @default none
   */
  readonly corrupt?: Omit<NetworkPercentOptions, keyof NetworkScope>;
  /**
   * Rate limit.
   * @default none
   */
  readonly rate?: Bandwidth;
}

/** Options of every AWS fault: one EC2 instance, and the credentials to reach it. */
export interface AwsInstanceOptions {
  /** AWS region of the instance (`eu-west-1`). */
  readonly region: string;
  /** ID of the EC2 instance (`i-0123456789abcdef0`). */
  readonly instanceId: string;
  /**
   * Name of a Secret in the experiment's namespace holding `aws_access_key_id` and
   * `aws_secret_access_key` (and optionally `aws_session_token`).
   * @default none: the Chaos Mesh controller's own AWS credentials (environment, instance role)
   */
  readonly credentialsSecret?: string;
  /**
   * AWS API endpoint (Chaos Mesh uses it for tests against a local AWS emulator).
   * @default AWS's endpoint for the region
   */
  readonly endpoint?: string;
}

/** Options of {@link ChaosAction.awsDetachVolume}. */
export interface AwsDetachVolumeOptions extends AwsInstanceOptions {
  /** ID of the EBS volume (`vol-0123456789abcdef0`). */
  readonly volumeId: string;
  /** Device name the volume is attached as, to attach it back (`/dev/sdf`). */
  readonly deviceName: string;
}

/** Options of every GCP fault: one Compute Engine instance, and the credentials to reach it. */
export interface GcpInstanceOptions {
  /** ID of the GCP project. */
  readonly project: string;
  /** Zone of the instance (`europe-west1-b`). */
  readonly zone: string;
  /** Name of the instance. */
  readonly instance: string;
  /**
   * Name of a Secret in the experiment's namespace whose key `service_account` holds the
   * service-account key JSON, base64-encoded (in the Secret's `data`, so encoded twice).
   * @default none: the Chaos Mesh controller's default Google credentials
   */
  readonly credentialsSecret?: string;
}

/** Options of every Azure fault: one virtual machine, and the credentials to reach it. */
export interface AzureVmOptions {
  /** ID of the Azure subscription (a GUID). */
  readonly subscriptionId: string;
  /** Name of the resource group of the VM. */
  readonly resourceGroup: string;
  /** Name of the VM. */
  readonly vmName: string;
  /**
   * Name of a Secret in the experiment's namespace holding `client_id`, `client_secret` and
   * `tenant_id` of a service principal. Chaos Mesh needs it for every Azure fault.
   */
  readonly credentialsSecret: string;
}

/** Options of {@link ChaosAction.azureDiskDetach}. */
export interface AzureDiskDetachOptions extends AzureVmOptions {
  /** Name of the data disk. */
  readonly diskName: string;
  /** Logical unit number of the data disk (0-63). */
  readonly lun: number;
}

/** One frame of a kernel call chain: a function, and optionally its parameters and a condition on them. */
export interface KernelCallFrame {
  /** Function name (`ext4_mount`). */
  readonly funcname: string;
  /**
   * Its parameter list, as in C (`struct super_block *sb, void *data, int silent`).
   * @default none
   */
  readonly parameters?: string;
  /**
   * A C condition on the parameters that must hold (`((silent) == 0)`).
   * @default none
   */
  readonly predicate?: string;
}

/** Options of {@link ChaosAction.kernelFailRequest}. */
export interface KernelFailRequestOptions extends ContainerOptions {
  /**
   * What fails: slab allocations (`should_failslab`), page allocations (`should_fail_alloc_page`) or block I/O (`should_fail_bio`).
   */
  readonly failType: 'slab' | 'page' | 'bio';
  /**
   * Fail only when the allocation comes through this call chain, outermost first.
   * @default any call chain
   */
  readonly callchain?: readonly KernelCallFrame[];
  /**
   * Kernel headers the predicates need (`linux/mmzone.h`).
   * @default none
   */
  readonly headers?: readonly string[];
  /**
   * Share of matching requests that fail (0-100).
   * @default Chaos Mesh's 0 (set it: 0 fails nothing)
   */
  readonly probability?: number;
  /**
   * Most failures injected.
   * @default no limit
   */
  readonly times?: number;
}

/** Options shared by I/O faults. */
export interface IoOptions extends ContainerOptions {
  /** Mount point of the volume inside the container. */
  readonly volumePath: string;
  /**
   * Files affected (a glob).
   * @default every file of the volume
   */
  readonly path?: string;
  /**
   * Share of operations affected (0-100).
   * @default 100
   */
  readonly percent?: number;
  /**
   * File-system methods affected, as Chaos Mesh names them (`read`, `write`, `open`, `fsync`, ...).
   * @default all methods
   */
  readonly methods?: string[];
}

/** HTTP target: the request or the response. */
export class HttpTarget {
  /** Act on requests. */
  public static request(): HttpTarget {
    return new HttpTarget('Request');
  }

  /** Act on responses. */
  public static response(): HttpTarget {
    return new HttpTarget('Response');
  }

  private constructor(
    /** The `target` field. */
    public readonly value: string,
  ) {}
}

/** Which HTTP traffic a fault applies to. */
export interface HttpOptions {
  /** The port the target serves HTTP on. */
  readonly port: number;
  /**
   * URI path (may use `*`).
   * @default every path
   */
  readonly path?: string;
  /**
   * HTTP method.
   * @default every method
   */
  readonly method?: string;
  /**
   * Act on requests or responses.
   * @default HttpTarget.request()
   */
  readonly target?: HttpTarget;
  /**
   * Only messages with these headers.
   * @default any headers
   */
  readonly headers?: Record<string, string>;
  /**
   * Only responses with this status code (with `HttpTarget.response()`).
   * @default any status
   */
  readonly statusCode?: number;
  /**
   * TLS of the target's HTTPS port, so that its traffic can be read: a Secret holding the
   * server's certificate and key (and a CA).
   * @default plain HTTP
   */
  readonly tls?: HttpTlsOptions;
}

/** Where the certificate of an HTTPS target is kept. */
export interface HttpTlsOptions {
  /** The Secret. */
  readonly secretName: string;
  /** The Secret's namespace. */
  readonly secretNamespace: string;
  /**
   * Key of the certificate.
   * @default "tls.crt"
   */
  readonly certName?: string;
  /**
   * Key of the private key.
   * @default "tls.key"
   */
  readonly keyName?: string;
  /**
   * Key of the CA certificate.
   * @default none
   */
  readonly caName?: string;
}

/** What to replace in HTTP messages. */
export interface HttpReplaceOptions extends HttpOptions {
  /**
   * Status code of responses.
   * @default unchanged
   */
  readonly code?: number;
  /**
   * Body (sent base64-encoded).
   * @default unchanged
   */
  readonly body?: string;
  /**
   * Headers to replace.
   * @default unchanged
   */
  readonly replaceHeaders?: Record<string, string>;
  /**
   * Path of requests.
   * @default unchanged
   */
  readonly replacePath?: string;
  /**
   * Method of requests.
   * @default unchanged
   */
  readonly replaceMethod?: string;
  /**
   * URI query parameters of requests to replace (`{ page: '1' }`).
   * @default unchanged
   */
  readonly replaceQueries?: Record<string, string>;
}

/** What to add to HTTP messages. */
export interface HttpPatchOptions extends HttpOptions {
  /**
   * A JSON document merged into the body.
   * @default body unchanged
   */
  readonly jsonBody?: Record<string, unknown>;
  /**
   * Headers appended, as name/value pairs.
   * @default none
   */
  readonly headersToAdd?: Array<[string, string]>;
  /**
   * Query parameters appended, as name/value pairs.
   * @default none
   */
  readonly queries?: Array<[string, string]>;
}

function percentProblem(field: string, v: number | undefined): Problem[] {
  if (v === undefined) return [];
  return v >= 0 && v <= 100 ? [] : [{ field, problem: `${v} is outside 0-100`, fix: 'give a percentage from 0 to 100' }];
}

function positiveProblem(field: string, v: number | undefined, integer = true): Problem[] {
  if (v === undefined) return [];
  return v > 0 && (!integer || Number.isInteger(v))
    ? []
    : [{ field, problem: `${v} is not a positive ${integer ? 'whole number' : 'number'}`, fix: 'give a positive value' }];
}

function oomScoreProblem(field: string, v: number | undefined): Problem[] {
  if (v === undefined) return [];
  return Number.isInteger(v) && v >= -1000 && v <= 1000
    ? []
    : [{ field, problem: `${v} is outside -1000 to 1000`, fix: 'give an oom_score_adj from -1000 (never killed) to 1000 (killed first)' }];
}

function required(field: string, v: unknown): Problem[] {
  return v === undefined || v === '' ? [{ field, problem: 'is missing', fix: `set ${field}` }] : [];
}

/**
 * A fault: what an experiment does to the selected pods. Build it with a factory
 * (`ChaosAction.podKill()`, `ChaosAction.networkDelay({...})`, ...); each knows its
 * Chaos Mesh kind and, where one exists, its LitmusChaos equivalent.
 */
export class ChaosAction {
  // ---- PodChaos ----

  /** Deletes the selected pods (their controller recreates them). Instantaneous: needs no duration. */
  public static podKill(options: { readonly gracePeriod?: Duration } = {}): ChaosAction {
    const bad = ChaosAction.badSpans('PodChaos', 'pod-kill', { 'action.gracePeriod': options.gracePeriod });
    if (bad) return bad;
    const ms = options.gracePeriod?.toMilliseconds();
    const problems: Problem[] =
      ms !== undefined && !(Number.isInteger(ms / 1000) && ms >= 0)
        ? [
            {
              field: 'action.gracePeriod',
              problem: `${ms}ms is not a whole number of seconds`,
              fix: 'give the grace period in whole seconds, such as Duration.seconds(30)',
            },
          ]
        : [];
    const grace = ms === undefined || problems.length > 0 ? undefined : ms / 1000;
    return new ChaosAction(
      'PodChaos',
      'pod-kill',
      { action: 'pod-kill', gracePeriod: grace },
      {
        problems,
        litmus: { name: 'pod-delete', env: { FORCE: grace ? 'false' : 'true' } },
      },
    );
  }

  /** Makes the selected pods unavailable for the duration (their containers are swapped for a pause image). */
  public static podFailure(): ChaosAction {
    return new ChaosAction(
      'PodChaos',
      'pod-failure',
      { action: 'pod-failure' },
      {
        litmusGap: 'Litmus has no fault that keeps a pod unavailable without deleting it',
      },
    );
  }

  /** Kills the named containers of the selected pods. Instantaneous: needs no duration. */
  public static containerKill(options: { readonly containerNames: string[] }): ChaosAction {
    const problems: Problem[] =
      options.containerNames.length === 0
        ? [{ field: 'action.containerNames', problem: 'container-kill needs at least one container name', fix: 'name the containers to kill' }]
        : [];
    return new ChaosAction(
      'PodChaos',
      'container-kill',
      { action: 'container-kill', containerNames: [...options.containerNames] },
      {
        problems,
        litmus: { name: 'container-kill', env: { TARGET_CONTAINER: options.containerNames.join(','), SIGNAL: 'SIGKILL' } },
      },
    );
  }

  // ---- NetworkChaos ----

  /**
   * Delay, loss, duplication, corruption and a rate limit together, in one NetworkChaos
   * (action `netem`). Give at least one.
   */
  public static networkNetem(options: NetworkNetemOptions): ChaosAction {
    const bad = ChaosAction.badSpans('NetworkChaos', 'network-netem', {
      'action.delay.latency': options.delay?.latency,
      'action.delay.jitter': options.delay?.jitter,
    });
    if (bad) return bad;
    const problems: Problem[] = [];
    const d = options.delay;
    if (d) {
      problems.push(
        ...percentProblem('action.delay.correlation', d.correlation),
        ...percentProblem('action.delay.reorder.percent', d.reorder?.percent),
        ...positiveProblem('action.delay.reorder.gap', d.reorder?.gap),
      );
      if (d.latency.toMilliseconds() <= 0)
        problems.push({ field: 'action.delay.latency', problem: 'latency must be positive', fix: 'give a latency such as Duration.millis(100)' });
    }
    for (const k of ['loss', 'duplicate', 'corrupt'] as const) {
      const o = options[k];
      if (o) problems.push(...percentProblem(`action.${k}.percent`, o.percent), ...percentProblem(`action.${k}.correlation`, o.correlation));
    }
    if (options.rate) problems.push(...options.rate.problems('action.rate'));
    if (!d && !options.loss && !options.duplicate && !options.corrupt && !options.rate)
      problems.push({ field: 'action', problem: 'the netem fault changes nothing', fix: 'set delay, loss, duplicate, corrupt or rate' });
    const fields = {
      delay: d
        ? {
            latency: singleUnitGoDuration(d.latency),
            jitter: d.jitter ? singleUnitGoDuration(d.jitter) : undefined,
            correlation: d.correlation === undefined ? undefined : String(d.correlation),
            reorder: d.reorder
              ? {
                  reorder: String(d.reorder.percent),
                  gap: d.reorder.gap,
                  correlation: d.reorder.correlation === undefined ? undefined : String(d.reorder.correlation),
                }
              : undefined,
          }
        : undefined,
      loss: options.loss ? ChaosAction.share('loss', options.loss as NetworkPercentOptions) : undefined,
      duplicate: options.duplicate ? ChaosAction.share('duplicate', options.duplicate as NetworkPercentOptions) : undefined,
      corrupt: options.corrupt ? ChaosAction.share('corrupt', options.corrupt as NetworkPercentOptions) : undefined,
      rate: options.rate ? { rate: options.rate.value } : undefined,
    };
    return ChaosAction.network('network-netem', 'netem', fields, options, problems, undefined, 'Litmus network faults apply one effect each');
  }

  /**
   * Delays packets. The delay applies to every packet that crosses the link in the chosen
   * direction, so with `both` (or when the peer is also delayed) a request and its
   * response are each delayed: the round trip gains about twice the latency.
   */
  public static networkDelay(options: NetworkDelayOptions): ChaosAction {
    const bad = ChaosAction.badSpans('NetworkChaos', 'network-delay', { 'action.latency': options.latency, 'action.jitter': options.jitter });
    if (bad) return bad;
    const problems: Problem[] = [
      ...percentProblem('action.correlation', options.correlation),
      ...(options.latency.toMilliseconds() <= 0
        ? [{ field: 'action.latency', problem: 'latency must be positive', fix: 'give a latency such as Duration.millis(100)' } as Problem]
        : []),
      ...percentProblem('action.reorder.percent', options.reorder?.percent),
      ...positiveProblem('action.reorder.gap', options.reorder?.gap),
    ];
    const delay = {
      latency: singleUnitGoDuration(options.latency),
      jitter: options.jitter ? singleUnitGoDuration(options.jitter) : undefined,
      correlation: options.correlation === undefined ? undefined : String(options.correlation),
      reorder: options.reorder
        ? {
            reorder: String(options.reorder.percent),
            gap: options.reorder.gap,
            correlation: options.reorder.correlation === undefined ? undefined : String(options.reorder.correlation),
          }
        : undefined,
    };
    const env: Record<string, string> = { NETWORK_LATENCY: String(options.latency.toMilliseconds()) };
    if (options.jitter) env.JITTER = String(options.jitter.toMilliseconds());
    return ChaosAction.network('network-delay', 'delay', { delay }, options, problems, { name: 'pod-network-latency', env });
  }

  /** Drops a share of packets. */
  public static networkLoss(options: NetworkPercentOptions): ChaosAction {
    return ChaosAction.network('network-loss', 'loss', { loss: ChaosAction.share('loss', options) }, options, ChaosAction.shareProblems(options), {
      name: 'pod-network-loss',
      env: { NETWORK_PACKET_LOSS_PERCENTAGE: String(options.percent) },
    });
  }

  /** Duplicates a share of packets. */
  public static networkDuplicate(options: NetworkPercentOptions): ChaosAction {
    return ChaosAction.network(
      'network-duplicate',
      'duplicate',
      { duplicate: ChaosAction.share('duplicate', options) },
      options,
      ChaosAction.shareProblems(options),
      {
        name: 'pod-network-duplication',
        env: { NETWORK_PACKET_DUPLICATION_PERCENTAGE: String(options.percent) },
      },
    );
  }

  /** Corrupts a share of packets. */
  public static networkCorrupt(options: NetworkPercentOptions): ChaosAction {
    return ChaosAction.network(
      'network-corrupt',
      'corrupt',
      { corrupt: ChaosAction.share('corrupt', options) },
      options,
      ChaosAction.shareProblems(options),
      {
        name: 'pod-network-corruption',
        env: { NETWORK_PACKET_CORRUPTION_PERCENTAGE: String(options.percent) },
      },
    );
  }

  /**
   * Limits bandwidth (a token bucket filter). Mind the rate's unit: tc reads `mbit` as
   * megabits and `mbps` as megabytes per second; see {@link Bandwidth}.
   */
  public static networkBandwidth(options: NetworkBandwidthOptions): ChaosAction {
    const bandwidth = {
      rate: options.rate.value,
      limit: options.limit ?? 20971520,
      buffer: options.buffer ?? 10000,
      peakrate: options.peakrate,
      minburst: options.minburst,
    };
    const problems = [...positiveProblem('action.limit', options.limit), ...positiveProblem('action.buffer', options.buffer)];
    problems.push(...options.rate.problems('action.rate'));
    return ChaosAction.network(
      'network-bandwidth',
      'bandwidth',
      { bandwidth },
      options,
      problems,
      undefined,
      'Litmus 3 has no bandwidth-limit fault',
    );
  }

  /**
   * Cuts the selected pods off from their peers (or from everything, without peers). A
   * partition of a whole namespace needs the full-blast-radius opt-in.
   */
  public static networkPartition(options: NetworkScope = {}): ChaosAction {
    return ChaosAction.network(
      'network-partition',
      'partition',
      {},
      options,
      [],
      undefined,
      'the Litmus pod-network-partition fault works through NetworkPolicies and takes different inputs',
    );
  }

  // ---- StressChaos ----

  /** Burns CPU in the selected containers. */
  public static stressCpu(options: StressCpuOptions = {}): ChaosAction {
    const workers = options.workers ?? 1;
    const load = options.load ?? 100;
    return new ChaosAction(
      'StressChaos',
      'stress-cpu',
      { stressors: { cpu: { workers, load, options: options.options } }, containerNames: options.containerNames },
      {
        problems: [...positiveProblem('action.workers', workers), ...percentProblem('action.load', load)],
        litmus: { name: 'pod-cpu-hog', env: { CPU_CORES: String(workers), CPU_LOAD: String(load) } },
      },
    );
  }

  /** Takes memory in the selected containers. */
  public static stressMemory(options: StressMemoryOptions = {}): ChaosAction {
    const workers = options.workers ?? 1;
    const size = options.size ?? MemorySize.megabytes(256);
    return new ChaosAction(
      'StressChaos',
      'stress-memory',
      {
        stressors: { memory: { workers, size: size.value, oomScoreAdj: options.oomScoreAdj, options: options.options } },
        containerNames: options.containerNames,
      },
      {
        problems: [
          ...positiveProblem('action.workers', workers),
          ...size.problems('action.size'),
          ...oomScoreProblem('action.oomScoreAdj', options.oomScoreAdj),
        ],
        litmus:
          size.megabytes === undefined
            ? undefined
            : { name: 'pod-memory-hog', env: { MEMORY_CONSUMPTION: String(size.megabytes), NUMBER_OF_WORKERS: String(workers) } },
        litmusGap: size.megabytes === undefined ? 'Litmus pod-memory-hog takes megabytes, not a percentage' : undefined,
      },
    );
  }

  /**
   * CPU and memory stressors and raw stress-ng stressors in one StressChaos (each optional,
   * at least one). Defaults of each stressor are those of {@link ChaosAction.stressCpu} and {@link ChaosAction.stressMemory}.
   */
  public static stress(options: StressOptions): ChaosAction {
    const cpu = options.cpu ? { workers: options.cpu.workers ?? 1, load: options.cpu.load ?? 100, options: options.cpu.options } : undefined;
    const memory = options.memory
      ? {
          workers: options.memory.workers ?? 1,
          size: (options.memory.size ?? MemorySize.megabytes(256)).value,
          oomScoreAdj: options.memory.oomScoreAdj,
          options: options.memory.options,
        }
      : undefined;
    const problems: Problem[] = [
      ...positiveProblem('action.cpu.workers', cpu?.workers),
      ...percentProblem('action.cpu.load', cpu?.load),
      ...positiveProblem('action.memory.workers', memory?.workers),
      ...(options.memory?.size ? options.memory.size.problems('action.memory.size') : []),
      ...oomScoreProblem('action.memory.oomScoreAdj', memory?.oomScoreAdj),
    ];
    if (!cpu && !memory && !options.stressngStressors?.trim())
      problems.push({ field: 'action', problem: 'the stress has no stressor', fix: 'set cpu, memory or stressngStressors' });
    const name =
      cpu && !memory && !options.stressngStressors ? 'stress-cpu' : memory && !cpu && !options.stressngStressors ? 'stress-memory' : 'stress';
    return new ChaosAction(
      'StressChaos',
      name,
      {
        stressors: cpu || memory ? { cpu, memory } : undefined,
        stressngStressors: options.stressngStressors,
        containerNames: options.containerNames,
      },
      { problems, litmusGap: 'Litmus has separate CPU and memory hog faults, not a combined stress' },
    );
  }

  // ---- IOChaos ----

  /** Delays file-system calls. */
  public static ioLatency(options: IoOptions & { readonly delay: Duration }): ChaosAction {
    const bad = ChaosAction.badSpans('IOChaos', 'io-latency', { 'action.delay': options.delay });
    if (bad) return bad;
    return ChaosAction.io('io-latency', { action: 'latency', delay: singleUnitGoDuration(options.delay) }, options);
  }

  /** Makes file-system calls fail with `errno` (5 is EIO). */
  public static ioFault(options: IoOptions & { readonly errno: number }): ChaosAction {
    return ChaosAction.io('io-fault', { action: 'fault', errno: options.errno }, options, positiveProblem('action.errno', options.errno));
  }

  /** Overrides file attributes (`perm`, `size`, ...). */
  public static ioAttrOverride(options: IoOptions & { readonly attr: Record<string, number | string> }): ChaosAction {
    return ChaosAction.io('io-attr-override', { action: 'attrOverride', attr: { ...options.attr } }, options);
  }

  /** Writes wrong data into reads and writes. */
  public static ioMistake(
    options: IoOptions & { readonly filling: 'zero' | 'random'; readonly maxLength: number; readonly maxOccurrences: number },
  ): ChaosAction {
    return ChaosAction.io(
      'io-mistake',
      { action: 'mistake', mistake: { filling: options.filling, maxLength: options.maxLength, maxOccurrences: options.maxOccurrences } },
      options,
      [...positiveProblem('action.maxLength', options.maxLength), ...positiveProblem('action.maxOccurrences', options.maxOccurrences)],
    );
  }

  // ---- TimeChaos ----

  /**
   * Shifts the clock of the selected containers. The offset is a Duration (with `backwards`
   * for a negative one) or, for offsets below a millisecond or mixed units, a
   * {@link GoDuration} such as `GoDuration.parse('-10m100ns')`, written as given.
   */
  public static timeShift(
    options: ContainerOptions & { readonly offset: Duration | GoDuration; readonly backwards?: boolean; readonly clockIds?: string[] },
  ): ChaosAction {
    const bad = ChaosAction.badSpans('TimeChaos', 'time-shift', {
      'action.offset': options.offset instanceof GoDuration ? undefined : options.offset,
    });
    if (bad) return bad;
    const raw = options.offset instanceof GoDuration ? options.offset.value : singleUnitGoDuration(options.offset);
    const offset = options.backwards ? (raw.startsWith('-') ? raw.slice(1) : `-${raw.replace(/^\+/, '')}`) : raw;
    const zero = options.offset instanceof GoDuration ? options.offset.nanoseconds === 0 : options.offset.toMilliseconds() === 0;
    return new ChaosAction(
      'TimeChaos',
      'time-shift',
      { timeOffset: offset, clockIds: options.clockIds, containerNames: options.containerNames },
      {
        problems: zero
          ? [
              {
                field: 'action.offset',
                problem: 'the offset is zero, so the clock does not move',
                fix: 'give a non-zero offset such as Duration.minutes(10) or GoDuration.parse("-100ns")',
              },
            ]
          : [],
        litmusGap: 'Litmus has no clock-skew fault for pods',
      },
    );
  }

  // ---- JVMChaos ----

  /** Makes a Java method throw an exception (`java.io.IOException("disk gone")`). */
  public static jvmException(options: JvmMethodOptions & { readonly exception: string }): ChaosAction {
    return ChaosAction.jvm(
      'jvm-exception',
      'exception',
      { class: options.className, method: options.method, exception: options.exception },
      options,
      [...required('action.exception', options.exception), ...ChaosAction.methodProblems(options)],
    );
  }

  /** Makes a Java method return a value (a Java literal: `"text"`, `42`, `null`). */
  public static jvmReturn(options: JvmMethodOptions & { readonly value: string }): ChaosAction {
    return ChaosAction.jvm('jvm-return', 'return', { class: options.className, method: options.method, value: options.value }, options, [
      ...required('action.value', options.value),
      ...ChaosAction.methodProblems(options),
    ]);
  }

  /** Delays a Java method (whole milliseconds). */
  public static jvmLatency(options: JvmMethodOptions & { readonly latency: Duration }): ChaosAction {
    const bad = ChaosAction.badSpans('JVMChaos', 'jvm-latency', { 'action.latency': options.latency });
    if (bad) return bad;
    const ms = options.latency.toMilliseconds();
    return ChaosAction.jvm('jvm-latency', 'latency', { class: options.className, method: options.method, latency: ms }, options, [
      ...positiveProblem('action.latency', ms),
      ...ChaosAction.methodProblems(options),
    ]);
  }

  /** Burns CPU threads or fills the stack or heap inside the JVM. */
  public static jvmStress(options: JvmOptions & { readonly cpuCount?: number; readonly memoryType?: 'stack' | 'heap' }): ChaosAction {
    const problems: Problem[] = [...positiveProblem('action.cpuCount', options.cpuCount)];
    if (options.cpuCount === undefined && options.memoryType === undefined)
      problems.push({
        field: 'action',
        problem: 'the JVM stress has neither cpuCount nor memoryType',
        fix: 'set cpuCount (threads) or memoryType ("stack" or "heap")',
      });
    if (options.cpuCount !== undefined && options.memoryType !== undefined)
      problems.push({
        field: 'action',
        problem: 'a JVM stress takes cpuCount or memoryType, not both',
        fix: 'make two experiments, one for CPU and one for memory',
      });
    return ChaosAction.jvm('jvm-stress', 'stress', { cpuCount: options.cpuCount, memType: options.memoryType }, options, problems);
  }

  /** Triggers garbage collection in the JVM. */
  public static jvmGc(options: JvmOptions = {}): ChaosAction {
    return ChaosAction.jvm('jvm-gc', 'gc', {}, options, []);
  }

  /** Injects a Byteman rule, written as Byteman reads it. */
  public static jvmRuleData(options: JvmOptions & { readonly ruleData: string }): ChaosAction {
    const problems = /\bRULE\b[\s\S]*\bENDRULE\b/.test(options.ruleData ?? '')
      ? []
      : [
          {
            field: 'action.ruleData',
            problem: 'the rule has no RULE ... ENDRULE block',
            fix: 'write a complete Byteman rule (RULE, CLASS, METHOD, AT, DO, ENDRULE)',
          } as Problem,
        ];
    return ChaosAction.jvm('jvm-rule-data', 'ruleData', { ruleData: options.ruleData }, options, problems);
  }

  /** Makes MySQL queries through Connector/J fail or slow down. */
  public static jvmMysql(options: JvmMysqlOptions): ChaosAction {
    const bad = ChaosAction.badSpans('JVMChaos', 'jvm-mysql', { 'action.latency': options.latency });
    if (bad) return bad;
    const problems: Problem[] = [];
    if ((options.exception === undefined) === (options.latency === undefined))
      problems.push({
        field: 'action',
        problem: 'a MySQL fault takes exactly one of exception and latency',
        fix: 'set exception (a message) or latency',
      });
    if (!['5', '8'].includes(options.mysqlConnectorVersion))
      problems.push({
        field: 'action.mysqlConnectorVersion',
        problem: `"${options.mysqlConnectorVersion}" is not 5 or 8`,
        fix: 'give the major version of MySQL Connector/J',
      });
    return ChaosAction.jvm(
      'jvm-mysql',
      'mysql',
      {
        mysqlConnectorVersion: options.mysqlConnectorVersion,
        database: options.database,
        table: options.table,
        sqlType: options.sqlType,
        exception: options.exception,
        latency: options.latency?.toMilliseconds(),
      },
      options,
      problems,
    );
  }

  // ---- BlockChaos ----

  /** Delays the I/O of a block-device volume of the selected pods. */
  public static blockDelay(options: BlockDelayOptions): ChaosAction {
    const bad = ChaosAction.badSpans('BlockChaos', 'block-delay', { 'action.latency': options.latency, 'action.jitter': options.jitter });
    if (bad) return bad;
    const problems: Problem[] = [...required('action.volumeName', options.volumeName), ...percentProblem('action.correlation', options.correlation)];
    if (options.latency.toMilliseconds() <= 0)
      problems.push({ field: 'action.latency', problem: 'latency must be positive', fix: 'give a latency such as Duration.millis(50)' });
    return new ChaosAction(
      'BlockChaos',
      'block-delay',
      {
        action: 'delay',
        volumeName: options.volumeName,
        delay: {
          latency: singleUnitGoDuration(options.latency),
          jitter: options.jitter ? singleUnitGoDuration(options.jitter) : undefined,
          correlation: options.correlation === undefined ? undefined : String(options.correlation),
        },
        containerNames: options.containerNames,
      },
      { problems, litmusGap: 'Litmus has no block-device latency fault' },
    );
  }

  // ---- PhysicalMachineChaos ----

  /**
   * A fault on physical machines or VMs running chaosd: the action and its one parameter
   * block, typed by the CRD (`ChaosAction.physicalMachine('network-delay', { networkDelay:
   * { device: 'eth0', latency: '100ms' } })`). Target PhysicalMachine objects with
   * `ChaosTarget.physicalMachines(...)` or labels; see `allowChaosMeshNamespace`.
   */
  public static physicalMachine(action: PhysicalMachineAction, params: PhysicalMachineFaultParams): ChaosAction {
    const key = action.replace(/[-_]([a-zA-Z])/g, (_m, c: string) => c.toUpperCase());
    const given = Object.entries(params ?? {})
      .filter(([k, v]) => k !== 'address' && v !== undefined)
      .map(([k]) => k);
    const problems: Problem[] = [];
    const crd = chaosMeshCrdModule();
    const known = Object.values(crd.PhysicalMachineChaosSpecAction) as string[];
    if (!known.includes(action))
      problems.push({ field: 'action', problem: `"${action}" is not a PhysicalMachineChaos action`, fix: `use one of ${known.join(', ')}` });
    else if (!given.includes(key))
      problems.push({ field: `action.${key}`, problem: `action "${action}" needs its parameters in "${key}"`, fix: `set ${key}: { ... }` });
    for (const other of given.filter((k) => k !== key))
      problems.push({
        field: `action.${other}`,
        problem: `"${other}" does not belong to action "${action}"`,
        fix: `drop ${other}, or use the action it belongs to`,
      });
    if (params?.address !== undefined && params.address.length === 0)
      problems.push({
        field: 'action.address',
        problem: 'the address list is empty',
        fix: 'list chaosd addresses, or select PhysicalMachine objects instead',
      });
    const json =
      crd.toJson_PhysicalMachineChaosSpec({ ...(params ?? {}), action: action as PhysicalMachineChaosSpecAction, mode: 'one' as never }) ?? {};
    delete json.mode;
    return new ChaosAction('PhysicalMachineChaos', `physical-${action}`, json, {
      problems,
      litmusGap: 'Litmus has no fault for machines outside Kubernetes in this library',
    });
  }

  // ---- AWSChaos, GCPChaos, AzureChaos ----

  /** Stops an EC2 instance for the experiment's duration, then starts it again. */
  public static awsEc2Stop(options: AwsInstanceOptions): ChaosAction {
    return ChaosAction.aws('aws-ec2-stop', 'ec2-stop', options, {}, []);
  }

  /** Reboots an EC2 instance. Instantaneous: needs no duration. */
  public static awsEc2Restart(options: AwsInstanceOptions): ChaosAction {
    return ChaosAction.aws('aws-ec2-restart', 'ec2-restart', options, {}, []);
  }

  /** Detaches an EBS volume from an EC2 instance for the experiment's duration, then attaches it back. */
  public static awsDetachVolume(options: AwsDetachVolumeOptions): ChaosAction {
    const problems: Problem[] = [];
    if (!/^vol-([0-9a-f]{8}|[0-9a-f]{17})$/.test(options.volumeId ?? ''))
      problems.push({
        field: 'action.volumeId',
        problem: `"${options.volumeId ?? ''}" is not an EBS volume ID`,
        fix: 'give the volume ID, such as vol-0123456789abcdef0',
      });
    if (!/^\/dev\/[a-z0-9]+$/.test(options.deviceName ?? '') && !/^xvd[a-z]+$/.test(options.deviceName ?? ''))
      problems.push({
        field: 'action.deviceName',
        problem: `"${options.deviceName ?? ''}" is not a device name`,
        fix: 'give the device the volume is attached as, such as /dev/sdf',
      });
    return ChaosAction.aws('aws-detach-volume', 'detach-volume', options, { volumeID: options.volumeId, deviceName: options.deviceName }, problems);
  }

  /** Stops a Compute Engine instance for the experiment's duration, then starts it again. */
  public static gcpNodeStop(options: GcpInstanceOptions): ChaosAction {
    return ChaosAction.gcp('gcp-node-stop', 'node-stop', options, {}, []);
  }

  /** Resets a Compute Engine instance (a hard reset). Instantaneous: needs no duration. */
  public static gcpNodeReset(options: GcpInstanceOptions): ChaosAction {
    return ChaosAction.gcp('gcp-node-reset', 'node-reset', options, {}, []);
  }

  /** Detaches disks from a Compute Engine instance for the experiment's duration, then attaches them back. */
  public static gcpDiskLoss(options: GcpInstanceOptions & { readonly deviceNames: readonly string[] }): ChaosAction {
    const names = options.deviceNames ?? [];
    const problems: Problem[] =
      names.length === 0
        ? [{ field: 'action.deviceNames', problem: 'no disk is named, so nothing is detached', fix: 'name the device names of the disks to detach' }]
        : [];
    names.forEach((n, i) => {
      if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n))
        problems.push({
          field: `action.deviceNames[${i}]`,
          problem: `"${n}" is not a GCP disk device name`,
          fix: 'give the device name the disk is attached with, such as data-disk-1',
        });
    });
    return ChaosAction.gcp('gcp-disk-loss', 'disk-loss', options, { deviceNames: [...names] }, problems);
  }

  /** Stops an Azure VM for the experiment's duration, then starts it again. */
  public static azureVmStop(options: AzureVmOptions): ChaosAction {
    return ChaosAction.azure('azure-vm-stop', 'vm-stop', options, {}, []);
  }

  /** Restarts an Azure VM. Instantaneous: needs no duration. */
  public static azureVmRestart(options: AzureVmOptions): ChaosAction {
    return ChaosAction.azure('azure-vm-restart', 'vm-restart', options, {}, []);
  }

  /** Detaches a data disk from an Azure VM for the experiment's duration, then attaches it back. */
  public static azureDiskDetach(options: AzureDiskDetachOptions): ChaosAction {
    const problems: Problem[] = [];
    if (!options.diskName || /[\s/\\]/.test(options.diskName))
      problems.push({ field: 'action.diskName', problem: `"${options.diskName ?? ''}" is not a disk name`, fix: 'give the name of the data disk' });
    if (!(Number.isInteger(options.lun) && options.lun >= 0 && options.lun <= 63))
      problems.push({
        field: 'action.lun',
        problem: `${options.lun} is not a logical unit number (0-63)`,
        fix: "give the disk's LUN, as the VM's disk list shows it",
      });
    return ChaosAction.azure('azure-disk-detach', 'disk-detach', options, { diskName: options.diskName, lun: options.lun }, problems);
  }

  // ---- KernelChaos ----

  /**
   * Makes kernel memory allocations or block I/O of the selected pods fail (BPF-based fault
   * injection; the nodes need a kernel built with fail-injection support).
   */
  public static kernelFailRequest(options: KernelFailRequestOptions): ChaosAction {
    const types = { slab: 0, page: 1, bio: 2 } as const;
    const problems: Problem[] = [];
    if (!(options.failType in types))
      problems.push({ field: 'action.failType', problem: `"${String(options.failType)}" is not a fail type`, fix: 'use "slab", "page" or "bio"' });
    problems.push(...percentProblem('action.probability', options.probability));
    if (options.probability !== undefined && !Number.isInteger(options.probability))
      problems.push({
        field: 'action.probability',
        problem: `${options.probability} is not a whole percentage`,
        fix: 'give a whole number from 1 to 100',
      });
    if (options.probability === 0)
      problems.push({ field: 'action.probability', problem: 'a probability of 0 fails nothing', fix: 'give a probability from 1 to 100' });
    if (options.times !== undefined && !(Number.isInteger(options.times) && options.times >= 0))
      problems.push({
        field: 'action.times',
        problem: `${options.times} is not a whole number of failures`,
        fix: 'give the most failures to inject, or leave it out',
      });
    (options.callchain ?? []).forEach((f, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(f.funcname ?? ''))
        problems.push({
          field: `action.callchain[${i}].funcname`,
          problem: `"${f.funcname ?? ''}" is not a kernel function name`,
          fix: 'give a C function name, such as ext4_mount',
        });
    });
    return new ChaosAction(
      'KernelChaos',
      'kernel-fail-request',
      {
        failKernRequest: {
          failtype: types[options.failType] ?? 0,
          callchain: options.callchain?.map((f) => ({ funcname: f.funcname, parameters: f.parameters, predicate: f.predicate })),
          headers: options.headers ? [...options.headers] : undefined,
          probability: options.probability,
          times: options.times,
        },
        containerNames: options.containerNames,
      },
      { problems, litmusGap: 'Litmus has no kernel fault injection' },
    );
  }

  // ---- DNSChaos ----

  /**
   * Makes DNS lookups of matching names fail. A pattern is a domain name with `?` for any one
   * character and `*` only as its last character (`api.example.*`); `["*"]` matches every name.
   */
  public static dnsError(options: ContainerOptions & { readonly patterns: string[] }): ChaosAction {
    return new ChaosAction(
      'DNSChaos',
      'dns-error',
      { action: 'error', patterns: [...options.patterns], containerNames: options.containerNames },
      {
        problems: ChaosAction.patternProblems(options.patterns),
        litmus: { name: 'pod-dns-error', env: { TARGET_HOSTNAMES: JSON.stringify(options.patterns), MATCH_SCHEME: 'substring' } },
      },
    );
  }

  /** Makes DNS lookups of matching names return random addresses (patterns as in {@link ChaosAction.dnsError}). */
  public static dnsRandom(options: ContainerOptions & { readonly patterns: string[] }): ChaosAction {
    return new ChaosAction(
      'DNSChaos',
      'dns-random',
      { action: 'random', patterns: [...options.patterns], containerNames: options.containerNames },
      {
        problems: ChaosAction.patternProblems(options.patterns),
        litmusGap: 'Litmus pod-dns-spoof maps names to chosen addresses, not random ones',
      },
    );
  }

  // ---- HTTPChaos ----

  /** Aborts matching HTTP connections. */
  public static httpAbort(options: HttpOptions): ChaosAction {
    return ChaosAction.http('http-abort', { abort: true }, options, [], {
      name: 'pod-http-reset-peer',
      env: { TARGET_SERVICE_PORT: String(options.port) },
    });
  }

  /** Delays matching HTTP messages. */
  public static httpDelay(options: HttpOptions & { readonly delay: Duration }): ChaosAction {
    const bad = ChaosAction.badSpans('HTTPChaos', 'http-delay', { 'action.delay': options.delay });
    if (bad) return bad;
    return ChaosAction.http('http-delay', { delay: singleUnitGoDuration(options.delay) }, options, [], {
      name: 'pod-http-latency',
      env: { LATENCY: String(options.delay.toMilliseconds()), TARGET_SERVICE_PORT: String(options.port) },
    });
  }

  /** Replaces parts of matching HTTP messages. */
  public static httpReplace(options: HttpReplaceOptions): ChaosAction {
    const replace = {
      code: options.code,
      body: options.body === undefined ? undefined : Buffer.from(options.body).toString('base64'),
      headers: options.replaceHeaders,
      path: options.replacePath,
      method: options.replaceMethod,
      queries: options.replaceQueries,
    };
    const problems: Problem[] = Object.values(replace).every((v) => v === undefined)
      ? [
          {
            field: 'action',
            problem: 'the replacement changes nothing',
            fix: 'set code, body, replaceHeaders, replacePath, replaceMethod or replaceQueries',
          },
        ]
      : [];
    const codeOnly = options.code !== undefined && Object.entries(replace).every(([k, v]) => k === 'code' || v === undefined);
    return ChaosAction.http(
      'http-replace',
      { replace },
      options,
      problems,
      codeOnly ? { name: 'pod-http-status-code', env: { STATUS_CODE: String(options.code), TARGET_SERVICE_PORT: String(options.port) } } : undefined,
      'Litmus maps only a status-code replacement (pod-http-status-code)',
    );
  }

  /** Adds to matching HTTP messages. */
  public static httpPatch(options: HttpPatchOptions): ChaosAction {
    const patch = {
      body: options.jsonBody ? { type: 'JSON', value: JSON.stringify(options.jsonBody) } : undefined,
      headers: options.headersToAdd?.map(([k, v]) => [k, v]),
      queries: options.queries?.map(([k, v]) => [k, v]),
    };
    const problems: Problem[] = Object.values(patch).every((v) => v === undefined)
      ? [{ field: 'action', problem: 'the patch adds nothing', fix: 'set jsonBody, headersToAdd or queries' }]
      : [];
    return ChaosAction.http('http-patch', { patch }, options, problems, undefined, 'Litmus has no HTTP patch fault');
  }

  /**
   * Any action of any kind, its spec fields written as in the manifest (selector, mode and
   * duration are added by the experiment). The escape hatch for what the factories do not cover.
   */
  public static of(kind: ChaosKind, name: string, fields: Record<string, unknown>, litmus?: LitmusFault): ChaosAction {
    const problems: Problem[] = [];
    if (!TYPED_CHAOS_KINDS.includes(kind)) {
      problems.push({
        field: 'action',
        problem: `"${String(kind)}" is not a Chaos Mesh chaos kind`,
        fix: `use one of ${TYPED_CHAOS_KINDS.join(', ')}`,
      });
      return new ChaosAction('PodChaos', String(name), {}, { problems, litmusGap: 'the action is invalid' });
    }
    const raw = fields !== null && typeof fields === 'object' ? fields : {};
    const owned: ReadonlyArray<readonly [string, string]> = [
      ['selector', 'target'],
      ['mode', 'mode'],
      ['value', 'mode'],
      ['duration', 'duration'],
      ['remoteCluster', 'remoteCluster'],
    ];
    for (const [key, prop] of owned) {
      if (key in raw)
        problems.push({
          field: `action.${key}`,
          problem: `the raw fields set "${key}", which the experiment writes from its ${prop} prop (the raw value would be replaced, or would bypass the guardrails)`,
          fix: `drop "${key}" from the fields and set the experiment's ${prop} instead`,
        });
    }
    const peers = (raw.target as { selector?: { namespaces?: unknown } } | undefined)?.selector;
    if (peers && peers.namespaces !== undefined)
      (Array.isArray(peers.namespaces) ? peers.namespaces : [peers.namespaces]).forEach((ns, i) =>
        problems.push(...namespaceProblems(`action.target.selector.namespaces[${i}]`, String(ns), { fix: 'give valid namespace names' })),
      );
    return new ChaosAction(kind, name, { ...raw }, { problems, litmus, litmusGap: litmus ? undefined : `no Litmus mapping was given for ${name}` });
  }

  private static aws(name: string, action: string, o: AwsInstanceOptions, extra: Record<string, unknown>, problems: Problem[]): ChaosAction {
    const all = [...problems];
    if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(o.region ?? ''))
      all.push({ field: 'action.region', problem: `"${o.region ?? ''}" is not an AWS region`, fix: 'give a region such as eu-west-1' });
    if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(o.instanceId ?? ''))
      all.push({
        field: 'action.instanceId',
        problem: `"${o.instanceId ?? ''}" is not an EC2 instance ID`,
        fix: 'give the instance ID, such as i-0123456789abcdef0',
      });
    all.push(...ChaosAction.secretProblems(o.credentialsSecret));
    return new ChaosAction(
      'AWSChaos',
      name,
      { action, awsRegion: o.region, ec2Instance: o.instanceId, secretName: o.credentialsSecret, endpoint: o.endpoint, ...extra },
      { problems: all, litmusGap: 'the Litmus AWS faults take other inputs (instance tags, their own secret); render it with Chaos Mesh' },
    );
  }

  private static gcp(name: string, action: string, o: GcpInstanceOptions, extra: Record<string, unknown>, problems: Problem[]): ChaosAction {
    const all = [...problems];
    if (!/^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(o.project ?? ''))
      all.push({
        field: 'action.project',
        problem: `"${o.project ?? ''}" is not a GCP project ID`,
        fix: 'give the project ID (6-30 lower-case letters, digits and "-")',
      });
    if (!/^[a-z]+-[a-z]+[0-9]+-[a-z]$/.test(o.zone ?? ''))
      all.push({ field: 'action.zone', problem: `"${o.zone ?? ''}" is not a GCP zone`, fix: 'give a zone such as europe-west1-b' });
    if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.instance ?? ''))
      all.push({
        field: 'action.instance',
        problem: `"${o.instance ?? ''}" is not a Compute Engine instance name`,
        fix: 'give the instance name (lower-case letters, digits and "-")',
      });
    all.push(...ChaosAction.secretProblems(o.credentialsSecret));
    return new ChaosAction(
      'GCPChaos',
      name,
      { action, project: o.project, zone: o.zone, instance: o.instance, secretName: o.credentialsSecret, ...extra },
      {
        problems: all,
        litmusGap: 'the Litmus GCP faults take other inputs (instance names and zones lists, their own secret); render it with Chaos Mesh',
      },
    );
  }

  private static azure(name: string, action: string, o: AzureVmOptions, extra: Record<string, unknown>, problems: Problem[]): ChaosAction {
    const all = [...problems];
    if (!/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(o.subscriptionId ?? ''))
      all.push({
        field: 'action.subscriptionId',
        problem: `"${o.subscriptionId ?? ''}" is not an Azure subscription ID`,
        fix: 'give the subscription GUID',
      });
    if (!/^[-\w._()]{1,90}$/.test(o.resourceGroup ?? '') || (o.resourceGroup ?? '').endsWith('.'))
      all.push({
        field: 'action.resourceGroup',
        problem: `"${o.resourceGroup ?? ''}" is not a resource group name`,
        fix: 'give the name of the resource group of the VM',
      });
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/.test(o.vmName ?? ''))
      all.push({ field: 'action.vmName', problem: `"${o.vmName ?? ''}" is not a VM name`, fix: 'give the name of the virtual machine' });
    if (o.credentialsSecret === undefined)
      all.push({
        field: 'action.credentialsSecret',
        problem: 'no credentials Secret is named, and Chaos Mesh needs one for Azure',
        fix: 'name a Secret in the experiment namespace holding client_id, client_secret and tenant_id',
      });
    all.push(...ChaosAction.secretProblems(o.credentialsSecret));
    return new ChaosAction(
      'AzureChaos',
      name,
      { action, subscriptionID: o.subscriptionId, resourceGroupName: o.resourceGroup, vmName: o.vmName, secretName: o.credentialsSecret, ...extra },
      { problems: all, litmusGap: 'the Litmus Azure faults take other inputs (instance names, their own secret); render it with Chaos Mesh' },
    );
  }

  /** An action that only reports its unreadable durations, or undefined when every one can be read. */
  private static badSpans(kind: ChaosKind, name: string, spans: Record<string, Duration | undefined>): ChaosAction | undefined {
    const problems = spanProblems(spans);
    return problems.length > 0 ? new ChaosAction(kind, name, {}, { problems, litmusGap: `the ${name} action is invalid` }) : undefined;
  }

  private static secretProblems(secret: string | undefined): Problem[] {
    return secret === undefined
      ? []
      : nameProblems('action.credentialsSecret', secret, { what: 'Secret name', fix: 'name a Secret in the experiment namespace' });
  }

  private static network(
    name: string,
    action: string,
    fields: Record<string, unknown>,
    scope: NetworkScope,
    problems: Problem[],
    litmus?: LitmusFault,
    litmusGap?: string,
  ): ChaosAction {
    const direction = scope.direction ?? NetworkDirection.to();
    const out: Problem[] = [...problems];
    if (!['to', 'from', 'both'].includes(direction.value)) {
      out.push({
        field: 'action.direction',
        problem: `"${direction.value}" is not a direction`,
        fix: 'use NetworkDirection.to(), .from() or .both()',
      });
    }
    if ((scope.externalTargets?.length ?? 0) > 0 && direction.value !== 'to') {
      out.push({
        field: 'action.direction',
        problem: `externalTargets only work with direction "to", but the direction is "${direction.value}"`,
        fix: 'use NetworkDirection.to() with externalTargets, or target pods with peers instead',
      });
    }
    (scope.externalTargets ?? []).forEach((t, i) => out.push(...hostOrCidrProblems(`action.externalTargets[${i}]`, t)));
    if (scope.peers) out.push(...scope.peers.problems('action.peers'));
    const peersMode = scope.peersMode ?? ChaosMode.all();
    if (scope.peers) out.push(...peersMode.problems('action.peersMode'));
    const target = scope.peers ? { ...peersMode.toSpec(), selector: scope.peers.toSpec() } : undefined;
    let mapped = litmus;
    if (mapped && scope.peers) {
      mapped = undefined;
      litmusGap = 'Litmus network faults target destination IPs or hosts, not peer pod selectors';
    } else if (mapped && direction.value !== 'to') {
      mapped = undefined;
      litmusGap = 'Litmus network faults act on egress traffic only (direction "to")';
    } else if (mapped && scope.externalTargets?.length) {
      mapped = { name: mapped.name, env: { ...mapped.env, DESTINATION_HOSTS: scope.externalTargets.join(',') } };
    }
    return new ChaosAction(
      'NetworkChaos',
      name,
      {
        action,
        ...fields,
        direction: direction.value,
        target,
        externalTargets: scope.externalTargets?.length ? [...scope.externalTargets] : undefined,
        device: scope.device,
        targetDevice: scope.peersDevice,
      },
      {
        problems: out,
        litmus: mapped,
        litmusGap,
        partition: action === 'partition' ? { peers: scope.peers, externalTargets: [...(scope.externalTargets ?? [])] } : undefined,
      },
    );
  }

  private static jvm(name: string, action: string, fields: Record<string, unknown>, o: JvmOptions, problems: Problem[]): ChaosAction {
    const all = [...problems];
    if (o.port !== undefined && !(Number.isInteger(o.port) && o.port > 0 && o.port < 65536))
      all.push({ field: 'action.port', problem: `${o.port} is not a TCP port`, fix: 'give the agent port, 9277 unless changed' });
    all.push(...positiveProblem('action.pid', o.pid));
    return new ChaosAction(
      'JVMChaos',
      name,
      { action, ...fields, port: o.port, pid: o.pid, name: o.ruleName, containerNames: o.containerNames },
      {
        problems: all,
        litmusGap: 'Litmus has no JVM fault injection',
      },
    );
  }

  private static methodProblems(o: JvmMethodOptions): Problem[] {
    const out: Problem[] = [];
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(o.className ?? ''))
      out.push({
        field: 'action.className',
        problem: `"${o.className}" is not a Java class name`,
        fix: 'give the fully qualified class, such as com.example.OrderService',
      });
    if (!/^[A-Za-z_$<][\w$>]*$/.test(o.method ?? ''))
      out.push({ field: 'action.method', problem: `"${o.method}" is not a Java method name`, fix: 'give the method name without parentheses' });
    return out;
  }

  private static share(key: string, o: NetworkPercentOptions): Record<string, unknown> {
    return { [key]: String(o.percent), correlation: o.correlation === undefined ? undefined : String(o.correlation) };
  }

  private static shareProblems(o: NetworkPercentOptions): Problem[] {
    return [...percentProblem('action.percent', o.percent), ...percentProblem('action.correlation', o.correlation)];
  }

  private static io(name: string, fields: Record<string, unknown>, o: IoOptions, extra: Problem[] = []): ChaosAction {
    const problems = [...extra, ...required('action.volumePath', o.volumePath), ...percentProblem('action.percent', o.percent)];
    if (o.volumePath && !o.volumePath.startsWith('/'))
      problems.push({
        field: 'action.volumePath',
        problem: `"${o.volumePath}" is not an absolute path`,
        fix: 'give the mount point inside the container, such as /var/lib/data',
      });
    (o.methods ?? []).forEach((m, i) => {
      if (IO_METHODS.includes(m)) return;
      const lower = String(m).toLowerCase();
      problems.push({
        field: `action.methods[${i}]`,
        problem: `"${m}" is not an I/O method Chaos Mesh knows`,
        fix: IO_METHODS.includes(lower) ? `write "${lower}" (Chaos Mesh names methods in lower case)` : `use some of ${IO_METHODS.join(', ')}`,
      });
    });
    return new ChaosAction(
      'IOChaos',
      name,
      { ...fields, volumePath: o.volumePath, path: o.path, percent: o.percent, methods: o.methods, containerNames: o.containerNames },
      {
        problems,
        litmusGap: 'Litmus has no file-system fault injection (pod-io-stress only loads the disk)',
      },
    );
  }

  private static http(
    name: string,
    fields: Record<string, unknown>,
    o: HttpOptions,
    problems: Problem[],
    litmus?: LitmusFault,
    litmusGap?: string,
  ): ChaosAction {
    const all = [...problems];
    if (!(Number.isInteger(o.port) && o.port > 0 && o.port < 65536))
      all.push({ field: 'action.port', problem: `${o.port} is not a TCP port`, fix: 'give the port the target serves HTTP on (1-65535)' });
    if (o.method !== undefined && !/^[A-Za-z]+$/.test(o.method))
      all.push({ field: 'action.method', problem: `"${o.method}" is not an HTTP method`, fix: 'give a method such as GET or POST' });
    const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
    for (const [key, headers] of [
      ['headers', o.headers],
      ['replaceHeaders', (o as HttpReplaceOptions).replaceHeaders],
    ] as const)
      for (const h of Object.keys(headers ?? {}))
        if (!token.test(h))
          all.push({
            field: `action.${key}.${h}`,
            problem: `"${h}" is not an HTTP header name`,
            fix: 'use letters, digits and "-", such as X-Request-Id',
          });
    for (const [h] of (o as HttpPatchOptions).headersToAdd ?? [])
      if (!token.test(String(h)))
        all.push({
          field: 'action.headersToAdd',
          problem: `"${h}" is not an HTTP header name`,
          fix: 'use letters, digits and "-", such as X-Request-Id',
        });
    if (o.tls) {
      all.push(
        ...nameProblems('action.tls.secretName', o.tls.secretName, { what: 'Secret name', fix: 'name the Secret holding the certificate and key' }),
      );
      all.push(...namespaceProblems('action.tls.secretNamespace', o.tls.secretNamespace, { fix: "give the Secret's namespace" }));
    }
    if (o.path !== undefined && !/^\/[^\s]*$/.test(o.path))
      all.push({
        field: 'action.path',
        problem: `"${o.path}" is not a URI path`,
        fix: 'give a path starting with "/", such as /api/orders or /api/*',
      });
    const target = o.target ?? HttpTarget.request();
    if (o.statusCode !== undefined && target.value !== 'Response')
      all.push({
        field: 'action.statusCode',
        problem: 'a status code selects responses, but the target is requests',
        fix: 'use HttpTarget.response() with statusCode',
      });
    if (o.statusCode !== undefined && !(Number.isInteger(o.statusCode) && o.statusCode >= 100 && o.statusCode <= 599))
      all.push({ field: 'action.statusCode', problem: `${o.statusCode} is not an HTTP status code`, fix: 'give a code such as 503' });
    return new ChaosAction(
      'HTTPChaos',
      name,
      {
        code: o.statusCode,
        tls: o.tls
          ? {
              secretName: o.tls.secretName,
              secretNamespace: o.tls.secretNamespace,
              certName: o.tls.certName ?? 'tls.crt',
              keyName: o.tls.keyName ?? 'tls.key',
              caName: o.tls.caName,
            }
          : undefined,
        target: target.value,
        port: o.port,
        path: o.path,
        method: o.method,
        [target.value === 'Request' ? 'request_headers' : 'response_headers']: o.headers,
        ...fields,
      },
      {
        problems: all,
        litmus: o.path || o.method ? undefined : litmus,
        litmusGap: o.path || o.method ? 'Litmus HTTP faults act on a whole port, not on a path or method' : litmusGap,
      },
    );
  }

  private static patternProblems(patterns: string[]): Problem[] {
    if (!Array.isArray(patterns) || patterns.length === 0)
      return [
        {
          field: 'action.patterns',
          problem: 'no DNS name patterns are given, and without patterns Chaos Mesh applies the fault to every domain name',
          fix: 'give the names to hit, such as "api.example.com" or "api.example.*" ("*" only at the end), or ["*"] for every name on purpose',
        },
      ];
    return patterns.flatMap((pattern, i) => {
      const p = dnsPatternProblem(pattern);
      return p
        ? [
            {
              field: `action.patterns[${i}]`,
              problem: p,
              fix: 'write a domain name, with "?" for any one character and "*" only at the end (such as "api-?.example.*")',
            },
          ]
        : [];
    });
  }

  /** The action's spec fields (without selector, mode and duration), undefined values removed. */
  public readonly fields: Record<string, unknown>;
  /** Problems found in the options, reported by the experiment that uses the action. */
  public readonly problems: readonly Problem[];
  /** The Litmus equivalent, when there is one. */
  public readonly litmus?: LitmusFault;
  /** Why there is no Litmus equivalent, when there is none. */
  public readonly litmusGap?: string;
  /**
   * For a partition: its peers, or null when it cuts the pods off from everything (neither
   * peers nor external targets). Undefined for other actions and for a partition from external targets only.
   * @deprecated Use {@link ChaosAction.partition}, which also says what external targets a partition cuts off.
   */
  public readonly partitionPeers?: ChaosTarget | null;
  /** For a partition: what the pods are cut off from. */
  public readonly partition?: PartitionReach;
  /**
   * The namespaces of the peer pods the action's traffic goes to or comes from (a
   * NetworkChaos `target`), read from the fields, so that raw fields are checked too. A peer
   * selector without namespaces selects in the chaos object's namespace.
   */
  public readonly peerNamespaces: readonly string[];
  /** False for the kinds that act on a named cloud resource (AWS, GCP, Azure): no selector or mode. */
  public readonly selectsPods: boolean;
  /**
   * True for a one-shot fault (pod-kill, container-kill): Chaos Mesh acts once and the
   * experiment needs no duration. Continuous faults last for their duration.
   */
  public readonly instantaneous: boolean;

  private constructor(
    /** The Chaos Mesh kind. */
    public readonly kind: ChaosKind,
    /** A short name of the fault (`pod-kill`, `network-delay`, ...). */
    public readonly name: string,
    fields: Record<string, unknown>,
    extra: { problems?: Problem[]; litmus?: LitmusFault; litmusGap?: string; partition?: PartitionReach } = {},
  ) {
    this.fields = dropUndefined(fields) as Record<string, unknown>;
    this.problems = [...(extra.problems ?? []), ...commonFieldProblems(this.fields)];
    this.litmus = extra.litmus;
    this.litmusGap = extra.litmus ? undefined : (extra.litmusGap ?? `no Litmus equivalent for ${name}`);
    const rawPartition = kind === 'NetworkChaos' && this.fields.action === 'partition';
    this.partition =
      extra.partition ??
      (rawPartition
        ? {
            externalTargets: Array.isArray(this.fields.externalTargets) ? (this.fields.externalTargets as string[]) : [],
            rawPeers: this.fields.target !== undefined,
          }
        : undefined);
    this.partitionPeers = this.partition
      ? (this.partition.peers ?? (this.partition.externalTargets.length === 0 && !this.partition.rawPeers ? null : undefined))
      : undefined;
    this.peerNamespaces = peerNamespacesOf(this.fields.target);
    this.selectsPods = CHAOS_MESH_KINDS[kind].selectsPods;
    this.instantaneous = CHAOS_MESH_KINDS[kind].instantaneousActions.includes(String(this.fields.action));
  }
}

/**
 * The generated Chaos Mesh CRD module, for the one factory that needs its serializer
 * (physical-machine parameters use the CRD's dashed keys). It loads cdk8s, so it is loaded
 * when that factory is called, not with this module.
 */
function chaosMeshCrdModule(): typeof import('../../imports/chaos-mesh.org') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../imports/chaos-mesh.org') as typeof import('../../imports/chaos-mesh.org');
}

/** The I/O methods of IOChaos, as Chaos Mesh names them. */
const IO_METHODS: readonly string[] = [
  'lookup',
  'forget',
  'getattr',
  'setattr',
  'readlink',
  'mknod',
  'mkdir',
  'unlink',
  'rmdir',
  'symlink',
  'rename',
  'link',
  'open',
  'read',
  'write',
  'flush',
  'release',
  'fsync',
  'opendir',
  'readdir',
  'releasedir',
  'fsyncdir',
  'statfs',
  'setxattr',
  'getxattr',
  'listxattr',
  'removexattr',
  'access',
  'create',
  'getlk',
  'setlk',
  'bmap',
];

/** Problems with the fields many kinds share (container names, network devices), whichever factory (or raw fields) set them. */
function commonFieldProblems(fields: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  const names = fields.containerNames;
  if (Array.isArray(names))
    names.forEach((n, i) =>
      out.push(
        ...nameProblems(`action.containerNames[${i}]`, String(n), {
          rule: 'dns-label',
          what: 'container name',
          fix: "name the pod's containers as their spec does",
        }),
      ),
    );
  for (const [key, field] of [
    ['device', 'action.device'],
    ['targetDevice', 'action.peersDevice'],
  ] as const) {
    const d = fields[key];
    if (d !== undefined && !(typeof d === 'string' && /^[A-Za-z0-9_.:@-]{1,15}$/.test(d)))
      out.push({
        field,
        problem: `"${String(d)}" is not a network interface name`,
        fix: 'give an interface such as eth0 (at most 15 characters, no spaces or "/")',
      });
  }
  return out;
}

/** For a partition: what the selected pods are cut off from. */
export interface PartitionReach {
  /**
   * The peer pods.
   * @default none
   */
  readonly peers?: ChaosTarget;
  /** Hosts or CIDRs outside the cluster. */
  readonly externalTargets: readonly string[];
  /**
   * True when raw fields (`ChaosAction.of`) give a peer `target` that is not a ChaosTarget.
   * @default false
   */
  readonly rawPeers?: boolean;
}

/** The namespaces a NetworkChaos `target` (peer selector) reaches: its namespaces and those of explicit pods. */
function peerNamespacesOf(target: unknown): string[] {
  const selector = (target as { selector?: { namespaces?: unknown; pods?: unknown } } | undefined)?.selector;
  if (!selector || typeof selector !== 'object') return [];
  const list = Array.isArray(selector.namespaces) ? selector.namespaces.map(String) : [];
  const pods = selector.pods && typeof selector.pods === 'object' ? Object.keys(selector.pods) : [];
  return [...new Set([...list, ...pods])];
}

/** A deep copy without undefined values. */
export function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, dropUndefined(x)]),
    );
  }
  return v;
}
