// Names the orchestrator's code and the policies already rely on; changing one here breaks them there.

/** The platform namespace: the orchestrator's environments admit traffic only from pods in it. */
export const PLATFORM_NAMESPACE = "spe-system";

/** The orchestrator's Service for people (behind your ingress) and its port. */
export const ORCHESTRATOR_NAME = "orchestrator";
export const ORCHESTRATOR_PORT = 8080;

/**
 * The data loaders' listener (STAGING_PORT), with a Service of its own so that an ingress pointed at the
 * people's Service never reaches it: loaders fetch staged extracts from
 * http://orchestrator-staging.spe-system.svc.cluster.local:8082/staging.
 */
export const STAGING_SERVICE_NAME = "orchestrator-staging";
export const STAGING_PORT = 8082;

/**
 * The workspaces' package mirror (MIRROR_PORT), with a Service of its own whose ClusterIP the stack fixes:
 * workspaces have no DNS, so their pip reaches it by address. The Service's port is the pod's, because an
 * environment's NetworkPolicy opens the port in the mirror's URL and sees the pod's port after translation.
 */
export const MIRROR_SERVICE_NAME = "orchestrator-mirror";
export const MIRROR_PORT = 8083;

/**
 * policies/README.md names this ServiceAccount's user as the orchestrator's identity in production; the
 * admission policies trust exactly that user name.
 */
export const SERVICE_ACCOUNT = "spe-orchestrator";
export const ORCHESTRATOR_USERNAME = `system:serviceaccount:${PLATFORM_NAMESPACE}:${SERVICE_ACCOUNT}`;

/** Ports inside environments the orchestrator reaches: the workspace (gateway) and the airlock agent. */
export const WORKSPACE_PORT = 8888;
export const AIRLOCK_AGENT_PORT = 8090;

/** The label every environment namespace carries (set only by the orchestrator, guarded by admission). */
export const ENVIRONMENT_LABEL = "spe.ehds.eu/environment";
export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const PART_OF = { "app.kubernetes.io/part-of": "spe" } as const;

/**
 * Pod labels of the orchestrator. Environments' NetworkPolicies admit platform pods by component: the
 * orchestrator's, which also serve the gateway, on the workspace and airlock ports.
 */
export const ORCHESTRATOR_POD_LABELS = {
  ...PART_OF,
  "app.kubernetes.io/name": ORCHESTRATOR_NAME,
  [COMPONENT_LABEL]: ORCHESTRATOR_NAME,
} as const;

/** Where the pod finds what the program mounts. */
export const MOUNTS = {
  dataDir: "/var/lib/spe",
  tmp: "/tmp",
  files: "/etc/spe/config",
  keys: "/etc/spe/keys",
} as const;
