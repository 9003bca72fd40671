// Class 6 of the attack suite: the orchestrator's own credential. Its rights reach every namespace that
// carries the environment label, so labelling, relabelling and unlabelling namespaces must be impossible for
// it but on a namespace it creates for a permit.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desiredObjects } from "../../orchestrator/src/environments/desired/index";
import { defaultEnvironmentConfig as config } from "../../orchestrator/src/environments/environment-config";
import { applyObject } from "../../orchestrator/src/kube/apply";
import { examplePermit, withPersons } from "../../orchestrator/src/permits/test-fixtures";
import { expectRefused, goodSpec, load, mergePatch, unique, workload } from "./attack-environment";

const ENVIRONMENT_LABEL = "spe.ehds.eu/environment";

describe("the orchestrator's credential and environment labels on namespaces, against the real API server", () => {
  let admin: k8s.CoreV1Api;
  let orchestrator: k8s.KubernetesObjectApi;
  let orchestratorCore: k8s.CoreV1Api;
  const ordinary = `spe-tenant-${unique()}`;
  const environment = `spe-own-${unique()}`;
  const made: string[] = [ordinary, environment];

  beforeAll(async () => {
    admin = load(inject("kubeconfig")).makeApiClient(k8s.CoreV1Api);
    const kc = load(inject("orchestratorKubeconfig"));
    orchestrator = k8s.KubernetesObjectApi.makeApiClient(kc);
    orchestratorCore = kc.makeApiClient(k8s.CoreV1Api);
    // Someone else's namespace, named as if it were an environment: the name alone must not make it one.
    await admin.createNamespace({ body: { metadata: { name: ordinary, labels: { team: "tenant" } } } });
    for (const object of desiredObjects(
      withPersons({ namespace: environment, permit: examplePermit(), desiredState: "active" }),
      config,
    ))
      await applyObject(orchestrator, object);
  });

  afterAll(async () => {
    for (const name of made) await admin.deleteNamespace({ name }).catch(() => {});
  });

  const namespaceOf = (name: string): k8s.KubernetesObject =>
    desiredObjects(withPersons({ namespace: name, permit: examplePermit(), desiredState: "active" }), config)[0]!;

  it("labelling an existing namespace as an environment: refused, by patch and by applying an environment onto it", async () => {
    await expectRefused(
      orchestratorCore.patchNamespace(
        { name: ordinary, body: { metadata: { labels: { [ENVIRONMENT_LABEL]: ordinary } } } },
        mergePatch,
      ),
      "spe-environment-namespace",
      new RegExp(
        `Namespace ${ordinary}: labelling an existing namespace as an environment was refused for the SPE orchestrator`,
      ),
    );
    await expectRefused(
      applyObject(orchestrator, namespaceOf(ordinary)),
      "spe-environment-namespace",
      /labelling an existing namespace as an environment .* only on a namespace it creates for a permit/,
    );
    const after = await admin.readNamespace({ name: ordinary });
    expect(after.metadata?.labels?.[ENVIRONMENT_LABEL]).toBeUndefined();
  });

  it("and so it still cannot act there", async () => {
    await expectRefused(
      orchestrator.create(workload("Deployment", ordinary, "spe-escape", goodSpec())),
      "spe-orchestrator-scope",
      /only makes and changes environment namespaces/,
    );
  });

  it("removing or moving the environment label of its own namespace: refused", async () => {
    await expectRefused(
      orchestratorCore.patchNamespace(
        { name: environment, body: { metadata: { labels: { [ENVIRONMENT_LABEL]: null } } } },
        mergePatch,
      ),
      "spe-environment-namespace",
      new RegExp(`Namespace ${environment}: removing its environment label was refused for the SPE orchestrator`),
    );
    await expectRefused(
      orchestratorCore.patchNamespace(
        { name: environment, body: { metadata: { labels: { [ENVIRONMENT_LABEL]: ordinary } } } },
        mergePatch,
      ),
      "spe-environment-namespace",
      /an environment label that is not the namespace's own name/,
    );
  });

  it.each([
    ["an environment label that names another namespace", `spe-other-${unique()}`, `spe-else-${unique()}`],
    ["a name outside spe-…", `tenant-${unique()}`, undefined],
  ])("creating a namespace with %s: refused", async (_what, name, label) => {
    made.push(name);
    const body = { metadata: { name, labels: { [ENVIRONMENT_LABEL]: label ?? name } } };
    await expectRefused(
      orchestratorCore.createNamespace({ body }),
      "spe-environment-namespace",
      /an environment label that is not the namespace's own name \(spe-…\) was refused for the SPE orchestrator/,
    );
  });

  it("applying its own environment namespace again (labels, annotations) is accepted", async () => {
    const again = namespaceOf(environment);
    again.metadata!.annotations = { ...again.metadata!.annotations, "spe.ehds.eu/permit-valid-until": "2029-01-01" };
    const applied = await applyObject(orchestrator, again);
    expect(applied.metadata?.labels?.[ENVIRONMENT_LABEL]).toBe(environment);
  });
});
