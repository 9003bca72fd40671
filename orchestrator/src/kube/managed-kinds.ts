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
 * remove them: every namespaced kind the API server stores that a person or a workload could make, but those
 * in FOREIGN_KINDS_LEFT_ALONE (each with its reason; kube/foreign-kinds.test.ts holds the API server's own
 * list against the two, so a kind a new Kubernetes version adds fails it until it is placed). Admission keeps
 * anyone else from taking our labels (policies/admission/environment-labels.yaml), so "not made by us" is
 * "not labelled as ours". Kinds admission refuses to anyone else (NetworkPolicies, quota, limits, Services,
 * RoleBindings) are among them all the same: for objects made before the policies were in force, or by a
 * break-glass administrator.
 */
export const FOREIGN_KINDS: readonly ManagedKind[] = [
  ...MANAGED_KINDS.filter((k) => k.namespaced),
  // What runs containers.
  { apiVersion: "v1", kind: "Pod", path: "/api/v1/pods", namespaced: true },
  { apiVersion: "v1", kind: "ReplicationController", path: "/api/v1/replicationcontrollers", namespaced: true },
  { apiVersion: "v1", kind: "PodTemplate", path: "/api/v1/podtemplates", namespaced: true },
  { apiVersion: "apps/v1", kind: "ReplicaSet", path: "/apis/apps/v1/replicasets", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", path: "/apis/apps/v1/statefulsets", namespaced: true },
  { apiVersion: "apps/v1", kind: "DaemonSet", path: "/apis/apps/v1/daemonsets", namespaced: true },
  { apiVersion: "apps/v1", kind: "ControllerRevision", path: "/apis/apps/v1/controllerrevisions", namespaced: true },
  { apiVersion: "batch/v1", kind: "CronJob", path: "/apis/batch/v1/cronjobs", namespaced: true },
  // What changes how pods run, scale, are evicted or are reached.
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    path: "/apis/autoscaling/v2/horizontalpodautoscalers",
    namespaced: true,
  },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    path: "/apis/policy/v1/poddisruptionbudgets",
    namespaced: true,
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    path: "/apis/networking.k8s.io/v1/ingresses",
    namespaced: true,
  },
  // Configuration and rights: a ConfigMap a foreign pod would mount, a Role or RoleBinding that grants.
  { apiVersion: "v1", kind: "ConfigMap", path: "/api/v1/configmaps", namespaced: true },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    path: "/apis/rbac.authorization.k8s.io/v1/roles",
    namespaced: true,
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    path: "/apis/rbac.authorization.k8s.io/v1/rolebindings",
    namespaced: true,
  },
  // Storage and devices a pod could claim.
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "CSIStorageCapacity",
    path: "/apis/storage.k8s.io/v1/csistoragecapacities",
    namespaced: true,
  },
  {
    apiVersion: "resource.k8s.io/v1",
    kind: "ResourceClaim",
    path: "/apis/resource.k8s.io/v1/resourceclaims",
    namespaced: true,
  },
  {
    apiVersion: "resource.k8s.io/v1",
    kind: "ResourceClaimTemplate",
    path: "/apis/resource.k8s.io/v1/resourceclaimtemplates",
    namespaced: true,
  },
];

/**
 * The namespaced kinds the API server has that the reconciler does not remove, by resource (group/plural),
 * each with why. Nothing else may be missing from FOREIGN_KINDS (kube/foreign-kinds.test.ts).
 */
export const FOREIGN_KINDS_LEFT_ALONE: Readonly<Record<string, string>> = {
  "/secrets":
    "the orchestrator never reads Secrets (its ClusterRole has no right on them), and admission refuses them to anyone else (policies/admission/environment-credentials.yaml); a foreign pod that could mount one is removed",
  "/events": "the cluster's and the orchestrator's own reports; they expire within the hour",
  "events.k8s.io/events": "the same Events as /events",
  "/endpoints":
    "the control plane makes them for our Services; admission refuses hand-made ones (policies/admission/environment-traffic.yaml) and the gateway never follows them",
  "discovery.k8s.io/endpointslices":
    "the control plane makes them for our Services; admission refuses hand-made ones (policies/admission/environment-traffic.yaml) and the gateway never follows them",
  "coordination.k8s.io/leases":
    "inert records nothing in an environment reads; the orchestrator's rights on Leases stay in the platform namespace",
  "/bindings": "not stored: a request to bind a pod, which admission judges with the pod",
  "authorization.k8s.io/localsubjectaccessreviews": "not stored: a question about rights, answered at once",
};

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
export const CLUSTER_MADE = new Set(["ServiceAccount/default", "ConfigMap/kube-root-ca.crt"]);

/** Identifies an object within an environment. */
export const objectKey = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) =>
  `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
