// Teardown's deletion certificate names every volume it removed, with its size, against the real API server:
// an environment of two persons, with a third person's home kept after an amendment removed her.
import * as k8s from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { amendEnvironment, environmentRow, insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { searchAuditEvents } from "../audit/search-audit-events";
import { openDatabase, type Database } from "../db/database";
import { permitRevisions } from "../db/schema";
import { WatchCache } from "../kube/watch-cache";
import type { PermitPayload } from "../permits/permit";
import { examplePermit, TEST_WORKSPACE_IDENTITIES as identities } from "../permits/test-fixtures";
import type { DeletedVolume } from "./deleted-volumes";
import { defaultEnvironmentConfig } from "./environment-config";
import { reconcileEnvironment, type ReconcileDeps } from "./reconcile";

const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
const config = { ...defaultEnvironmentConfig, workspaceIdentities: identities };
const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });

describe("the deletion certificate", () => {
  let database: Database;
  let core: k8s.CoreV1Api;
  let cache: WatchCache;
  let deps: ReconcileDeps;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    core = kubeconfig(inject("kubeconfig")).makeApiClient(k8s.CoreV1Api);
    const orchestrator = kubeconfig(inject("orchestratorKubeconfig"));
    const client = k8s.KubernetesObjectApi.makeApiClient(orchestrator);
    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
    cache = new WatchCache(orchestrator, client, log, () => undefined);
    await cache.start();
    deps = { db: database.db, client, cache, config, log, now: () => new Date(), lastApplied: new Map() };
  });
  afterAll(async () => {
    await cache.stop();
    await database.close();
  });

  const recordRevision = (payload: PermitPayload) =>
    database.db.insert(permitRevisions).values({
      permitId: payload.permitId,
      sequence: payload.sequence,
      jws: `e30.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2ln`,
      payloadHash: "0".repeat(64),
      receivedAt: new Date(),
    });
  const provisioned = (namespace: string) =>
    eventually("the environment is provisioned", async () => {
      await reconcileEnvironment(namespace, deps);
      const row = await environmentRow(database.db, namespace);
      return row.conditions.find((c) => c.type === "Provisioned")?.status === "True" || undefined;
    });

  it("lists the data, the project folder, each person's home and the kept home, each with its size", async () => {
    const permit = examplePermit({
      permitId: `SE-CERT-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      authorisedPersons: [person("alice"), person("bob"), person("carol")],
    });
    const namespace = await insertEnvironment(database.db, permit);
    await recordRevision(permit);
    await provisioned(namespace);
    const amended = { ...permit, sequence: 2, authorisedPersons: [person("alice"), person("bob")] };
    await amendEnvironment(database.db, amended);
    await recordRevision(amended);
    for (let i = 0; i < 2; i++) await provisioned(namespace);

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
    const row = await eventually(
      "the environment is torn down",
      async () => {
        await reconcileEnvironment(namespace, deps);
        const r = await environmentRow(database.db, namespace);
        return (r.teardown as { completedAt?: string } | null)?.completedAt !== undefined && r;
      },
      60_000,
    );
    expect((row.teardown as { volumes: DeletedVolume[] }).volumes).toEqual(expected);
    // The certificate in the audit log says the same.
    const [event] = await searchAuditEvents(database.db, { action: "environment.torn-down", limit: 10 });
    expect((event?.details as { certificate: { volumes: DeletedVolume[] } }).certificate.volumes).toEqual(expected);
  });
});
