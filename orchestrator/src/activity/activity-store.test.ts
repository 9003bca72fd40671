import { asc, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "../db/database";
import { activityBatches, activityEntries } from "../db/schema";
import type { ActivityPerson } from "./activity-entry";
import { ACTIVITY_GENESIS_HASH } from "./activity-hash";
import { activityCounts, activityTimeline } from "./activity-queries";
import { ActivityWriter } from "./activity-writer";
import { appendActivityBatch } from "./append-activity-batch";
import { verifyActivityChain } from "./verify-activity-chain";

const alice: ActivityPerson = { namespace: "spe-store", subject: "alice" };
const bob: ActivityPerson = { namespace: "spe-store", subject: "bob" };

/** Runs statements on the database past the append-only triggers, as its owner could. */
async function tamper(database: Database, statement: ReturnType<typeof sql>) {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table activity_entries disable trigger activity_entries_append_only`);
    await tx.execute(sql`alter table activity_batches disable trigger activity_batches_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table activity_entries enable trigger activity_entries_append_only`);
    await tx.execute(sql`alter table activity_batches enable trigger activity_batches_append_only`);
  });
}

describe.each(bothDatabases("spe_activity"))("the record of activities on %s", (_name, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());

  it("writes what it was given in batches of at most maxBatch entries, chained, one per flush", async () => {
    const writer = new ActivityWriter(database.db, { maxBatch: 500, flushMs: 60_000 });
    for (let i = 0; i < 1_200; i++)
      writer.record(i % 3 ? alice : bob, "code.executed", { n: i, code: `x = ${i}`, nested: { b: 1, a: [null] } });
    await writer.close();
    const batches = await database.db.select().from(activityBatches).orderBy(asc(activityBatches.sequence));
    expect(batches.map((b) => [b.sequence, b.entries])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(batches[0]!.previousHash).toBe(ACTIVITY_GENESIS_HASH);
    expect(batches[1]!.previousHash).toBe(batches[0]!.hash);
    expect(await verifyActivityChain(database.db)).toEqual({
      intact: true,
      batches: 3,
      entries: 1_200,
      lastHash: batches[2]!.hash,
    });
  });

  it("reads one person's timeline newest first, page by page, and counts per person and kind", async () => {
    const first = await activityTimeline(database.db, { namespace: alice.namespace, subject: "bob", limit: 2 });
    expect(first.entries.map((e) => e.details.n)).toEqual([1_197, 1_194]);
    expect(first.entries[0]).toMatchObject({ subject: "bob", kind: "code.executed", id: "3.198" });
    expect(first.more).toBe(true);
    const next = await activityTimeline(database.db, {
      namespace: alice.namespace,
      subject: "bob",
      limit: 2,
      before: first.entries[1]!.id,
    });
    expect(next.entries.map((e) => e.details.n)).toEqual([1_191, 1_188]);
    const counts = await activityCounts(database.db, alice.namespace);
    expect(counts).toEqual([
      {
        subject: "alice",
        counts: { "code.executed": 800 },
        total: 800,
        first: expect.any(String),
        last: expect.any(String),
      },
      {
        subject: "bob",
        counts: { "code.executed": 400 },
        total: 400,
        first: expect.any(String),
        last: expect.any(String),
      },
    ]);
    // Each person's first and last entry, as ISO times, on both databases.
    for (const person of counts) {
      expect(new Date(person.first).toISOString()).toBe(person.first);
      expect(person.first <= person.last).toBe(true);
    }
    expect(await activityCounts(database.db, "spe-other")).toEqual([]);
  });

  it("stores code jsonb cannot hold (a NUL, a lone surrogate) with replacement characters, and still verifies", async () => {
    await appendActivityBatch(database.db, [
      { time: new Date().toISOString(), ...alice, kind: "code.executed", details: { code: "a\u0000b\ud800c" } },
    ]);
    const [last] = (await activityTimeline(database.db, { namespace: alice.namespace, limit: 1 })).entries;
    expect(last!.details.code).toBe("a\ufffdb\ufffdc");
    expect(await verifyActivityChain(database.db)).toMatchObject({ intact: true, batches: 4 });
  });

  it.each([
    ["UPDATE", sql`update activity_entries set details = '{}' where batch = 1 and position = 1`],
    ["DELETE", sql`delete from activity_entries where batch = 2`],
    ["TRUNCATE", sql`truncate activity_entries, activity_batches`],
    ["UPDATE of a batch", sql`update activity_batches set hash = 'x' where sequence = 1`],
  ])("refuses %s", async (_operation, statement) => {
    const err = await database.db.execute(statement).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: Error },
    );
    expect(String(err?.cause?.message ?? err?.message)).toMatch(/append-only/);
  });

  it("refuses a batch that does not extend the chain's head", async () => {
    const err = await database.db
      .execute(
        sql`select activity_append(2, now(), ${ACTIVITY_GENESIS_HASH}, 'x', '[{"time": "2026-12-07T00:00:00Z"}]')`,
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: Error },
      );
    expect(String(err?.cause?.message ?? err?.message)).toMatch(/does not extend the chain head/);
  });

  describe("finds tampering past the triggers", () => {
    // Each case changes a copy of the record and is undone by the next: run them in this order.
    it("an entry changed in place", async () => {
      const [entry] = await database.db
        .select()
        .from(activityEntries)
        .where(sql`batch = 2 and position = 7`);
      await tamper(
        database,
        sql`update activity_entries set details = '{"code": "harmless"}' where batch = 2 and position = 7`,
      );
      expect(await verifyActivityChain(database.db)).toMatchObject({
        intact: false,
        brokenAt: 2,
        tampering: "changed",
      });
      await tamper(
        database,
        sql`update activity_entries set details = ${JSON.stringify(entry!.details)}::jsonb where batch = 2 and position = 7`,
      );
      expect(await verifyActivityChain(database.db)).toMatchObject({ intact: true });
    });

    it("a batch relinked", async () => {
      const [batch] = await database.db
        .select()
        .from(activityBatches)
        .where(sql`sequence = 3`);
      await tamper(database, sql`update activity_batches set previous_hash = repeat('1', 64) where sequence = 3`);
      expect(await verifyActivityChain(database.db)).toMatchObject({
        intact: false,
        brokenAt: 3,
        tampering: "relinked",
      });
      await tamper(
        database,
        sql`update activity_batches set previous_hash = ${batch!.previousHash} where sequence = 3`,
      );
      expect(await verifyActivityChain(database.db)).toMatchObject({ intact: true });
    });

    it("an entry removed", async () => {
      await tamper(database, sql`delete from activity_entries where batch = 3 and position = 5`);
      expect(await verifyActivityChain(database.db)).toMatchObject({
        intact: false,
        brokenAt: 3,
        tampering: "entries",
        problem: expect.stringMatching(/declares 200 entries but holds 199/),
      });
    });

    it("a batch removed from the middle", async () => {
      await tamper(database, sql`delete from activity_entries where batch = 2`);
      await tamper(database, sql`delete from activity_batches where sequence = 2`);
      expect(await verifyActivityChain(database.db)).toMatchObject({
        intact: false,
        brokenAt: 2,
        tampering: "missing",
      });
    });
  });
});

describe("two writers on one PostgreSQL database", () => {
  it("append to one linear chain, batch after batch", async () => {
    const database = await bothDatabases("spe_activity_two")[1]![1]();
    try {
      const writers = [
        new ActivityWriter(database.db, { maxBatch: 10 }),
        new ActivityWriter(database.db, { maxBatch: 10 }),
      ];
      for (let i = 0; i < 200; i++) writers[i % 2]!.record(alice, "file.saved", { path: `f${i}.csv`, size: i });
      await Promise.all(writers.map((w) => w.close()));
      expect(await verifyActivityChain(database.db)).toMatchObject({ intact: true, batches: 20, entries: 200 });
    } finally {
      await database.close();
    }
  });
});

/** A database owned by a migration role of its own, and a runtime role that owns nothing: as in production. */
async function separatedRoles() {
  const suffix = Math.random().toString(36).slice(2, 10);
  const [owner, runtime, name] = [`spe_owner_${suffix}`, `spe_runtime_${suffix}`, `spe_activity_roles_${suffix}`];
  const admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
  await admin.query(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${runtime} LOGIN`);
  await admin.query(`CREATE DATABASE ${name} OWNER ${owner}`);
  await admin.end();
  const urlAs = (user: string) => {
    const url = new URL(inject("postgresUrl"));
    url.username = user;
    url.pathname = `/${name}`;
    return url.href;
  };
  return { ownerUrl: urlAs(owner), runtimeUrl: urlAs(runtime) };
}

describe("the orchestrator's role on PostgreSQL, with migrations run by another", () => {
  let database: Database;
  let runtimeUrl: string;
  beforeAll(async () => {
    const roles = await separatedRoles();
    runtimeUrl = roles.runtimeUrl;
    database = await openDatabase({ url: roles.runtimeUrl, migrationUrl: roles.ownerUrl });
    const writer = new ActivityWriter(database.db);
    writer.record(alice, "terminal.opened", { name: "1" });
    writer.record(alice, "terminal.closed", { name: "1" });
    await writer.close();
  });
  afterAll(() => database?.close());

  it("appends through the migration role's functions and verifies", async () => {
    expect(await verifyActivityChain(database.db)).toMatchObject({ intact: true, batches: 1, entries: 2 });
  });

  it.each([
    ["insert an entry", `INSERT INTO activity_entries VALUES (1, 3, now(), 'spe-store', 'alice', 'file.opened', '{}')`],
    ["insert a batch", `INSERT INTO activity_batches VALUES (9, now(), 1, 'x', 'y')`],
    ["change an entry", `UPDATE activity_entries SET details = '{}'`],
    ["remove a batch", `DELETE FROM activity_batches`],
    ["empty the record", `TRUNCATE activity_entries, activity_batches`],
    ["disable a trigger", `ALTER TABLE activity_entries DISABLE TRIGGER activity_entries_append_only`],
    ["take the lock itself", `BEGIN; LOCK TABLE activity_batches IN SHARE ROW EXCLUSIVE MODE; COMMIT`],
  ])("may not %s", async (_what, statement) => {
    const client = new pg.Client({ connectionString: runtimeUrl });
    await client.connect();
    try {
      await expect(client.query(statement)).rejects.toThrow(/permission denied|must be owner/);
    } finally {
      await client.end();
    }
  });
});
