import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "../db/database";
import { sessions as sessionsTable } from "../db/schema";
import { sessionCacheFor } from "./session-cache";
import { SessionStore } from "./sessions";

const MINUTE = 60_000;
const policy = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };
const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example", roles: ["researcher" as const] };
/** Longer than the 3 s a probe heard vouches for the listening connection. */
const PAST_TRUST_MS = 4_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SessionCache on PostgreSQL", () => {
  let database: Database;
  let admin: pg.Client;
  beforeAll(async () => {
    const url = await freshPostgresUrl("spe_cache");
    database = await openDatabase({ url });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await vi.waitFor(() => expect(sessionCacheFor(database.db)!.listening).toBe(true), { timeout: 10_000 });
  });
  afterAll(async () => {
    await admin?.end();
    await database?.close();
  });

  it("stays trusted while every pooled connection is busy: the listener's probe goes over the listening connection", async () => {
    const store = new SessionStore(database.db, policy);
    const cache = sessionCacheFor(database.db)!;
    const token = await store.create(alice, undefined);
    expect(await store.get(token)).toMatchObject(alice);
    const [row] = await database.db.select().from(sessionsTable);

    // All ten pooled connections held in open transactions, each asleep past the trust window.
    const held = Array.from({ length: 10 }, () =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(${PAST_TRUST_MS / 1000})`);
      }),
    );
    const sleeping = async () =>
      Number(
        (
          await admin.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'select pg_sleep%'",
          )
        ).rows[0].n,
      );
    await expect.poll(sleeping, { timeout: 2_000, interval: 20 }).toBe(10);
    const untrustedAt: number[] = [];
    const start = performance.now();
    while ((await sleeping()) === 10) {
      if (!cache.listening) untrustedAt.push(performance.now() - start);
      await sleep(50);
    }
    await Promise.all(held);
    expect(untrustedAt).toEqual([]);
    expect(performance.now() - start).toBeGreaterThan(3_000); // longer than the trust window: probes were heard meanwhile
    expect(cache.get(row!.tokenHash)).toMatchObject({ subject: alice.subject });
  });
});

describe("SessionCache on embedded PGlite", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
  });
  afterAll(() => database?.close());

  it("needs no probe of its listener, and answers from memory past the trust window all the same", async () => {
    const store = new SessionStore(database.db, policy);
    const cache = sessionCacheFor(database.db)!;
    await vi.waitFor(() => expect(cache.listening).toBe(true));
    const token = await store.create(alice, undefined);
    expect(await store.get(token)).toMatchObject(alice);
    const [row] = await database.db.select().from(sessionsTable);

    await sleep(PAST_TRUST_MS);
    expect(cache.listening).toBe(true);
    expect(cache.get(row!.tokenHash)).toMatchObject({ subject: alice.subject });
    // Still the database's own announcements that it hears: a logout through another store is forgotten.
    await new SessionStore(database.db, policy).delete(token);
    expect(cache.get(row!.tokenHash)).toBeUndefined();
  });
});
