import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/**
 * The policies are plain files that the local cluster, the tests and this program all read, so that a
 * production cluster gets exactly what the attack suite was run against — never a copy that drifts.
 */
const policiesDir = fileURLToPath(new URL("../../policies/", import.meta.url));

export interface PolicyObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function readObjects(path: string): PolicyObject[] {
  return parseAllDocuments(readFileSync(path, "utf8")).flatMap((doc) => {
    if (doc.errors.length > 0)
      throw new Error(`policies/${path.slice(policiesDir.length)} is not valid YAML: ${doc.errors[0]!.message}`);
    const object = doc.toJS() as PolicyObject | null;
    return object === null ? [] : [object];
  });
}

/** The orchestrator's ClusterRole and its leader-election Role, from policies/rbac/orchestrator.yaml. */
export function orchestratorRoles(): { clusterRole: PolicyObject; leaseRole: PolicyObject } {
  const objects = readObjects(`${policiesDir}rbac/orchestrator.yaml`);
  const clusterRole = objects.find((o) => o.kind === "ClusterRole");
  const leaseRole = objects.find((o) => o.kind === "Role");
  if (!clusterRole || !leaseRole)
    throw new Error("policies/rbac/orchestrator.yaml must hold one ClusterRole and one Role (leader election)");
  return { clusterRole, leaseRole };
}

/** Every object in policies/admission/*.yaml, grouped by kind, files in name order. */
export function admissionPolicyObjects(): {
  policies: PolicyObject[];
  bindings: PolicyObject[];
  parameters: PolicyObject;
} {
  const dir = `${policiesDir}admission/`;
  const objects = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => readObjects(dir + f));
  const known = new Set(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ConfigMap"]);
  const unknown = objects.filter((o) => !known.has(o.kind));
  // A new kind in policies/admission/ must be installed on purpose, not silently skipped.
  if (unknown.length > 0)
    throw new Error(
      `policies/admission/ holds kinds this program does not install: ${unknown.map((o) => `${o.kind} ${o.metadata.name}`).join(", ")}`,
    );
  const parameters = objects.filter((o) => o.kind === "ConfigMap");
  if (parameters.length !== 1)
    throw new Error(
      `policies/admission/ must hold exactly one ConfigMap (the policies' parameters); found ${parameters.length}`,
    );
  return {
    policies: objects.filter((o) => o.kind === "ValidatingAdmissionPolicy"),
    bindings: objects.filter((o) => o.kind === "ValidatingAdmissionPolicyBinding"),
    parameters: parameters[0]!,
  };
}
