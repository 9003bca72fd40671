import { asc } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents, sessions } from "../db/schema";
import { recordAuditEvent } from "./append-audit-event";
import { verifyAuditChain } from "./verify-audit-chain";

/** A database owned by a migration role of its own, and a runtime role that owns nothing: as in production. */
async function separatedRoles() {
  const suffix = Math.random().toString(36).slice(2, 10);
  const [owner, runtime, name] = [`spe_owner_${suffix}`, `spe_runtime_${suffix}`, `spe_roles_${suffix}`];
  const admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
  // The test server trusts loopback: the roles need no password.
  await admin.query(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${runtime} LOGIN`);
  await admin.query(`CREATE DATABASE ${name} OWNER ${owner}`);
  await admin.end();
  const urlAs = (user: string) => {
    const url = new URL(inject("postgresUrl"));
    url.username = user;
    url.pathname = `/${name}`;
    return url.href;
  };
  return {
    ownerUrl: urlAs(owner),
    runtimeUrl: urlAs(runtime),
    superuserUrl: urlAs(new URL(inject("postgresUrl")).username),
  };
}

/** Runs one statement as `url`'s role on a connection of its own; answers with the error's message, if any. */
async function attempt(url: string, statement: string, values: unknown[] = []): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement, values);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end();
  }
}

const olof = { subject: "olof", role: "operator", address: "127.0.0.1" } as const;
const event = (n: number) => ({ actor: olof, action: "environment.suspended", target: `environment:spe-${n}` });

describe("the orchestrator's role on PostgreSQL, with migrations run by another", () => {
  let roles: Awaited<ReturnType<typeof separatedRoles>>;
  let database: Database;
  beforeAll(async () => {
    roles = await separatedRoles();
    database = await openDatabase({ url: roles.runtimeUrl, migrationUrl: roles.ownerUrl });
    for (let n = 1; n <= 3; n++) await recordAuditEvent(database.db, event(n));
  });
  afterAll(() => database?.close());

  it("appends to the chain through the migration role's functions and verifies", async () => {
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 3 });
  });

  it("still reads and writes the other tables", async () => {
    const now = new Date();
    const row = { tokenHash: "h", subject: "alice", name: "Alice", email: null, roles: ["researcher"] };
    await database.db
      .insert(sessions)
      .values({ ...row, idToken: null, createdAt: now, lastSeenAt: now, expiresAt: now });
    expect(await database.db.select({ subject: sessions.subject }).from(sessions)).toEqual([{ subject: "alice" }]);
    await database.db.delete(sessions);
  });

  it.each([
    [
      "disable the append-only trigger",
      "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
      /must be owner/,
    ],
    [
      "replace the trigger's function",
      "CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$",
      /must be owner|permission denied/,
    ],
    ["switch triggers off for the session", "SET session_replication_role = replica", /permission denied/],
    [
      "rewrite a vote",
      'UPDATE audit_events SET details = \'{"vote": "approve"}\' WHERE sequence = 2',
      /permission denied/,
    ],
    ["delete the newest event", "DELETE FROM audit_events WHERE sequence = 3", /permission denied/],
    ["truncate the log", "TRUNCATE audit_events", /permission denied/],
    [
      "insert past the functions",
      "INSERT INTO audit_events SELECT sequence + 100, time, actor_subject, actor_role, actor_address, action, target, details, previous_hash, hash FROM audit_events WHERE sequence = 1",
      /permission denied/,
    ],
    ["lock the table itself", "BEGIN; LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE", /permission denied/],
    ["drop the table", "DROP TABLE audit_events", /must be owner/],
    ["rename the table away", "ALTER TABLE audit_events RENAME TO audit_events_old", /must be owner/],
  ])("cannot %s", async (_what, statement, refusal) => {
    expect(await attempt(roles.runtimeUrl, statement)).toMatch(refusal);
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 3 });
  });

  it("cannot append an event that does not extend the chain head through the function either", async () => {
    const [head] = await database.db
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(asc(auditEvents.sequence))
      .limit(1);
    const forged = (sequence: number, previousHash: string) =>
      attempt(
        roles.runtimeUrl,
        "select audit_events_append($1, now(), 'olof', 'operator', null, 'x.forged', 'x:1', '{}', $2, repeat('b', 64))",
        [sequence, previousHash],
      );
    // Between events 1 and 2, linked to event 1: the chain's head is event 3.
    expect(await forged(2, head!.hash)).toMatch(/event 2 does not extend the chain head \(event 3\)/);
    expect(await forged(4, "a".repeat(64))).toMatch(/does not extend the chain head/);
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 3 });
  });

  it("takes turns under concurrent appends: a gapless chain", async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => recordAuditEvent(database.db, event(10 + i))));
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 33 });
  });

  it("refuses to start with a runtime role that could change the log anyway, or the owner's role twice", async () => {
    await expect(openDatabase({ url: roles.superuserUrl, migrationUrl: roles.ownerUrl })).rejects.toThrow(
      /DATABASE_URL's role \S+ can change or remove audit events/,
    );
    await expect(openDatabase({ url: roles.ownerUrl, migrationUrl: roles.ownerUrl })).rejects.toThrow(
      /are both the role/,
    );
  });

  it("lets a reader open the database without migrating it", async () => {
    const reader = await openDatabase({ url: roles.runtimeUrl, migrate: false });
    expect(await verifyAuditChain(reader.db)).toMatchObject({ intact: true });
    await reader.close();
  });
});
