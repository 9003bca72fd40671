import type { V1PodSecurityContext, V1SecurityContext } from "@kubernetes/client-node";

/** Meets Pod Security "restricted" with room to spare: non-root, no privilege, read-only root. */
export const podSecurityContext: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};

export const containerSecurityContext: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ["ALL"] },
};
