import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { LISTENER_APPLICATION_NAME } from "../db/notifications";
import { eq } from "drizzle-orm";
import { auditEvents, sessions as sessionsTable } from "../db/schema";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { sessionCacheFor } from "./session-cache";
import { SessionStore } from "./sessions";

const MINUTE = 60_000;
const alice = { subject: "alice", name: "Alice Andersson", email: "alice@uni.example", roles: ["researcher" as const] };

describe("SessionStore", () => {
  let database: Database;
  let store: SessionStore;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    store = new SessionStore(database.db, { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE });
  });
  afterAll(() => database.close());

  const t0 = new Date("2026-11-22T08:00:00Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);

  it("finds a session by its token and stores only the token's hash", async () => {
    const token = await store.create(alice, "id.token", t0);
    expect(await store.get(token, at(1))).toMatchObject({ ...alice, idToken: "id.token" });
    const rows = await database.db.select().from(sessionsTable);
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it.each([
    ["unknown token", "not-a-token", 1],
    ["no token", undefined, 1],
  ])("gives nothing for %s", async (_name, token, minutes) => {
    await store.create(alice, undefined, t0);
    expect(await store.get(token, at(minutes))).toBeUndefined();
  });

  it("ends a session idle longer than the idle timeout, and keeps an active one alive", async () => {
    const idle = await store.create(alice, undefined, t0);
    const active = await store.create(alice, undefined, t0);
    expect(await store.get(active, at(20))).toBeDefined();
    expect(await store.get(active, at(40))).toBeDefined(); // 20 minutes after its last use
    expect(await store.get(idle, at(31))).toBeUndefined();
    expect(await store.get(idle, at(1))).toBeUndefined(); // ended for good, not only hidden
    const ended = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "session.ended"));
    expect(ended.map((e) => e.details)).toContainEqual({ reason: "idle" });
  });

  it("ends every session at the absolute timeout however active", async () => {
    const token = await store.create(alice, undefined, t0);
    for (let m = 20; m < 12 * 60; m += 20) expect(await store.get(token, at(m))).toBeDefined();
    expect(await store.get(token, at(12 * 60))).toBeUndefined();
  });

  it("deletes a session on logout", async () => {
    const token = await store.create(alice, undefined, t0);
    await store.delete(token);
    expect(await store.get(token, at(1))).toBeUndefined();
  });

  it("refuses a session at once on the next request after logout through another store on the same database", async () => {
    const other = new SessionStore(database.db, { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE });
    const token = await store.create(alice, undefined, t0);
    expect(await store.get(token, at(1))).toBeDefined();
    expect(await other.get(token, at(1))).toBeDefined();
    await other.delete(token);
    expect(await store.get(token, at(1))).toBeUndefined();
  });

  it("does not keep a session that a logout ended while it was being read", async () => {
    const token = await store.create(alice, undefined, t0);
    const read = store.get(token, at(1)); // its query runs before the logout's
    const logout = store.delete(token);
    expect(await read).toBeDefined();
    await logout;
    expect(await store.get(token, at(1))).toBeUndefined();
  });

  it("does not keep a session that a logout ended in any interleaving with reads", async () => {
    for (let round = 0; round < 20; round++) {
      const token = await store.create(alice, undefined, t0);
      const reads = Array.from({ length: 5 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, (round + i) % 3)).then(() => store.get(token, at(1))),
      );
      await Promise.all([
        ...reads,
        new Promise((resolve) => setTimeout(resolve, round % 3)).then(() => store.delete(token)),
      ]);
      expect(await store.get(token, at(1))).toBeUndefined();
    }
  });

  it("keeps the last-seen time it remembers in step with the row, so the idle timeout still ends a session", async () => {
    const token = await store.create(alice, undefined, t0);
    expect(await store.get(token, at(29))).toBeDefined(); // touched at 29
    expect(await store.get(token, at(58))).toBeDefined(); // 29 minutes after its last use
    expect(await store.get(token, at(89))).toBeUndefined(); // 31 minutes after
  });
});

describe("SessionStore on PostgreSQL, with two replicas", () => {
  const policy = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };
  let url: string;
  let replicas: Database[];
  let admin: pg.Client;
  beforeAll(async () => {
    url = await freshPostgresUrl();
    replicas = [await openDatabase({ url }), await openDatabase({ url })];
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await vi.waitFor(() => expect(replicas.every((r) => sessionCacheFor(r.db)!.listening)).toBe(true), {
      timeout: 10_000,
    });
  });
  afterAll(async () => {
    await admin?.end();
    for (const r of replicas) await r.close();
  });

  // The other replica hears of a logout through the database's notification: milliseconds, not at once.
  it("refuses a session on one replica soon after a logout on the other, and at once on the replica that logged out", async () => {
    const [a, b] = replicas.map((r) => new SessionStore(r.db, policy)) as [SessionStore, SessionStore];
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject(alice);
    expect(await b.get(token)).toMatchObject(alice);
    await b.delete(token);
    expect(await b.get(token)).toBeUndefined();
    await expect.poll(() => a.get(token), { timeout: 2_000, interval: 5 }).toBeUndefined();
  });

  it("forgets a session that anything else deletes from the table", async () => {
    const a = new SessionStore(replicas[0]!.db, policy);
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject(alice);
    await admin.query("DELETE FROM sessions WHERE subject = $1", [alice.subject]);
    await expect.poll(() => a.get(token), { timeout: 2_000, interval: 5 }).toBeUndefined();
  });

  it("forgets a session whose fields anything else changes, and reads the new ones", async () => {
    const a = new SessionStore(replicas[0]!.db, policy);
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject({ roles: ["researcher"] });
    await admin.query(`UPDATE sessions SET roles = '["auditor"]' WHERE subject = $1`, [alice.subject]);
    await expect.poll(async () => (await a.get(token))?.roles, { timeout: 2_000, interval: 5 }).toEqual(["auditor"]);
  });

  it("reads every session from the database while it cannot hear changes, and remembers again once it can", async () => {
    const a = new SessionStore(replicas[0]!.db, policy);
    const cache = sessionCacheFor(replicas[0]!.db)!;
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject(alice);
    // The listening connections go away: whatever is deleted now, nobody is told.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
    );
    await expect.poll(() => cache.listening, { timeout: 5_000, interval: 5 }).toBe(false);
    await admin.query("DELETE FROM sessions WHERE subject = $1", [alice.subject]);
    expect(await a.get(token)).toBeUndefined();
    // Back: a session is remembered again, and a change is heard again.
    await expect.poll(() => cache.listening, { timeout: 10_000 }).toBe(true);
    const again = await a.create(alice, undefined);
    expect(await a.get(again)).toMatchObject(alice);
    await new SessionStore(replicas[1]!.db, policy).delete(again);
    await expect.poll(() => a.get(again), { timeout: 2_000, interval: 5 }).toBeUndefined();
  });

  it("stops answering from memory within seconds when the listening connection goes silent without breaking, and listens again on a new one", async () => {
    const [a, b] = replicas.map((r) => new SessionStore(r.db, policy)) as [SessionStore, SessionStore];
    const cache = sessionCacheFor(replicas[0]!.db)!;
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject(alice);
    const listenerPids = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
        )
      ).rows.map((r) => r.pid);
    // The listening backends freeze: their connections stay open, but nothing arrives on them any more.
    const frozen = await listenerPids();
    expect(frozen).toHaveLength(2);
    for (const pid of frozen) process.kill(pid, "SIGSTOP");
    try {
      await expect.poll(() => cache.listening, { timeout: 10_000, interval: 20 }).toBe(false);
      await admin.query("DELETE FROM sessions WHERE subject = $1", [alice.subject]);
      expect(await a.get(token)).toBeUndefined();
      // Still frozen: the listeners gave those connections up and listen on new ones, and the cache is trusted again.
      await expect.poll(() => cache.listening, { timeout: 10_000, interval: 50 }).toBe(true);
      // Each replica on its own schedule: the other one may find out a moment later.
      await expect
        .poll(async () => (await listenerPids()).filter((pid) => !frozen.includes(pid)), {
          timeout: 10_000,
          interval: 50,
        })
        .toHaveLength(2);
      expect(await a.get(token)).toBeUndefined();
      const again = await a.create(alice, undefined);
      expect(await a.get(again)).toMatchObject(alice);
      await b.delete(again);
      await expect.poll(() => a.get(again), { timeout: 2_000, interval: 5 }).toBeUndefined();
    } finally {
      for (const pid of frozen) process.kill(pid, "SIGCONT");
    }
    // The old backends wake up to closed sockets and go: one listening connection per replica remains.
    await expect
      .poll(async () => (await listenerPids()).filter((pid) => frozen.includes(pid)), { timeout: 5_000, interval: 50 })
      .toEqual([]);
    expect(await listenerPids()).toHaveLength(2);
    expect(cache.listening).toBe(true);
  });

  it("does not keep a session that the other replica ended in any interleaving with reads", async () => {
    const [a, b] = replicas.map((r) => new SessionStore(r.db, policy)) as [SessionStore, SessionStore];
    for (let round = 0; round < 20; round++) {
      const token = await a.create(alice, undefined);
      const reads = Array.from({ length: 5 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, (round + i) % 3)).then(() => a.get(token)),
      );
      await Promise.all([
        ...reads,
        new Promise((resolve) => setTimeout(resolve, round % 3)).then(() => b.delete(token)),
      ]);
      await expect.poll(() => a.get(token), { timeout: 2_000, interval: 5 }).toBeUndefined();
      // Gone for good, not only once: no read that overlapped the logout was remembered after its notification.
      for (let i = 0; i < 3; i++) expect(await a.get(token)).toBeUndefined();
    }
  });

  it("reads the row again before ending a remembered session for idleness: another replica may have seen it since", async () => {
    const [a, b] = replicas.map((r) => new SessionStore(r.db, policy)) as [SessionStore, SessionStore];
    const start = new Date();
    const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);
    const token = await a.create(alice, undefined, start);
    expect(await a.get(token, at(1))).toBeDefined(); // remembered on a
    expect(await b.get(token, at(20))).toBeDefined(); // the person works on b: touched at 20
    expect(await a.get(token, at(40))).toBeDefined(); // 40 minutes after a's copy, 20 after the row
    expect(await a.get(token, at(71))).toBeUndefined(); // 31 minutes after its last use, wherever
  });
});

describe("SessionStore on PostgreSQL without the sessions table's triggers", () => {
  it("never answers from memory: a session deleted behind its back, announced to nobody, is refused at once", async () => {
    const url = await freshPostgresUrl();
    const database = await openDatabase({ url });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('DROP TRIGGER IF EXISTS "sessions_deleted" ON "sessions"');
      const store = new SessionStore(database.db, { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE });
      const token = await store.create(alice, undefined);
      // Once this process listens, and then some: the cache has had every chance to go live.
      await expect
        .poll(async () =>
          Number(
            (
              await admin.query(
                `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
              )
            ).rows[0].n,
          ),
        )
        .toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sessionCacheFor(database.db)!.listening).toBe(false);
      expect(await store.get(token)).toMatchObject(alice);
      await admin.query("DELETE FROM sessions");
      expect(await store.get(token)).toBeUndefined();
    } finally {
      await admin.end();
      await database.close();
    }
  });
});
