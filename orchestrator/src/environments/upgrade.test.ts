// An environment made by the previous version — one workspace Deployment and one shared `home` claim, as that
// version's desiredObjects made them (fixtures/previous-version-objects.json, generated from it) — upgraded by
// this version's reconciler against the real API server: the shared home is kept, whole, as the project folder,
// and each person gets a workspace and an empty home of their own.
import type * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { startReconcilerOnCluster, type ReconcilerOnCluster } from "../../test/reconciler-on-cluster";
import { applyObject } from "../kube/apply";
import { examplePermit, TEST_WORKSPACE_IDENTITIES } from "../permits/test-fixtures";
import { defaultEnvironmentConfig } from "./environment-config";
import previousVersion from "./fixtures/previous-version-objects.json";

const config = { ...defaultEnvironmentConfig, workspaceIdentities: TEST_WORKSPACE_IDENTITIES };
/** The previous version's objects for `namespace` (the fixture was made for the namespace spe-previous-version). */
const previousObjects = (namespace: string) =>
  JSON.parse(JSON.stringify(previousVersion).replaceAll("spe-previous-version", namespace)) as k8s.KubernetesObject[];

describe("upgrading an environment the previous version made", () => {
  let cluster: ReconcilerOnCluster;
  beforeAll(async () => {
    cluster = await startReconcilerOnCluster(config);
  });
  afterAll(() => cluster.stop());

  it("keeps the shared home as the project folder, prunes the old workspace and gives each person an empty home", async () => {
    const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
    const permit = examplePermit({
      permitId: `SE-UPGRADE-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      // The amendment that comes with the upgrade names a co-researcher too.
      authorisedPersons: [person("alice"), person("bob")],
    });
    const { database, core, apps, cache } = cluster;
    const namespace = await insertEnvironment(database.db, permit);
    for (const object of previousObjects(namespace)) await applyObject(cluster.client, object);
    const before = await core.readNamespacedPersistentVolumeClaim({ name: "home", namespace });
    await eventually("the watch cache has the old home", async () =>
      cache.objectsIn(namespace).some((o) => o.kind === "PersistentVolumeClaim" && o.metadata?.name === "home"),
    );

    // The first reconcile after the upgrade, and one more: the same outcome, level-based.
    // Reconciled until provisioned (the cluster counts a changed quota's usage first), then once more.
    for (let i = 0; i < 2; i++) await cluster.provisioned(namespace);

    // The shared home is the same claim, not deleted, not replaced: everything saved in it is there.
    const kept = await core.readNamespacedPersistentVolumeClaim({ name: "home", namespace });
    expect(kept.metadata?.uid).toBe(before.metadata?.uid);
    expect(kept.metadata?.deletionTimestamp).toBeUndefined();
    expect(kept.spec?.resources?.requests?.storage).toBe("50Gi");
    expect(kept.metadata?.labels?.["app.kubernetes.io/component"]).toBe("project");
    await expect(core.readNamespacedPersistentVolumeClaim({ name: "project", namespace })).rejects.toMatchObject({
      code: 404,
    });

    // The old shared workspace is gone; each person has their own, with their own new home and the old one as the project.
    await eventually("the previous version's workspace Deployment is pruned", () =>
      apps.readNamespacedDeployment({ name: "workspace", namespace }).then(
        () => false,
        (err: unknown) => (err as { code?: number }).code === 404,
      ),
    );
    for (const subject of ["alice", "bob"]) {
      const id = TEST_WORKSPACE_IDENTITIES.personIdOf(namespace, subject);
      const pod = (await apps.readNamespacedDeployment({ name: `workspace-${id}`, namespace })).spec!.template.spec!;
      expect(pod.volumes?.flatMap((v) => v.persistentVolumeClaim?.claimName ?? [])).toEqual([
        `home-${id}`,
        "home",
        "data",
      ]);
      const home = await core.readNamespacedPersistentVolumeClaim({ name: `home-${id}`, namespace });
      // A new claim of the person's own (on top of the permit's storage: the old home cannot shrink).
      expect(home.metadata?.uid).not.toBe(before.metadata?.uid);
      expect(home.metadata?.labels?.["spe.ehds.eu/person"]).toBe(id);
      expect(home.spec?.resources?.requests?.storage).toBe("5Gi");
    }
    // The outbox the airlock agent serves is where it was: the old home's outbox folder.
    const agent = (await apps.readNamespacedDeployment({ name: "airlock", namespace })).spec!.template.spec!;
    expect(agent.volumes).toEqual([{ name: "project", persistentVolumeClaim: { claimName: "home", readOnly: true } }]);
    // The quota counts the old home, which keeps the permit's whole storage, and the new homes beside it.
    const quota = await core.readNamespacedResourceQuota({ name: "environment", namespace });
    expect(quota.spec?.hard).toMatchObject({ persistentvolumeclaims: "4", "requests.storage": "80Gi" });
  });
});
