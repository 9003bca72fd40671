// The orchestrator's RBAC is exactly what its code uses: derived here from the kinds desiredObjects makes,
// the kinds the watch cache follows and the Kubernetes calls in orchestrator/src, then compared rule by rule.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { V1ClusterRole, V1PolicyRule, V1Role } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { desiredObjects } from "../../orchestrator/src/environments/desired/index";
import { defaultEnvironmentConfig as config } from "../../orchestrator/src/environments/environment-config";
import { FOREIGN_KINDS, MANAGED_KINDS, OBSERVED_KINDS } from "../../orchestrator/src/kube/managed-kinds";
import { PERMIT_TOOL_NAMES } from "../../orchestrator/src/tools/tool-registry";
import { examplePermit, exampleStagedDataset, withPersons } from "../../orchestrator/src/permits/test-fixtures";

const srcDir = fileURLToPath(new URL("../../orchestrator/src/", import.meta.url));
const [clusterRole, leaderRole] = parseAllDocuments(
  readFileSync(fileURLToPath(new URL("./orchestrator.yaml", import.meta.url)), "utf8"),
).map((d) => d.toJS()) as [V1ClusterRole, V1Role];

const plural = (kind: string) =>
  (kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : kind.endsWith("s") ? `${kind}es` : `${kind}s`).toLowerCase();
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");
/** Kinds the typed clients in orchestrator/src name, beyond the managed kinds. A new one fails the test until it is added. */
const OTHER_KIND_GROUPS: Record<string, string> = {
  Event: "",
  Lease: "coordination.k8s.io",
  TokenReview: "authentication.k8s.io",
};
const kindGroup = (kind: string) => {
  const managed = [...MANAGED_KINDS, ...FOREIGN_KINDS, ...Object.values(OBSERVED_KINDS)].find((k) => k.kind === kind);
  if (managed) return groupOf(managed.apiVersion);
  if (kind in OTHER_KIND_GROUPS) return OTHER_KIND_GROUPS[kind]!;
  throw new Error(
    `The orchestrator calls the Kubernetes API for ${kind}: add its API group to OTHER_KIND_GROUPS and a rule to orchestrator.yaml.`,
  );
};
const permission = (kind: string, verb: string) => `${kindGroup(kind)}/${plural(kind)}:${verb}`;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}
const kubeSources = sourceFiles(srcDir)
  .map((path) => readFileSync(path, "utf8"))
  .filter((text) => text.includes("@kubernetes/client-node"));
const source = kubeSources.join("\n");

const VERB_OF_METHOD: Record<string, string> = {
  read: "get",
  list: "list",
  create: "create",
  replace: "update",
  patch: "patch",
  delete: "delete",
};

/** Every permission the code needs, each with the reason it is needed. */
function neededPermissions(): Set<string> {
  const needed = new Set<string>();
  // Server-side apply (kube/apply.ts applyObject) creates and patches every kind desiredObjects makes.
  expect(source).toContain("PatchStrategy.ServerSideApply");
  // With a delivery staged and without: the data loader Job exists only with one.
  const staged = [exampleStagedDataset()];
  for (const tool of PERMIT_TOOL_NAMES)
    for (const desiredState of ["active", "suspended"] as const)
      for (const o of desiredObjects(
        withPersons({
          namespace: "spe-x",
          permit: examplePermit({ environment: { tools: [tool], cpu: "1", memory: "1Gi", storage: "1Gi" } }),
          desiredState,
          staged,
        }),
        config,
      )) {
        expect(
          MANAGED_KINDS.map((k) => k.kind),
          "every desired kind is watched and pruned",
        ).toContain(o.kind);
        needed.add(permission(o.kind!, "create")).add(permission(o.kind!, "patch"));
      }
  // The watch cache lists and watches every managed kind; pruning and teardown delete them.
  expect(source).toContain("makeInformer(");
  expect(source).toContain("client.delete(");
  for (const { kind } of MANAGED_KINDS)
    for (const verb of ["list", "watch", "delete"]) needed.add(permission(kind, verb));
  // It also watches FOREIGN_KINDS for objects it did not make in environments, and deletes them
  // (environments/foreign-objects.ts), saying so in a Kubernetes Event.
  expect(source).toContain("foreignSelector");
  for (const { kind } of FOREIGN_KINDS)
    for (const verb of ["list", "watch", "delete"]) needed.add(permission(kind, verb));
  expect(source).toContain('reason: "ForeignObjectsRemoved"');
  needed.add(permission("Event", "create"));
  // It reads, never writes, what says why an environment is stuck: its own pods, refused pod creations
  // (events) and the nodes (environments/workload-health.ts).
  expect(source).toContain("OBSERVED_KINDS");
  for (const { kind } of Object.values(OBSERVED_KINDS))
    for (const verb of ["list", "watch"]) needed.add(permission(kind, verb));
  // The operators' health reads each node's capacity with client-node's topNodes (kube/cluster-capacity.ts),
  // which lists nodes and, per node, the pods on it.
  expect(source).toContain("k8s.topNodes(");
  needed.add(permission("Node", "list")).add(permission("Pod", "list"));
  // applyObject replaces the kinds whose every field matters (EXACT_KINDS) when apply left someone's fields.
  const exact = /EXACT_KINDS = new Set\(\[([^\]]*)\]\)/.exec(source)?.[1] ?? "";
  for (const kind of exact.match(/\w+/g) ?? []) needed.add(permission(kind, "update"));
  // Generic reads through KubernetesObjectApi name their kind inline.
  for (const [, kind] of source.matchAll(/client\.read\(\{[^}]*kind: "(\w+)"/g)) needed.add(permission(kind!, "get"));
  // Typed calls: readNamespace, listNamespacedEvent, replaceNamespacedLease, …
  for (const [, method, kind] of source.matchAll(
    /\.(read|list|create|replace|patch|delete)(?:Namespaced)?([A-Z][A-Za-z]*?)(?:ForAllNamespaces)?\(/g,
  ))
    needed.add(permission(kind!, VERB_OF_METHOD[method!]!));
  return needed;
}

const granted = (rules: V1PolicyRule[] = []) =>
  new Set(
    rules.flatMap((r) =>
      (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))),
    ),
  );

describe("orchestrator RBAC (policies/rbac/orchestrator.yaml)", () => {
  const needed = neededPermissions();
  const isLease = (p: string) => p.startsWith("coordination.k8s.io/leases:");

  it("grants cluster-wide exactly what the reconciler, its watches and the API's reads use", () => {
    expect([...granted(clusterRole.rules)].sort()).toEqual([...needed].filter((p) => !isLease(p)).sort());
  });

  it("grants Leases for leader election only in the platform namespace", () => {
    expect(leaderRole.metadata?.namespace).toBe("spe-system");
    expect([...granted(leaderRole.rules)].sort()).toEqual([...needed].filter(isLease).sort());
  });

  it("names no wildcard, no Secret, no RBAC object it could make and no privilege verb; of pods only list, watch and delete", () => {
    const all = [...granted(clusterRole.rules), ...granted(leaderRole.rules)];
    expect(all.filter((p) => /\*|secrets|:(bind|escalate|impersonate)$/.test(p))).toEqual([]);
    // Of RBAC objects only what removing someone else's Role or RoleBinding from an environment takes.
    const rbac = ["roles", "rolebindings"].flatMap((r) =>
      ["delete", "list", "watch"].map((v) => `rbac.authorization.k8s.io/${r}:${v}`),
    );
    expect(all.filter((p) => p.startsWith("rbac.")).sort()).toEqual(rbac.sort());
    // Never one pod read, made, changed or reached into (get, create, patch; exec, logs, port-forward).
    expect(all.filter((p) => p.startsWith("/pods")).sort()).toEqual(["/pods:delete", "/pods:list", "/pods:watch"]);
    for (const rule of [...(clusterRole.rules ?? []), ...(leaderRole.rules ?? [])])
      expect(rule.resourceNames).toBeUndefined();
  });

  it("meets no call it cannot derive a rule for (proxies, exec, attach, port-forward, logs, cp)", () => {
    // These use subresources (pods/exec, services/proxy, …): give them a rule and teach neededPermissions() first.
    expect(
      source.match(
        /\.connect(?:Get|Post|Put|Patch|Delete|Head|Options)\w*\(|new k8s\.(?:Exec|Attach|PortForward|Log|Cp)\(/g,
      ) ?? [],
    ).toEqual([]);
  });

  it("finds the typed calls it derives from (a sanity check on the scan)", () => {
    expect(needed).toContain("/events:list");
    expect(needed).toContain("/namespaces:get");
    expect(needed).toContain("networking.k8s.io/networkpolicies:update");
    expect(needed).toContain("coordination.k8s.io/leases:update");
  });
});
