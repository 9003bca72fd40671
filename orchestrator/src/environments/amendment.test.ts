// A person removed from the permit by an amendment, against the real API server: their workspace stops at
// once, their home is kept (never pruned) until teardown, and teardown's certificate lists every volume.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { startReconcilerOnCluster, type ReconcilerOnCluster } from "../../test/reconciler-on-cluster";
import { examplePermit, TEST_WORKSPACE_IDENTITIES as identities } from "../permits/test-fixtures";
import { defaultEnvironmentConfig } from "./environment-config";

const config = { ...defaultEnvironmentConfig, workspaceIdentities: identities };
const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
const gone = (read: Promise<unknown>) =>
  read.then(
    () => false,
    (err: unknown) => (err as { code?: number }).code === 404,
  );

describe("a person removed from the permit", () => {
  let cluster: ReconcilerOnCluster;
  beforeAll(async () => {
    cluster = await startReconcilerOnCluster(config);
  });
  afterAll(() => cluster.stop());

  it("loses their workspace at once, keeps their home until teardown, and the certificate lists every volume", async () => {
    const permit = examplePermit({
      permitId: `SE-AMEND-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      authorisedPersons: [person("alice"), person("bob")],
    });
    const { database, core, apps, cache } = cluster;
    const namespace = await insertEnvironment(database.db, permit);
    const bob = identities.personIdOf(namespace, "bob");
    await cluster.provisioned(namespace);
    const home = await core.readNamespacedPersistentVolumeClaim({ name: `home-${bob}`, namespace });
    await apps.readNamespacedDeployment({ name: `workspace-${bob}`, namespace });
    await eventually("the cache has bob's home", async () =>
      cache.objectsIn(namespace).some((o) => o.metadata?.name === `home-${bob}`),
    );

    // The amendment names alice alone.
    await amendEnvironment(database.db, { ...permit, sequence: 2, authorisedPersons: [person("alice")] });
    // Reconciled until provisioned (the cluster counts a changed quota's usage first), then once more.
    for (let i = 0; i < 2; i++) await cluster.provisioned(namespace);
    await eventually(
      "bob's workspace and its Service are gone",
      async () =>
        (await gone(apps.readNamespacedDeployment({ name: `workspace-${bob}`, namespace }))) &&
        (await gone(core.readNamespacedService({ name: `workspace-${bob}`, namespace }))),
    );
    const kept = await core.readNamespacedPersistentVolumeClaim({ name: `home-${bob}`, namespace });
    expect(kept.metadata?.uid).toBe(home.metadata?.uid);
    expect(kept.metadata?.deletionTimestamp).toBeUndefined();
    // The quota still counts it: data, project, alice's home and bob's kept one.
    const quota = await core.readNamespacedResourceQuota({ name: "environment", namespace });
    expect(quota.spec?.hard).toMatchObject({ persistentvolumeclaims: "4", "requests.storage": "70Gi" });

    // Teardown removes every volume with the namespace, and names each in the certificate.
    await amendEnvironment(database.db, { ...permit, sequence: 3, authorisedPersons: [person("alice")] }, "torn-down");
    const row = await cluster.tornDown(namespace);
    const objects = (row.teardown as { objects: string[] }).objects;
    const alice = identities.personIdOf(namespace, "alice");
    for (const claim of ["data", "project", `home-${alice}`, `home-${bob}`])
      expect(objects).toContain(`PersistentVolumeClaim/${claim}`);
  });
});
