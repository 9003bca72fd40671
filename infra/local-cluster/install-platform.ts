import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { IDENTITIES } from "./pki";

export const PLATFORM_NAMESPACE = "spe-system";
const policiesDir = fileURLToPath(new URL("../../policies/", import.meta.url));

function readObjects(file: string): k8s.KubernetesObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as k8s.KubernetesObject | null)
    .filter((o): o is k8s.KubernetesObject => o !== null);
}

/** What must exist before what: parameters before the policies that read them, policies before their bindings. */
const INSTALL_ORDER = [
  "Namespace",
  "ConfigMap",
  "ClusterRole",
  "Role",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
];

/** Every file in policies/admission/: the environments' admission policies, their bindings and parameters. */
export function admissionObjects(): k8s.KubernetesObject[] {
  const dir = `${policiesDir}admission/`;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  return files
    .flatMap((f) => readObjects(dir + f))
    .sort((a, b) => INSTALL_ORDER.indexOf(a.kind!) - INSTALL_ORDER.indexOf(b.kind!));
}

/**
 * The objects that make a local cluster ready for the orchestrator: its namespace, its roles bound to it,
 * and the admission policies that keep every environment isolated, in the order they must be applied.
 */
export function platformObjects(): k8s.KubernetesObject[] {
  const roles = readObjects(`${policiesDir}rbac/orchestrator.yaml`);
  const subject = { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: IDENTITIES.orchestrator.user };
  const labels = { "app.kubernetes.io/part-of": "spe" };
  const objects: k8s.KubernetesObject[] = [
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
  return [...objects, ...admissionObjects()];
}

function statusMessage(body: unknown): string {
  try {
    return (JSON.parse(String(body)) as { message?: string }).message ?? String(body);
  } catch {
    return String(body);
  }
}

/** Applies platformObjects() as a cluster administrator (server-side apply). */
export async function installPlatform(adminKubeconfig: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const object of platformObjects()) {
    try {
      await client.patch(object, undefined, undefined, "spe-local-install", true, k8s.PatchStrategy.ServerSideApply);
    } catch (err) {
      // Say which file's object the API server refused and why, not only the status code.
      const reason = err instanceof k8s.ApiException ? `${err.code}: ${statusMessage(err.body)}` : String(err);
      throw new Error(`Could not install ${object.kind} ${object.metadata?.name} from policies/: ${reason}`, {
        cause: err,
      });
    }
  }
}
