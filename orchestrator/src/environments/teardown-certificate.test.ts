// Teardown's deletion certificate names every volume it removed, with its size, against the real API server:
// an environment of two persons, with a third person's home kept after an amendment removed her.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, insertEnvironment } from "../../test/environment-rows";
import { startReconcilerOnCluster, type ReconcilerOnCluster } from "../../test/reconciler-on-cluster";
import { searchAuditEvents } from "../audit/search-audit-events";
import { examplePermit, TEST_WORKSPACE_IDENTITIES as identities } from "../permits/test-fixtures";
import type { DeletedVolume } from "./deleted-volumes";
import { defaultEnvironmentConfig } from "./environment-config";

const config = { ...defaultEnvironmentConfig, workspaceIdentities: identities };
const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });

describe("the deletion certificate", () => {
  let cluster: ReconcilerOnCluster;
  beforeAll(async () => {
    cluster = await startReconcilerOnCluster(config);
  });
  afterAll(() => cluster.stop());

  it("lists the data, the project folder, each person's home and the kept home, each with its size", async () => {
    const permit = examplePermit({
      permitId: `SE-CERT-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      authorisedPersons: [person("alice"), person("bob"), person("carol")],
    });
    const { database, core } = cluster;
    const namespace = await insertEnvironment(database.db, permit);
    await cluster.recordRevision(permit);
    await cluster.provisioned(namespace);
    const amended = { ...permit, sequence: 2, authorisedPersons: [person("alice"), person("bob")] };
    await amendEnvironment(database.db, amended);
    await cluster.recordRevision(amended);
    for (let i = 0; i < 2; i++) await cluster.provisioned(namespace);

    const id = (subject: string) => identities.personIdOf(namespace, subject);
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    const sizeOf = (name: string) => {
      const c = claims.find((claim) => claim.metadata?.name === name)!;
      return c.status?.capacity?.storage ?? c.spec!.resources!.requests!.storage!;
    };
    const expected: DeletedVolume[] = [
      { claim: "data", holds: "data", size: sizeOf("data") },
      { claim: `home-${id("alice")}`, holds: "home", person: "alice", size: sizeOf(`home-${id("alice")}`) },
      { claim: `home-${id("bob")}`, holds: "home", person: "bob", size: sizeOf(`home-${id("bob")}`) },
      { claim: `home-${id("carol")}`, holds: "kept-home", person: "carol", size: sizeOf(`home-${id("carol")}`) },
      { claim: "project", holds: "project", size: sizeOf("project") },
    ].sort((a, b) => a.claim.localeCompare(b.claim)) as DeletedVolume[];
    expect(claims).toHaveLength(5);

    await amendEnvironment(database.db, { ...amended, sequence: 3 }, "torn-down");
    const row = await cluster.tornDown(namespace);
    expect((row.teardown as { volumes: DeletedVolume[] }).volumes).toEqual(expected);
    // The certificate in the audit log says the same.
    const [event] = await searchAuditEvents(database.db, { action: "environment.torn-down", limit: 10 });
    expect((event?.details as { certificate: { volumes: DeletedVolume[] } }).certificate.volumes).toEqual(expected);
  });
});
