/**
 * The resource types the runtime uses, by group/version/plural. Later operations (DR drills,
 * the chaos runner) add theirs here, and the simulated cluster serves every type listed.
 */
import { CHAOS_MESH_KINDS, ChaosMeshKind } from '../../chaos/kinds';
import { ResourceType } from './types';

function core(plural: string, kind: string, namespaced = true): ResourceType {
  return { group: '', version: 'v1', plural, kind, namespaced };
}

export const NAMESPACES = core('namespaces', 'Namespace', false);
export const PODS = core('pods', 'Pod');
export const SERVICES = core('services', 'Service');
export const ENDPOINTS = core('endpoints', 'Endpoints');
export const PVCS = core('persistentvolumeclaims', 'PersistentVolumeClaim');
export const CONFIGMAPS = core('configmaps', 'ConfigMap');
export const SECRETS = core('secrets', 'Secret');
export const EVENTS = core('events', 'Event');
export const DEPLOYMENTS: ResourceType = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' };

function velero(plural: string, kind: string): ResourceType {
  return { group: 'velero.io', version: 'v1', plural, kind };
}
export const VELERO_BACKUPS = velero('backups', 'Backup');
export const VELERO_RESTORES = velero('restores', 'Restore');
export const VELERO_SCHEDULES = velero('schedules', 'Schedule');
export const VELERO_DELETE_REQUESTS = velero('deletebackuprequests', 'DeleteBackupRequest');
export const VELERO_STORAGE_LOCATIONS = velero('backupstoragelocations', 'BackupStorageLocation');
/** A signed URL for a backup's files (its resource list, logs), as `velero backup describe --details` uses. */
export const VELERO_DOWNLOAD_REQUESTS = velero('downloadrequests', 'DownloadRequest');

function chaosMesh(plural: string, kind: string): ResourceType {
  return { group: 'chaos-mesh.org', version: 'v1alpha1', plural, kind };
}
/** A chaos kind of the Chaos Mesh registry (src/chaos/kinds.ts), which knows its resource name. */
function chaosKind(kind: ChaosMeshKind): ResourceType {
  return chaosMesh(CHAOS_MESH_KINDS[kind].plural, kind);
}
export const CHAOS_POD = chaosKind('PodChaos');
export const CHAOS_NETWORK = chaosKind('NetworkChaos');
export const CHAOS_STRESS = chaosKind('StressChaos');
export const CHAOS_IO = chaosKind('IOChaos');
export const CHAOS_HTTP = chaosKind('HTTPChaos');
export const CHAOS_TIME = chaosKind('TimeChaos');
export const CHAOS_SCHEDULES = chaosMesh('schedules', 'Schedule');
export const CHAOS_WORKFLOWS = chaosMesh('workflows', 'Workflow');

/** Every type the runtime knows (and the simulated cluster serves). */
export const ALL_TYPES: readonly ResourceType[] = [
  NAMESPACES,
  PODS,
  SERVICES,
  ENDPOINTS,
  PVCS,
  CONFIGMAPS,
  SECRETS,
  EVENTS,
  DEPLOYMENTS,
  VELERO_BACKUPS,
  VELERO_RESTORES,
  VELERO_SCHEDULES,
  VELERO_DELETE_REQUESTS,
  VELERO_STORAGE_LOCATIONS,
  VELERO_DOWNLOAD_REQUESTS,
  CHAOS_POD,
  CHAOS_NETWORK,
  CHAOS_STRESS,
  CHAOS_IO,
  CHAOS_HTTP,
  CHAOS_TIME,
  CHAOS_SCHEDULES,
  CHAOS_WORKFLOWS,
];
