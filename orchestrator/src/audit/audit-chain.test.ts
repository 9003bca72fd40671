import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { appendAuditEvent, recordAuditEvent } from "./append-audit-event";
import { GENESIS_HASH, type AuditEventInput } from "./audit-hash";
import { verifyAuditChain } from "./verify-audit-chain";
import { bothDatabases } from "../../test/fresh-postgres";
import { asSuperuser, freshPostgres } from "./test-databases";

const olof = { subject: "olof", role: "operator", address: "127.0.0.1" } as const;
const event = (n: number): AuditEventInput => ({
  actor: olof,
  action: "environment.suspended",
  target: `environment:spe-${n}`,
  details: { n, nested: { b: 1, a: [true, null, "x"] } },
});

async function appendMany(database: Database, count: number) {
  for (let n = 1; n <= count; n++)
    await recordAuditEvent(database.db, event(n), new Date(Date.UTC(2026, 10, 22, 12, 0, n)));
}

describe.each(bothDatabases("spe_audit"))("the audit log on %s", (_name, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
    await appendMany(database, 5);
  });
  afterAll(() => database.close());

  it("numbers events 1, 2, 3 … and links each to the one before", async () => {
    const rows = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.sequence));
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.previousHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.previousHash).toBe(rows[i - 1]!.hash);
    expect(rows[2]).toMatchObject({
      actorSubject: "olof",
      actorRole: "operator",
      actorAddress: "127.0.0.1",
      target: "environment:spe-3",
      details: event(3).details,
    });
  });

  it("verifies as intact", async () => {
    const rows = await database.db
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(asc(auditEvents.sequence));
    expect(await verifyAuditChain(database.db)).toEqual({ intact: true, events: 5, lastHash: rows[4]!.hash });
  });

  it.each([
    ["UPDATE", sql`update audit_events set target = 'environment:forged' where sequence = 2`],
    ["DELETE", sql`delete from audit_events where sequence = 5`],
    ["TRUNCATE", sql`truncate audit_events`],
  ])("refuses %s with a clear message", async (operation, statement) => {
    const err = await database.db.execute(statement).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const messages = [err?.message, (err?.cause as Error | undefined)?.message].join(" ");
    expect(messages).toContain(`audit_events is append-only: ${operation} is refused`);
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 5 });
  });

  it("writes no event when the caller's transaction rolls back", async () => {
    const failed = database.db.transaction(async (tx) => {
      await appendAuditEvent(tx, event(99));
      throw new Error("the change failed");
    });
    await expect(failed).rejects.toThrow("the change failed");
    expect(await database.db.$count(auditEvents)).toBe(5);
  });
});

it("an empty audit log is intact", async () => {
  const empty = await openDatabase({ memory: true });
  expect(await verifyAuditChain(empty.db)).toEqual({ intact: true, events: 0, lastHash: GENESIS_HASH });
  await empty.close();
});

describe("tampering on PostgreSQL, past the trigger", () => {
  let database: Database;
  let url: string;
  beforeAll(async () => {
    ({ database, url } = await freshPostgres());
    await appendMany(database, 6);
    // Someone with the owner's rights switches the trigger off: the chain must still give them away.
    await asSuperuser(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
  });
  afterAll(() => database.close());

  it("names the changed event", async () => {
    await asSuperuser(
      url,
      `UPDATE audit_events SET details = '{"n": 3, "nested": {"a": [], "b": 1}}' WHERE sequence = 3`,
    );
    expect(await verifyAuditChain(database.db)).toMatchObject({
      intact: false,
      events: 2,
      brokenAt: 3,
      problem: expect.stringContaining("does not match its hash"),
    });
  });

  it("names a link whose previous hash was rewritten along with its own hash", async () => {
    const fresh = await freshPostgres();
    await appendMany(fresh.database, 4);
    await asSuperuser(fresh.url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
    // A forger who recomputes event 2's hash cannot make event 3 point at it without rewriting 3 as well.
    await asSuperuser(fresh.url, `UPDATE audit_events SET previous_hash = repeat('a', 64) WHERE sequence = 3`);
    expect(await verifyAuditChain(fresh.database.db)).toMatchObject({
      intact: false,
      brokenAt: 3,
      problem: expect.stringContaining("previous hash"),
    });
    await fresh.database.close();
  });

  it("names a removed event", async () => {
    await asSuperuser(url, "DELETE FROM audit_events WHERE sequence IN (2, 3)");
    expect(await verifyAuditChain(database.db)).toMatchObject({
      intact: false,
      brokenAt: 2,
      problem: "event 2 is missing: the next event is 4",
    });
  });
});

describe("concurrent appends on PostgreSQL", () => {
  it("give a gapless chain that verifies: appends take turns", async () => {
    const { database } = await freshPostgres();
    try {
      // The pool has 10 connections: 40 transactions at once really do race for the last event.
      await Promise.all(Array.from({ length: 40 }, (_, i) => recordAuditEvent(database.db, event(i + 1))));
      const sequences = (
        await database.db.select({ s: auditEvents.sequence }).from(auditEvents).orderBy(asc(auditEvents.sequence))
      ).map((r) => r.s);
      expect(sequences).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, events: 40 });
    } finally {
      await database.close();
    }
  });
});
