import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { eq } from "drizzle-orm";
import { auditEvents, sessions as sessionsTable } from "../db/schema";
import { freshPostgresUrl } from "../../test/fresh-postgres";
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
      const reads = Array.from({ length: 5 }, (_, i) => new Promise((resolve) => setTimeout(resolve, (round + i) % 3)).then(() => store.get(token, at(1))));
      await Promise.all([...reads, new Promise((resolve) => setTimeout(resolve, round % 3)).then(() => store.delete(token))]);
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
  let replicas: Database[];
  beforeAll(async () => {
    const url = await freshPostgresUrl();
    replicas = [await openDatabase({ url }), await openDatabase({ url })];
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
  });

  it("refuses a session at once on one replica after a logout on the other", async () => {
    const policy = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };
    const [a, b] = replicas.map((r) => new SessionStore(r.db, policy)) as [SessionStore, SessionStore];
    const token = await a.create(alice, undefined);
    expect(await a.get(token)).toMatchObject(alice);
    expect(await b.get(token)).toMatchObject(alice);
    await b.delete(token);
    expect(await a.get(token)).toBeUndefined();
  });
});
