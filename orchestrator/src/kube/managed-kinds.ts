/** Every kind of object the reconciler makes: what it watches, prunes and may delete. */
export interface ManagedKind {
  apiVersion: string;
  kind: string;
  /** The list path of all objects of the kind, across namespaces. */
  path: string;
  namespaced: boolean;
}

export const MANAGED_KINDS: readonly ManagedKind[] = [
  { apiVersion: "v1", kind: "Namespace", path: "/api/v1/namespaces", namespaced: false },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    path: "/apis/networking.k8s.io/v1/networkpolicies",
    namespaced: true,
  },
  { apiVersion: "v1", kind: "ResourceQuota", path: "/api/v1/resourcequotas", namespaced: true },
  { apiVersion: "v1", kind: "LimitRange", path: "/api/v1/limitranges", namespaced: true },
  { apiVersion: "v1", kind: "ServiceAccount", path: "/api/v1/serviceaccounts", namespaced: true },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", path: "/api/v1/persistentvolumeclaims", namespaced: true },
  { apiVersion: "batch/v1", kind: "Job", path: "/apis/batch/v1/jobs", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", path: "/apis/apps/v1/deployments", namespaced: true },
  { apiVersion: "v1", kind: "Service", path: "/api/v1/services", namespaced: true },
];

/** Identifies an object within an environment. */
export const objectKey = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) =>
  `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
