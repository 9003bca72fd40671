import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1Job,
  V1LimitRange,
  V1PersistentVolumeClaim,
  V1ResourceQuota,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { PermitPayload } from "../../permits/permit";
import { PERMIT_TOOL_NAMES } from "../../tools/tool-registry";
import { examplePermit, exampleStagedDataset, withPersons } from "../../permits/test-fixtures";
import { defaultEnvironmentConfig as config } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { desiredObjects } from "./index";
import { addQuantities, mebibytes, milliCpu, storageShares, workspaceResources } from "./resources";

const namespace = "spe-se-hdab-2026-0042-0123456789";
const of = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as T[];

/** The containers of every pod the objects make at most at once: each Deployment's replicas and one pod per Job. */
function podsAtOnce(objects: KubernetesObject[]): V1Container[][] {
  const deployments = of<V1Deployment>(objects, "Deployment").flatMap((d) =>
    Array.from({ length: d.spec!.replicas ?? 1 }, () => d.spec!.template.spec!.containers),
  );
  return [...deployments, ...of<V1Job>(objects, "Job").map((j) => j.spec!.template.spec!.containers)];
}

const total = (pods: V1Container[][], field: "requests" | "limits", resource: "cpu" | "memory") =>
  pods.flat().reduce((sum, c) => {
    const q = c.resources?.[field]?.[resource];
    if (q === undefined) throw new Error(`${c.name} states no ${field}.${resource}`);
    return sum + (resource === "cpu" ? milliCpu(q) : mebibytes(q));
  }, 0);

const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
/** Two persons: each has a workspace, and all run at once within the permit's totals. */
const persons = [person("alice"), person("bob")];
const profiles: Array<PermitPayload["environment"]> = [
  { tools: ["jupyterlab"], cpu: "4", memory: "16Gi", storage: "50Gi" },
  { tools: ["rstudio", "jupyterlab"], cpu: "1", memory: "4Gi", storage: "10Gi" },
  { tools: ["vscode"], cpu: "1500m", memory: "1536Mi", storage: "100Mi" },
];
const cases = profiles.flatMap((profile) =>
  PERMIT_TOOL_NAMES.flatMap((tool) =>
    (["active", "suspended"] as const).flatMap((desiredState) =>
      [true, false].map((loading) => ({ profile: { ...profile, tools: [tool] }, desiredState, loading })),
    ),
  ),
);

describe("the environment's quota", () => {
  it.each(cases)(
    "admits everything the orchestrator runs at once: $profile.tools.0, $profile.cpu CPU, $profile.memory, $desiredState, loader $loading",
    ({ profile, desiredState, loading }) => {
      const input: EnvironmentInput = withPersons({
        namespace,
        permit: examplePermit({ environment: profile, authorisedPersons: persons }),
        desiredState,
        staged: loading ? [exampleStagedDataset()] : [],
      });
      const objects = desiredObjects(input, config);
      const hard = of<V1ResourceQuota>(objects, "ResourceQuota")[0]!.spec!.hard!;
      const pods = podsAtOnce(objects);
      for (const field of ["requests", "limits"] as const) {
        expect(total(pods, field, "cpu")).toBeLessThanOrEqual(milliCpu(hard[`${field}.cpu`]!));
        expect(total(pods, field, "memory")).toBeLessThanOrEqual(mebibytes(hard[`${field}.memory`]!));
      }
      // The quota's totals are the permit's, not more.
      expect([hard["limits.cpu"], hard["limits.memory"]]).toEqual([profile.cpu, profile.memory]);
      const claims = of<V1PersistentVolumeClaim>(objects, "PersistentVolumeClaim");
      expect(claims.length).toBeLessThanOrEqual(Number(hard.persistentvolumeclaims));
      expect(claims.reduce((sum, c) => sum + mebibytes(c.spec!.resources!.requests!.storage!), 0)).toBe(
        mebibytes(hard["requests.storage"]!),
      );
      expect(of(objects, "Service").length).toBe(Number(hard.services));
      // A loader replaced by a new delivery's may still run beside the new one and the workspace.
      expect(pods.length + (loading ? 1 : 0)).toBeLessThanOrEqual(Number(hard.pods));
    },
  );

  it("gives a workspace the installation's size, or what the platform's containers leave of the permit, requests equal to limits", () => {
    expect(workspaceResources(examplePermit(), { cpu: "64", memory: "1Ti" })).toEqual({
      requests: { cpu: "3700m", memory: "16000Mi" },
      limits: { cpu: "3700m", memory: "16000Mi" },
    });
    expect(workspaceResources(examplePermit(), config.workspace)).toEqual({
      requests: { cpu: "2", memory: "8Gi" },
      limits: { cpu: "2", memory: "8Gi" },
    });
    // Three persons share what the platform leaves: each workspace fits beside the others.
    expect(workspaceResources(examplePermit(), config.workspace, 3)).toEqual({
      requests: { cpu: "1233m", memory: "5333Mi" },
      limits: { cpu: "1233m", memory: "5333Mi" },
    });
  });

  it.each([
    ["50Gi", 2, "5Gi", { home: "5Gi", project: "40Gi" }],
    ["9Gi", 2, "5Gi", { home: "3Gi", project: "3Gi" }],
    ["100Mi", 1, "5Gi", { home: "50Mi", project: "50Mi" }],
  ])(
    "shares the permit's storage %s among %i homes of at most %s and the project folder",
    (storage, n, home, expected) => {
      expect(storageShares(storage, n, home)).toEqual(expected);
    },
  );

  it("keeps the workspace's pod the same whether a loader runs or not, so a delivery does not restart it", () => {
    const workspace = (staged: EnvironmentInput["staged"]) =>
      of<V1Deployment>(
        desiredObjects(withPersons({ namespace, permit: examplePermit(), desiredState: "active", staged }), config),
        "Deployment",
      ).find((d) => d.metadata!.name!.startsWith("workspace-"))!.spec!.template;
    expect(workspace([exampleStagedDataset()])).toEqual(workspace([]));
  });

  it("counts only the Services, claims, pods and ConfigMap the orchestrator and the cluster make, and no Secret", () => {
    const permit = examplePermit({ authorisedPersons: [...persons, person("carol")] });
    const hard = of<V1ResourceQuota>(
      desiredObjects(withPersons({ namespace, permit, desiredState: "active" }), config),
      "ResourceQuota",
    )[0]!.spec!.hard!;
    expect(hard).toMatchObject({
      services: "4",
      "services.nodeports": "0",
      "services.loadbalancers": "0",
      persistentvolumeclaims: "5",
      pods: "6",
      configmaps: "1",
      secrets: "0",
      "requests.storage": "70Gi",
    });
  });

  it("gives every container a default request and limit, so the quota can count one that states none", () => {
    const limits = of<V1LimitRange>(
      desiredObjects(withPersons({ namespace, permit: examplePermit(), desiredState: "active" }), config),
      "LimitRange",
    )[0]!.spec!.limits;
    const container = limits.find((l) => l.type === "Container")!;
    for (const resource of ["cpu", "memory"]) {
      expect(container._default?.[resource]).toBeDefined();
      expect(container.defaultRequest?.[resource]).toBeDefined();
    }
  });
});

describe("addQuantities", () => {
  it.each([
    ["50Gi", "20Gi", "70Gi"],
    ["512Mi", "512Mi", "1Gi"],
    ["100Mi", "1Gi", "1124Mi"],
    ["1Ti", "1Gi", "1025Gi"],
  ])("%s + %s = %s", (a, b, sum) => {
    expect(addQuantities(a, b)).toBe(sum);
  });
});
