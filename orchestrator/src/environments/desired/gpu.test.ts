import type { KubernetesObject, V1Deployment, V1Job, V1ResourceQuota } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { examplePermit, exampleStagedDataset, withPersons } from "../../permits/test-fixtures";
import { environmentConfigSchema, defaultEnvironmentConfig } from "../environment-config";
import { desiredObjects } from "./index";

const namespace = "spe-se-hdab-2026-0042-0123456789";
const of = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as T[];
const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
const otherCluster = environmentConfigSchema.parse({ gpu: { resourceName: "amd.com/gpu", taintKey: "gpu-node" } });

function objectsFor(gpu: number | undefined, config = defaultEnvironmentConfig) {
  const environment = { tools: ["jupyterlab" as const], cpu: "8", memory: "32Gi", storage: "50Gi" };
  const permit = examplePermit({
    environment: gpu === undefined ? environment : { ...environment, gpu },
    authorisedPersons: [person("alice"), person("bob")],
    principalInvestigator: person("alice"),
  });
  const objects = desiredObjects(
    withPersons({ namespace, permit, desiredState: "active", staged: [exampleStagedDataset()] }),
    config,
  );
  const workspaces = of<V1Deployment>(objects, "Deployment").filter((d) => d.metadata!.name!.startsWith("workspace-"));
  return {
    hard: of<V1ResourceQuota>(objects, "ResourceQuota")[0]!.spec!.hard!,
    workspaces: workspaces.map((d) => d.spec!.template.spec!),
    others: [
      ...of<V1Deployment>(objects, "Deployment")
        .filter((d) => !workspaces.includes(d))
        .map((d) => d.spec!.template.spec!),
      ...of<V1Job>(objects, "Job").map((j) => j.spec!.template.spec!),
    ],
  };
}

describe("a permit's GPU", () => {
  it.each([
    ["no gpu field (every permit before it)", undefined, defaultEnvironmentConfig, "nvidia.com/gpu", "0"],
    ["gpu: 0", 0, defaultEnvironmentConfig, "nvidia.com/gpu", "0"],
    ["gpu: 1", 1, defaultEnvironmentConfig, "nvidia.com/gpu", "1"],
    ["gpu: 2 on a cluster with other names", 2, otherCluster, "amd.com/gpu", "2"],
  ])("%s: the quota lets that many run at once", (_, gpu, config, resource, count) => {
    const { hard } = objectsFor(gpu, config);
    expect(hard[`requests.${resource}`]).toBe(count);
    // Only the named resource, nothing under another name.
    expect(Object.keys(hard).filter((k) => k.includes("gpu"))).toEqual([`requests.${resource}`]);
  });

  it.each([
    ["gpu: 1", 1, defaultEnvironmentConfig, "nvidia.com/gpu", "nvidia.com/gpu"],
    ["gpu: 2 on a cluster with other names", 2, otherCluster, "amd.com/gpu", "gpu-node"],
  ])("%s: each workspace asks for one GPU and tolerates the GPU nodes' taint", (_, gpu, config, resource, taint) => {
    const { workspaces, others } = objectsFor(gpu, config);
    expect(workspaces).toHaveLength(2);
    for (const spec of workspaces) {
      const resources = spec.containers[0]!.resources!;
      expect(resources.requests![resource]).toBe("1");
      expect(resources.limits![resource]).toBe("1");
      expect(spec.tolerations).toEqual([{ key: taint, operator: "Exists", effect: "NoSchedule" }]);
    }
    // The platform's own pods stay off the GPU nodes and ask for none.
    for (const spec of others) {
      expect(spec.tolerations).toBeUndefined();
      expect(JSON.stringify(spec.containers.map((c) => c.resources))).not.toContain(resource);
    }
  });

  it("without a GPU, no workspace asks for one or tolerates the GPU nodes", () => {
    for (const gpu of [undefined, 0]) {
      const { workspaces } = objectsFor(gpu);
      for (const spec of workspaces) {
        expect(spec.tolerations).toBeUndefined();
        expect(Object.keys(spec.containers[0]!.resources!.limits!)).toEqual(["cpu", "memory"]);
      }
    }
  });

  it("refuses a setting that is not an extended resource name", () => {
    expect(environmentConfigSchema.safeParse({ gpu: { resourceName: "gpu" } }).success).toBe(false);
  });
});
