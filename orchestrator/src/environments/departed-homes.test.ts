// An operator deletes a departed person's home before teardown, against the real API server: the reconciler
// removes exactly that claim; a current person's home, or a person never named, is refused and nothing changes.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, environmentRow, insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { startReconcilerOnCluster, type ReconcilerOnCluster } from "../../test/reconciler-on-cluster";
import type { Context, Services } from "../api/context";
import { appRouter } from "../api/router";
import type { Session } from "../auth/sessions";
import { searchAuditEvents } from "../audit/search-audit-events";
import { examplePermit, TEST_WORKSPACE_IDENTITIES as identities } from "../permits/test-fixtures";
import { defaultEnvironmentConfig } from "./environment-config";
import { reconcileEnvironment } from "./reconcile";

const config = { ...defaultEnvironmentConfig, workspaceIdentities: identities };
const person = (subject: string) => ({ subject, name: `${subject} Name`, email: `${subject}@uni.example` });
const operator: Session = {
  subject: "olof",
  name: "Olof",
  email: null,
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};
const gone = (read: Promise<unknown>) =>
  read.then(
    () => false,
    (err: unknown) => (err as { code?: number }).code === 404,
  );

/** What a refused call answers: the tRPC code and our stable code at the front of its message. */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe("an operator deletes a departed person's home", () => {
  let cluster: ReconcilerOnCluster;
  let database: ReconcilerOnCluster["database"];
  let core: ReconcilerOnCluster["core"];
  let cache: ReconcilerOnCluster["cache"];
  let deps: ReconcilerOnCluster["deps"];
  let caller: ReturnType<typeof appRouter.createCaller>;
  const enqueued: string[] = [];

  beforeAll(async () => {
    cluster = await startReconcilerOnCluster(config);
    ({ database, core, cache, deps } = cluster);
    caller = appRouter.createCaller({
      services: { database, environments: { enqueue: (n: string) => enqueued.push(n) } } as unknown as Services,
      session: operator,
      address: "192.0.2.9",
    } satisfies Context);
  });
  afterAll(() => cluster.stop());

  it("removes exactly that claim, audited with the reason, and refuses a current person's home", async () => {
    const permit = examplePermit({
      permitId: `SE-HOME-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      authorisedPersons: [person("alice"), person("bob")],
    });
    const namespace = await insertEnvironment(database.db, permit);
    await cluster.recordRevision(permit);
    const [alice, bob] = [identities.personIdOf(namespace, "alice"), identities.personIdOf(namespace, "bob")];
    await cluster.provisioned(namespace);
    await eventually("the cache has bob's home", async () =>
      cache.objectsIn(namespace).some((o) => o.metadata?.name === `home-${bob}`),
    );
    const before = await Promise.all(
      ["data", "project", `home-${alice}`].map((name) => core.readNamespacedPersistentVolumeClaim({ name, namespace })),
    );

    const amended = { ...permit, sequence: 2, authorisedPersons: [person("alice")] };
    await amendEnvironment(database.db, amended);
    await cluster.recordRevision(amended);
    for (let i = 0; i < 2; i++) await cluster.provisioned(namespace);
    await core.readNamespacedPersistentVolumeClaim({ name: `home-${bob}`, namespace });

    // The page names bob as departed, his home kept.
    const page = await caller.environments.get({ namespace });
    expect(page.departedPersons).toEqual([
      { subject: "bob", name: "bob Name", email: "bob@uni.example", homeDeletedAt: null },
    ]);

    // Refused, and nothing written: a current person's home, a person never named, no reason.
    const generation = (await environmentRow(database.db, namespace)).generation;
    const reason = "Bob's employer asked for his files to be removed";
    expect(await refusal(caller.environments.deleteHome({ namespace, subject: "alice", reason }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^ENVIRONMENT_HOME_IN_USE: alice is named in permit/),
    });
    expect(await refusal(caller.environments.deleteHome({ namespace, subject: "mallory", reason }))).toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/^ENVIRONMENT_PERSON_NOT_FOUND/),
    });
    expect(
      await refusal(caller.environments.deleteHome({ namespace, subject: "bob", reason: " " } as never)),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect((await environmentRow(database.db, namespace)).generation).toBe(generation);
    expect(await searchAuditEvents(database.db, { action: "environment.home-deletion-requested", limit: 10 })).toEqual(
      [],
    );

    const deleted = await caller.environments.deleteHome({ namespace, subject: "bob", reason });
    expect(deleted).toEqual({ namespace, subject: "bob", generation: generation + 1 });
    expect(enqueued).toContain(namespace);
    await eventually("bob's home is gone", async () => {
      await reconcileEnvironment(namespace, deps);
      return gone(core.readNamespacedPersistentVolumeClaim({ name: `home-${bob}`, namespace }));
    });
    // Everything else is the claim it was.
    const after = await Promise.all(
      ["data", "project", `home-${alice}`].map((name) => core.readNamespacedPersistentVolumeClaim({ name, namespace })),
    );
    expect(after.map((c) => c.metadata?.uid)).toEqual(before.map((c) => c.metadata?.uid));
    expect(after.every((c) => !c.metadata?.deletionTimestamp)).toBe(true);
    await eventually("the quota no longer counts it", async () => {
      await reconcileEnvironment(namespace, deps);
      const quota = await core.readNamespacedResourceQuota({ name: "environment", namespace });
      return quota.spec?.hard?.persistentvolumeclaims === "3" || undefined;
    });

    const [event] = await searchAuditEvents(database.db, { action: "environment.home-deletion-requested", limit: 10 });
    expect(event).toMatchObject({
      actor: { subject: "olof", role: "operator", address: "192.0.2.9" },
      target: `environment:${namespace}`,
      details: { person: "bob", reason, generation: generation + 1 },
    });
    expect((await caller.environments.get({ namespace })).departedPersons[0]?.homeDeletedAt).toEqual(
      expect.any(String),
    );
  });
});
