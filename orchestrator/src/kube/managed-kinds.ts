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

/**
 * The kinds in which the reconciler looks for objects in an environment that it did not make, to report and
 * remove them: the namespaced kinds it makes, and every kind that runs containers. Admission keeps anyone
 * else from taking our labels (policies/admission/environment-labels.yaml), so "not made by us" is "not
 * labelled as ours". Kinds admission refuses to anyone else (NetworkPolicies, quota, limits, Services) are
 * among them all the same: for objects made before the policies were in force, or by a break-glass administrator.
 */
export const FOREIGN_KINDS: readonly ManagedKind[] = [
  ...MANAGED_KINDS.filter((k) => k.namespaced),
  { apiVersion: "v1", kind: "Pod", path: "/api/v1/pods", namespaced: true },
  { apiVersion: "v1", kind: "ReplicationController", path: "/api/v1/replicationcontrollers", namespaced: true },
  { apiVersion: "apps/v1", kind: "ReplicaSet", path: "/apis/apps/v1/replicasets", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", path: "/apis/apps/v1/statefulsets", namespaced: true },
  { apiVersion: "apps/v1", kind: "DaemonSet", path: "/apis/apps/v1/daemonsets", namespaced: true },
  { apiVersion: "batch/v1", kind: "CronJob", path: "/apis/batch/v1/cronjobs", namespaced: true },
];

/**
 * What the reconciler reads but never writes, to say why an environment does not get further
 * (environments/workload-health.ts): the pods its Deployments and Jobs made (by our labels), the pods
 * controllers could not make (FailedCreate events, by field) and the nodes that could run them.
 */
export const OBSERVED_KINDS = {
  pods: { apiVersion: "v1", kind: "Pod", path: "/api/v1/pods", namespaced: true },
  refusals: { apiVersion: "v1", kind: "Event", path: "/api/v1/events", namespaced: true },
  nodes: { apiVersion: "v1", kind: "Node", path: "/api/v1/nodes", namespaced: false },
} as const satisfies Record<string, ManagedKind>;
/** Only these events: a controller could not make a pod (the quota or an admission policy refused it). */
export const REFUSAL_EVENTS = "reason=FailedCreate";

/** What the cluster itself puts in every namespace: not ours, and not someone else's to remove. */
export const CLUSTER_MADE = new Set(["ServiceAccount/default"]);

/** Identifies an object within an environment. */
export const objectKey = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) =>
  `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
