import cookie from "@fastify/cookie";
import Fastify from "fastify";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OidcRelyingParty } from "../auth/oidc";
import { SessionStore } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { auditEvents, environments, sessions } from "../db/schema";
import { changeDesiredState } from "../environments/lifecycle";
import { registerAuthRoutes } from "../http/auth-routes";
import { importPermit } from "../permits/import-permit";
import {
  DURING_PERMIT,
  examplePermit,
  issuerKey,
  TEST_ISSUER,
  trustOf,
  type IssuerKey,
} from "../permits/test-fixtures";
import type { TrustedIssuers } from "../permits/trusted-issuers";
import { verifyAuditChain } from "./verify-audit-chain";

let database: Database;
let se: IssuerKey;
let trustedIssuers: TrustedIssuers;
const olof = { subject: "olof", role: "operator", address: "192.0.2.7" } as const;

beforeAll(async () => {
  database = await openDatabase({ memory: true });
  se = await issuerKey("EdDSA", "se-1");
  trustedIssuers = trustOf({ [TEST_ISSUER]: [se] });
});
afterAll(() => database.close());
afterEach(() => allowAuditInserts());

const events = () => database.db.select().from(auditEvents).orderBy(asc(auditEvents.sequence));
const eventCount = () => database.db.$count(auditEvents);

/**
 * Makes every append fail, as a full disk or a lost connection would: the change it belongs to must then
 * not happen either. A test-only trigger; the real ones stay.
 */
async function refuseAuditInserts() {
  await database.db.execute(
    sql.raw(
      `CREATE OR REPLACE FUNCTION test_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit insert refused by the test'; END; $$`,
    ),
  );
  await database.db.execute(
    sql.raw(
      `CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_insert()`,
    ),
  );
}
async function allowAuditInserts() {
  await database.db.execute(sql.raw(`DROP TRIGGER IF EXISTS test_refuse_insert ON audit_events`));
}

describe("permit import", () => {
  const permit = examplePermit({ permitId: "SE-AUDIT-1" });

  it("records permit.imported by the HDAB, or by the operator who uploaded it, in the import's transaction", async () => {
    const before = await eventCount();
    await importPermit(
      database.db,
      await se.sign(permit),
      { trustedIssuers, now: DURING_PERMIT },
      { address: "198.51.100.1" },
    );
    await importPermit(
      database.db,
      await se.sign({ ...permit, sequence: 2 }),
      { trustedIssuers, now: DURING_PERMIT },
      { operator: olof },
    );
    // An identical re-import changes nothing and records nothing.
    await importPermit(database.db, await se.sign({ ...permit, sequence: 2 }), { trustedIssuers, now: DURING_PERMIT });
    const [created, amended, ...rest] = (await events()).slice(before);
    expect(rest).toEqual([]);
    expect(created).toMatchObject({
      actorSubject: TEST_ISSUER,
      actorRole: "hdab",
      actorAddress: "198.51.100.1",
      action: "permit.imported",
      target: "permit:SE-AUDIT-1",
      details: { outcome: "created", sequence: 1 },
    });
    expect(amended).toMatchObject({
      actorSubject: "olof",
      actorRole: "operator",
      action: "permit.imported",
      details: { outcome: "amended", sequence: 2 },
    });
  });

  it("records nothing for a refused import", async () => {
    const before = await eventCount();
    await expect(
      importPermit(database.db, await se.sign({ ...permit, sequence: 1 }), { trustedIssuers, now: DURING_PERMIT }),
    ).rejects.toMatchObject({ code: "PERMIT_STALE" });
    expect(await eventCount()).toBe(before);
  });

  it("imports nothing when its event cannot be written", async () => {
    await refuseAuditInserts();
    const other = examplePermit({ permitId: "SE-AUDIT-2" });
    await expect(
      importPermit(database.db, await se.sign(other), { trustedIssuers, now: DURING_PERMIT }),
    ).rejects.toThrow();
    expect(await database.db.select().from(environments).where(eq(environments.permitId, "SE-AUDIT-2"))).toEqual([]);
  });
});

describe("environment lifecycle", () => {
  let namespace: string;
  beforeAll(async () => {
    ({ namespace } = await importPermit(database.db, await se.sign(examplePermit({ permitId: "SE-AUDIT-3" })), {
      trustedIssuers,
      now: DURING_PERMIT,
    }));
  });
  const stateOf = async () =>
    (await database.db.select().from(environments).where(eq(environments.namespace, namespace)))[0]!.desiredState;

  it("records each change with the operator who made it", async () => {
    const before = await eventCount();
    await changeDesiredState(database.db, namespace, "suspend", new Date(), olof);
    await changeDesiredState(database.db, namespace, "resume", new Date(), olof);
    const recorded = (await events()).slice(before);
    expect(recorded.map((e) => [e.action, e.target, e.actorSubject, e.actorAddress])).toEqual([
      ["environment.suspended", `environment:${namespace}`, "olof", "192.0.2.7"],
      ["environment.resumed", `environment:${namespace}`, "olof", "192.0.2.7"],
    ]);
  });

  it("records nothing when the change is refused", async () => {
    const before = await eventCount();
    await expect(changeDesiredState(database.db, namespace, "resume", new Date(), olof)).rejects.toMatchObject({
      code: "ENVIRONMENT_STATE_CONFLICT",
    });
    expect(await eventCount()).toBe(before);
  });

  it("changes nothing when its event cannot be written", async () => {
    await refuseAuditInserts();
    await expect(changeDesiredState(database.db, namespace, "suspend", new Date(), olof)).rejects.toThrow();
    expect(await stateOf()).toBe("active");
  });
});

describe("sessions and sign-in", () => {
  const store = () => new SessionStore(database.db, { idleMs: 60_000, absoluteMs: 3_600_000 });
  const alice = { subject: "alice", name: "Alice", email: null, roles: ["researcher" as const] };

  it("records session.created and session.ended with the person and address", async () => {
    const before = await eventCount();
    const token = await store().create(alice, undefined, new Date(), "203.0.113.5");
    await store().delete(token, "203.0.113.5");
    await store().delete(token, "203.0.113.5"); // already ended: nothing more to record
    const recorded = (await events()).slice(before);
    expect(recorded.map((e) => [e.action, e.actorSubject, e.actorRole, e.actorAddress, e.target])).toEqual([
      ["session.created", "alice", "person", "203.0.113.5", "person:alice"],
      ["session.ended", "alice", "person", "203.0.113.5", "person:alice"],
    ]);
    expect(recorded[0]!.details).toMatchObject({ roles: ["researcher"] });
  });

  it("creates no session when its event cannot be written", async () => {
    await refuseAuditInserts();
    await expect(store().create({ ...alice, subject: "alice-2" }, undefined)).rejects.toThrow();
    expect(await database.db.select().from(sessions).where(eq(sessions.subject, "alice-2"))).toEqual([]);
  });

  it("records a refused sign-in callback", async () => {
    const app = Fastify();
    await app.register(cookie, { secret: "test-secret" });
    // The callback without a login transaction is refused before the provider is asked anything.
    const relyingParty = {} as OidcRelyingParty;
    registerAuthRoutes(app, {
      relyingParty,
      sessions: store(),
      publicUrl: "http://localhost",
      rolesClaim: "groups",
      roleMapping: {},
      assurance: { acr: [], amr: [] },
      absoluteSessionMs: 3_600_000,
      db: database.db,
    });
    const before = await eventCount();
    const res = await app.inject({
      method: "GET",
      url: "/auth/callback?code=forged&state=forged",
      remoteAddress: "198.51.100.9",
    });
    await app.close();
    expect(res.statusCode).toBe(400);
    expect((await events()).slice(before)).toMatchObject([
      {
        action: "session.refused",
        actorSubject: "anonymous",
        actorRole: "anonymous",
        actorAddress: "198.51.100.9",
        details: { reason: "no valid login transaction" },
      },
    ]);
  });

  it("leaves a chain that verifies", async () => {
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true });
  });
});
