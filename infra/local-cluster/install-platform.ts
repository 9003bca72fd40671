import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { IDENTITIES } from "./pki";

export const PLATFORM_NAMESPACE = "spe-system";
const rbacFile = fileURLToPath(new URL("../../policies/rbac/orchestrator.yaml", import.meta.url));

/** The objects that make a local cluster ready for the orchestrator: its namespace, its roles, bound to it. */
export function platformObjects(): k8s.KubernetesObject[] {
  const roles = parseAllDocuments(readFileSync(rbacFile, "utf8")).map((d) => d.toJS() as k8s.KubernetesObject);
  const subject = { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: IDENTITIES.orchestrator.user };
  const labels = { "app.kubernetes.io/part-of": "spe" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: PLATFORM_NAMESPACE, labels } } as k8s.V1Namespace,
    ...roles,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "spe-orchestrator", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "spe-orchestrator" },
      subjects: [subject],
    } as k8s.V1ClusterRoleBinding,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "spe-orchestrator-leader-election", namespace: PLATFORM_NAMESPACE, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "spe-orchestrator-leader-election" },
      subjects: [subject],
    } as k8s.V1RoleBinding,
  ];
}

/** Applies platformObjects() as a cluster administrator (server-side apply). */
export async function installPlatform(adminKubeconfig: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const object of platformObjects()) {
    await client.patch(object, undefined, undefined, "spe-local-install", true, k8s.PatchStrategy.ServerSideApply);
  }
}
