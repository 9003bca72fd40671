import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { eq } from "drizzle-orm";
import { auditEvents, sessions as sessionsTable } from "../db/schema";
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
});
