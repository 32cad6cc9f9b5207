/**
 * Types of the core Kubernetes objects the library emits, from the `kubernetes-models`
 * schemas (a build-time dependency only: these are erased from the emitted JavaScript and
 * must not appear in the public declarations).
 */
export type { IDeployment as Deployment } from 'kubernetes-models/apps/v1/Deployment';
export type { IJob as Job } from 'kubernetes-models/batch/v1/Job';
export type { INetworkPolicy as NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
export type { IIoK8sApiNetworkingV1NetworkPolicyPeer as NetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
export type { IPersistentVolumeClaim as PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
export type { ISecret as Secret } from 'kubernetes-models/v1/Secret';
export type { IService as Service } from 'kubernetes-models/v1/Service';
export type { IIoK8sApiCoreV1EnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
export type { IIoK8sApiCoreV1Volume as Volume } from 'kubernetes-models/v1/Volume';
export type { IIoK8sApiCoreV1PodSecurityContext as PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
export type { IIoK8sApiCoreV1SecurityContext as SecurityContext } from 'kubernetes-models/v1/SecurityContext';
export type { IIoK8sApimachineryPkgApisMetaV1LabelSelector as LabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
