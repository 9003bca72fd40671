import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { LOCAL_NODE_NAME } from "../local-cluster/pki";

/**
 * Each node component's identity: a ServiceAccount bound to the built-in ClusterRoles its job needs, no more.
 * Not the kubelet's: the Node authorizer knows only nodes' client certificates (the cluster's kubelet.kubeconfig).
 */
export const NODE_COMPONENTS = {
  scheduler: {
    serviceAccount: "spe-node-scheduler",
    clusterRoles: ["system:kube-scheduler", "system:volume-scheduler"],
  },
  policyEnforcer: { serviceAccount: "spe-node-policy-enforcer", clusterRoles: ["spe:network-policy-enforcer"] },
  volumeProvisioner: { serviceAccount: "spe-node-volume-provisioner", clusterRoles: ["spe:local-volume-provisioner"] },
} as const;
export type NodeComponent = keyof typeof NODE_COMPONENTS;

const NAMESPACE = "kube-system";
const TOKEN_SECONDS = 24 * 3600;
/** Tokens are renewed well before they expire; the kubelet and client-node re-read token files each minute. */
export const TOKEN_RENEWAL_MS = 6 * 3600 * 1000;

/** The enforcer reads the objects that decide what may talk to what; it writes nothing in the cluster. */
const enforcerRole: k8s.V1ClusterRole = {
  metadata: { name: "spe:network-policy-enforcer" },
  rules: [
    { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
  ],
};

/** The provisioner sees claims and makes volumes for them; it never reads what is in them. */
const provisionerRole: k8s.V1ClusterRole = {
  metadata: { name: "spe:local-volume-provisioner" },
  rules: [
    { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create"] },
  ],
};

/**
 * The kubelet may read any claim and volume, not only those of pods the Node authorizer has seen bound to it.
 * Its pod watch and that authorizer's graph hear of a pod's binding independently: when the kubelet asks for
 * the pod's claims first ("no relationship found between node and this object"), its sync fails and its pod
 * worker tries again only after a fixed 10-15 s back-off, which was one workspace open in three here. Claims
 * and volumes name storage, they hold none of it (the built-in system:node role grants the same); Secrets and
 * ConfigMaps stay with the Node authorizer alone.
 */
const kubeletVolumeRole: k8s.V1ClusterRole = {
  metadata: { name: "spe:local-node-volumes" },
  rules: [{ apiGroups: [""], resources: ["persistentvolumeclaims", "persistentvolumes"], verbs: ["get"] }],
};

async function ignoreConflict(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
  }
}

/**
 * Creates (if absent) each component's ServiceAccount and bindings and returns a token for each, valid a
 * day: the kubelet and friends authenticate with these rather than with client certificates, because the
 * local cluster's CA key never leaves the process that started it. Safe to call again to renew them.
 */
export async function nodeComponentTokens(admin: k8s.KubeConfig): Promise<Record<NodeComponent, string>> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  for (const role of [enforcerRole, provisionerRole, kubeletVolumeRole])
    await ignoreConflict(rbac.createClusterRole({ body: role }));
  await ignoreConflict(
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name: `${LOCAL_NODE_NAME}:local-node-volumes` },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: kubeletVolumeRole.metadata!.name!,
        },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: `system:node:${LOCAL_NODE_NAME}` }],
      },
    }),
  );
  const tokens = {} as Record<NodeComponent, string>;
  for (const [component, { serviceAccount, clusterRoles }] of Object.entries(NODE_COMPONENTS) as Array<
    [NodeComponent, (typeof NODE_COMPONENTS)[NodeComponent]]
  >) {
    await ignoreConflict(
      core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name: serviceAccount } } }),
    );
    for (const role of clusterRoles) {
      await ignoreConflict(
        rbac.createClusterRoleBinding({
          body: {
            metadata: { name: `${serviceAccount}:${role.replace(/^system:/, "")}` },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace: NAMESPACE }],
          },
        }),
      );
    }
    const request = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace: NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
    });
    tokens[component] = request.status!.token;
  }
  return tokens;
}

/** Writes each component's token to `<dir>/<component>.token` (owner-only) and returns the files. */
export async function writeTokenFiles(admin: k8s.KubeConfig, dir: string): Promise<Record<NodeComponent, string>> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {} as Record<NodeComponent, string>;
  for (const [component, token] of Object.entries(await nodeComponentTokens(admin)) as Array<[NodeComponent, string]>) {
    files[component] = join(dir, `${component}.token`);
    // Replaced by a rename, so that a reader never sees half a token.
    writeFileSync(`${files[component]}.new`, token, { mode: 0o600 });
    renameSync(`${files[component]}.new`, files[component]);
  }
  return files;
}

/** A kubeconfig (JSON) for kube-scheduler: client-go re-reads `tokenFile`, so renewals take. */
export function tokenFileKubeconfig(server: string, caCert: string, user: string, tokenFile: string): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "spe-local", cluster: { server, "certificate-authority-data": Buffer.from(caCert).toString("base64") } },
    ],
    users: [{ name: user, user: { tokenFile } }],
    contexts: [{ name: `${user}@spe-local`, context: { cluster: "spe-local", user } }],
    "current-context": `${user}@spe-local`,
  };
  return JSON.stringify(config, null, 2) + "\n";
}

/** The same for components in this process: client-node's token-file provider re-reads the file each minute. */
export function tokenFileClient(server: string, caCert: string, user: string, tokenFile: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "spe-local", server, caData: Buffer.from(caCert).toString("base64"), skipTLSVerify: false }],
    users: [{ name: user, authProvider: { name: "tokenFile", config: { tokenFile } } }],
    contexts: [{ name: `${user}@spe-local`, cluster: "spe-local", user }],
    currentContext: `${user}@spe-local`,
  });
  return kc;
}
