import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import type { Session } from "../auth/sessions";
import { searchAuditEvents } from "../audit/search-audit-events";
import { openDatabase, type Database } from "../db/database";
import { deliveries, exportRequests } from "../db/schema";
import { saveStatus } from "../environments/environment-store";
import { examplePermit } from "../permits/test-fixtures";
import type { Context, Services } from "./context";
import { REASON_MAX } from "../environments/operator-reason";
import { appRouter } from "./router";

const operator: Session = {
  subject: "olof",
  name: "Olof",
  email: null,
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};

/** What a refused call answers: its HTTP status and our stable code (the error formatter's speCode). */
async function refusal(call: Promise<unknown>) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(err)}`);
  const shape = appRouter._def._config.errorFormatter({
    error: err,
    type: "mutation",
    path: undefined,
    input: undefined,
    ctx: undefined,
    shape: { message: err.message, code: 0, data: {} },
  } as never) as { data: { speCode?: string; issues?: Array<{ path: string; code?: string }> } };
  return { status: getHTTPStatusCodeFromError(err), speCode: shape.data.speCode, issues: shape.data.issues };
}

describe("operators' actions on environments, with their reasons", () => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;
  const enqueued: string[] = [];
  const tag = randomUUID().slice(0, 8);
  const namespaces: string[] = [];
  const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example" };
  const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    caller = appRouter.createCaller({
      services: { database, environments: { enqueue: (n: string) => enqueued.push(n) } } as unknown as Services,
      session: operator,
      address: "127.0.0.1",
    } satisfies Context);
    for (let n = 0; n < 3; n++)
      namespaces.push(
        await insertEnvironment(
          database.db,
          examplePermit({ permitId: `SE-ACT-${n}-${tag}`, authorisedPersons: [alice, bob] }),
        ),
      );
  });
  afterAll(() => database.close());

  const stateOf = async (namespace: string) =>
    (await caller.environments.get({ namespace })).desiredState satisfies string;

  it("refuses a pause or a teardown without a reason, by stable codes, and changes nothing", async () => {
    const [ns] = namespaces as [string];
    for (const reason of [undefined, "", "   ", "ok"])
      expect(await refusal(caller.environments.suspend({ namespace: ns, reason } as never))).toMatchObject({
        status: 400,
        speCode: "ENVIRONMENT_REASON_MISSING",
        issues: [{ path: "reason", code: "ENVIRONMENT_REASON_MISSING" }],
      });
    expect(
      await refusal(caller.environments.suspend({ namespace: ns, reason: "x".repeat(REASON_MAX + 1) })),
    ).toMatchObject({ status: 400, speCode: "ENVIRONMENT_REASON_TOO_LONG" });
    expect(await refusal(caller.environments.teardown({ namespace: ns, confirm: ns } as never))).toMatchObject({
      status: 400,
      speCode: "ENVIRONMENT_REASON_MISSING",
    });
    expect(await stateOf(ns)).toBe("active");
    expect(await searchAuditEvents(database.db, { target: `environment:${ns}`, limit: 10 })).toEqual([]);
  });

  it("records the reason, trimmed, in the audit log with the pause", async () => {
    const [ns] = namespaces as [string];
    await caller.environments.suspend({ namespace: ns, reason: "  Node maintenance tonight " });
    const [event] = await searchAuditEvents(database.db, { target: `environment:${ns}`, limit: 1 });
    expect(event).toMatchObject({
      action: "environment.suspended",
      actor: { subject: "olof", role: "operator" },
      details: { reason: "Node maintenance tonight", desiredState: "suspended" },
    });
    expect(enqueued).toContain(ns);
    await caller.environments.resume({ namespace: ns });
  });

  it("pauses many at once, or none when one of them cannot be, naming it", async () => {
    const [a, b, c] = namespaces as [string, string, string];
    await caller.environments.suspend({ namespace: c, reason: "Paused on its own" });
    const mixed = await refusal(caller.environments.suspendMany({ namespaces: [a, b, c], reason: "Node drain" }));
    expect(mixed).toMatchObject({ status: 409, speCode: "ENVIRONMENT_STATE_CONFLICT" });
    expect([await stateOf(a), await stateOf(b)]).toEqual(["active", "active"]);
    const gone = await refusal(
      caller.environments.suspendMany({ namespaces: [a, "spe-nothing-here"], reason: "Drain" }),
    );
    expect(gone).toMatchObject({ status: 404, speCode: "ENVIRONMENT_NOT_FOUND" });
    expect(await stateOf(a)).toBe("active");

    const paused = await caller.environments.suspendMany({ namespaces: [a, b], reason: "Node drain" });
    expect(paused.map((p) => p.desiredState)).toEqual(["suspended", "suspended"]);
    const events = await searchAuditEvents(database.db, { action: "environment.suspended", limit: 10 });
    expect(
      events
        .filter((e) => e.details.reason === "Node drain")
        .map((e) => e.target)
        .sort(),
    ).toEqual([`environment:${a}`, `environment:${b}`].sort());
    expect((await caller.environments.resumeMany({ namespaces: [a, b, c] })).length).toBe(3);
    expect(await refusal(caller.environments.resumeMany({ namespaces: [] }))).toMatchObject({ status: 400 });
  });

  it("gives an environment's page its permit, persons, conditions over time, deliveries, requests and trail", async () => {
    const ns = namespaces[1]!;
    const permitId = `SE-ACT-1-${tag}`;
    const now = new Date();
    await saveStatus(
      database.db,
      ns,
      [
        {
          type: "Ready",
          status: "False",
          reason: "LoadFailed",
          message: "failed",
          observedGeneration: 1,
          lastTransitionTime: now.toISOString(),
        },
      ],
      1,
      now,
    );
    await database.db.insert(deliveries).values({
      id: randomUUID(),
      permitId,
      namespace: ns,
      datasetId: "patientregistret",
      datasetVersion: "2026-09",
      deliveredBy: "region-demo",
      state: "rejected",
      report: { issues: [{ code: "VALUE_NOT_A_DATE", column: "indatum", count: 1, rows: [4] }] },
      createdAt: now,
    });
    await database.db.insert(exportRequests).values({
      id: randomUUID(),
      permitId,
      namespace: ns,
      requester: "alice",
      title: "Tabell 1",
      justification: "Antal per region.",
      state: "submitted",
      profile: "default",
      reviewersRequired: 2,
      createdAt: now,
      updatedAt: now,
    });
    const page = await caller.environments.get({ namespace: ns });
    expect(page).toMatchObject({ permitId, tone: "problem", permit: { purpose: { description: expect.any(String) } } });
    expect(page.persons.map((p) => [p.subject, p.principalInvestigator, p.openSessions])).toEqual([
      ["alice", true, 0],
      ["bob", false, 0],
    ]);
    expect(page.conditionChanges[0]).toMatchObject({ type: "Ready", reason: "LoadFailed" });
    expect(page.deliveries).toEqual([expect.objectContaining({ state: "rejected", findings: 1 })]);
    // Counts only: never a finding's column or code.
    expect(JSON.stringify(page.deliveries)).not.toMatch(/indatum|VALUE_NOT_A_DATE/);
    expect(page.exportRequests).toEqual([expect.objectContaining({ title: "Tabell 1", state: "submitted", files: 0 })]);
    expect(page.auditTrail.map((e) => e.action)).toEqual(
      expect.arrayContaining(["environment.suspended", "environment.resumed"]),
    );
    expect(page.auditTrail.map((e) => e.sequence)).toEqual(
      [...page.auditTrail.map((e) => e.sequence)].sort((x, y) => y - x),
    );
    expect(await refusal(caller.environments.get({ namespace: "spe-nothing-here" }))).toMatchObject({
      status: 404,
      speCode: "ENVIRONMENT_NOT_FOUND",
    });
  });
});
