import { ApiObject, JsonPatch } from 'cdk8s';
import { objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import {
  PhysicalMachineProps as PhysicalMachineObjectProps,
  RemoteClusterProps as RemoteClusterObjectProps,
  toJson_PhysicalMachineProps,
  toJson_RemoteClusterProps,
} from '../../imports/chaos-mesh.org';
import { labelsProblems, nameProblems, namespaceProblems, Problems } from '../common';
import { apiObjectsOf, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { httpUrlProblems } from '../common/net';
import { ChaosObjectIdentity, IChaosObjectOwner, registerChaosObjects } from './identity';
import { chaosNamespace } from './experiment';
import { CHAOS_LABELS, CHAOS_MESH_API_VERSION } from './types';

/** The namespace Chaos Mesh is installed in, protected by default; physical-machine objects may live there with `allowChaosMeshNamespace`. */
export const CHAOS_MESH_NAMESPACE = 'chaos-mesh';

/** A Secret key holding a kubeconfig. */
export interface KubeconfigSecretRef {
  /** The Secret's name. */
  readonly name: string;
  /** The Secret's namespace. */
  readonly namespace: string;
  /**
   * The key holding the kubeconfig.
   * @default "kubeconfig"
   */
  readonly key?: string;
}

/** Props of {@link RemoteCluster}. */
export interface RemoteClusterProps {
  /** The Secret holding the kubeconfig of the remote cluster. */
  readonly kubeconfig: KubeconfigSecretRef;
  /** Chaos Mesh version installed in the remote cluster by the controller (a chart version such as "2.8.3"). */
  readonly version: string;
  /**
   * Object name, referred to by experiments' `remoteCluster`.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace Chaos Mesh is installed in, in the remote cluster.
   * @default "chaos-mesh"
   */
  readonly installNamespace?: string;
  /**
   * Helm values overriding the remote installation's defaults.
   * @default none
   */
  readonly configOverride?: Readonly<Record<string, unknown>>;
  /**
   * Labels.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Chaos Mesh `RemoteCluster` (cluster-scoped): Chaos Mesh installs itself into another
 * cluster through a kubeconfig, and experiments with `remoteCluster` run there.
 */
export class RemoteCluster extends Construct implements IApiObjectOwner, IChaosObjectOwner {
  /** The name experiments refer to. */
  public readonly name: string;
  /** The RemoteCluster object (the escape hatch). */
  public readonly apiObject: ApiObject;
  /** The objects it emits, by kind and name (cluster-scoped). */
  public readonly objectIdentities: readonly ChaosObjectIdentity[];

  constructor(scope: Construct, id: string, props: RemoteClusterProps) {
    super(scope, id);
    const p = props ?? ({} as RemoteClusterProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    problems.addAll('', nameProblems('name', this.name, { fix: 'name the remote cluster with lower-case letters, digits, "-" and "."' }));
    if (!p.kubeconfig) {
      problems.add(
        'kubeconfig',
        'no kubeconfig Secret is given',
        "give the Secret holding the remote cluster's kubeconfig: { name, namespace, key }",
      );
    } else {
      problems.addAll('', nameProblems('kubeconfig.name', p.kubeconfig.name, { fix: 'name the kubeconfig Secret' }));
      problems.addAll('', namespaceProblems('kubeconfig.namespace', p.kubeconfig.namespace, { fix: "give the Secret's namespace" }));
    }
    if (!/^v?\d+\.\d+\.\d+([-+].+)?$/.test(p.version ?? ''))
      problems.add('version', `"${p.version ?? ''}" is not a Chaos Mesh version`, 'give the version to install, such as "2.8.3"');
    const install = p.installNamespace ?? CHAOS_MESH_NAMESPACE;
    problems.addAll('', namespaceProblems('installNamespace', install, { fix: 'give the namespace to install Chaos Mesh into, usually chaos-mesh' }));
    problems.addAll('', labelsProblems('labels', p.labels));
    problems.throwIfAny(this.node.path);
    this.apiObject = setMainObject(
      this,
      typedApiObject<RemoteClusterObjectProps>(
        this,
        'Resource',
        { apiVersion: CHAOS_MESH_API_VERSION, kind: 'RemoteCluster' },
        {
          metadata: { name: this.name, labels: objectLabels(CHAOS_LABELS, p.labels) },
          spec: {
            namespace: install,
            version: p.version,
            kubeConfig: { secretRef: { name: p.kubeconfig.name, namespace: p.kubeconfig.namespace, key: p.kubeconfig.key ?? 'kubeconfig' } },
            ...(p.configOverride ? { configOverride: { ...p.configOverride } } : {}),
          },
        },
        toJson_RemoteClusterProps,
      ),
    );
    // Cluster-scoped: never the chart's namespace.
    if (this.apiObject.metadata.namespace !== undefined) this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.objectIdentities = [{ kind: 'RemoteCluster', name: this.name, field: 'name' }];
    registerChaosObjects(this);
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/** Props of {@link PhysicalMachine}. */
export interface PhysicalMachineProps {
  /** The chaosd server of the machine, such as `https://10.0.3.7:31768`. */
  readonly address: string;
  /**
   * Object name, referred to by `ChaosTarget.physicalMachines`.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the object. Chaos Mesh's own examples keep machines in `chaos-mesh`,
   * which is protected: that needs `allowChaosMeshNamespace: true`.
   * @default the scope's chaos namespace (setChaosDefaults), else the chart's, else 'chaos-testing'
   */
  readonly namespace?: string;
  /**
   * Allow the object in the protected chaos-mesh namespace.
   * @default false
   */
  readonly allowChaosMeshNamespace?: boolean;
  /**
   * Labels (experiments can select machines by label).
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Chaos Mesh `PhysicalMachine`: a machine outside Kubernetes running chaosd, a target of PhysicalMachineChaos. */
export class PhysicalMachine extends Construct implements IApiObjectOwner, IChaosObjectOwner {
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The PhysicalMachine object (the escape hatch). */
  public readonly apiObject: ApiObject;
  /** The objects it emits, by kind, namespace and name. */
  public readonly objectIdentities: readonly ChaosObjectIdentity[];

  constructor(scope: Construct, id: string, props: PhysicalMachineProps) {
    super(scope, id);
    const p = props ?? ({} as PhysicalMachineProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    this.namespace = chaosNamespace(this, p.namespace);
    problems.addAll('', nameProblems('name', this.name, { fix: 'name the machine with lower-case letters, digits, "-" and "."' }));
    problems.addAll('', namespaceProblems('namespace', this.namespace, { fix: 'give a valid namespace' }));
    if (this.namespace === CHAOS_MESH_NAMESPACE && !p.allowChaosMeshNamespace) {
      problems.add(
        'namespace',
        `"${CHAOS_MESH_NAMESPACE}" is protected`,
        'put the machine in another namespace, or opt in with allowChaosMeshNamespace: true',
      );
    }
    problems.addAll(
      '',
      httpUrlProblems('address', p.address, {
        what: 'chaosd address',
        originOnly: true,
        fix: 'give the chaosd server URL, such as https://10.0.3.7:31768',
      }),
    );
    problems.addAll('', labelsProblems('labels', p.labels));
    problems.throwIfAny(this.node.path);
    this.apiObject = setMainObject(
      this,
      typedApiObject<PhysicalMachineObjectProps>(
        this,
        'Resource',
        { apiVersion: CHAOS_MESH_API_VERSION, kind: 'PhysicalMachine' },
        {
          metadata: { name: this.name, namespace: this.namespace, labels: objectLabels(CHAOS_LABELS, p.labels) },
          spec: { address: p.address },
        },
        toJson_PhysicalMachineProps,
      ),
    );
    this.objectIdentities = [{ kind: 'PhysicalMachine', namespace: this.namespace, name: this.name, field: 'name' }];
    registerChaosObjects(this);
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
