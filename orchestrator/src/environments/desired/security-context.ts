import type { V1PodSecurityContext, V1SecurityContext } from "@kubernetes/client-node";

/** Meets Pod Security "restricted" with room to spare: non-root, no privilege, read-only root. */
export const podSecurityContext: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  // The kubelet changes a volume's group only when its top folder's is not 1000 already, not every file of a
  // home at every start: a workspace opened again starts as fast with a thousand files as with none.
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

export const containerSecurityContext: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ["ALL"] },
};
