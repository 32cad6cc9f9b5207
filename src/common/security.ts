/**
 * The Pod Security Standards "restricted" profile, for the workloads this library generates
 * (MinIO, bucket set-up Jobs, chaos probes): non-root, no privilege escalation, all
 * capabilities dropped, the runtime's default seccomp profile, a read-only root filesystem.
 */

/** Pod-level security context of the restricted profile. */
export function restrictedPodSecurityContext(uid = 65532): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the restricted profile. */
export function restrictedContainerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
