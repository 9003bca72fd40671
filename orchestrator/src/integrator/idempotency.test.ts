import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "../db/database";
import { idempotencyKeys } from "../db/schema";
import {
  IDEMPOTENCY_ABANDONED_MS,
  IDEMPOTENCY_TTL_MS,
  IdempotencyError,
  runIdempotently,
  type IdempotentRequest,
} from "./idempotency";

// A real PostgreSQL server with a pool: concurrent requests really run at the same time.
describe("runIdempotently on PostgreSQL", () => {
  let database: Database;
  let n = 0;
  const request = (overrides: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
    clientId: "region-test",
    key: `key-${++n}-${"x".repeat(8)}`,
    operation: "POST /api/v1/deliveries",
    requestSha256: "a".repeat(64),
    ...overrides,
  });
  /** A handler that counts its runs and answers after `ms`. */
  const counted = (status = 201, ms = 0) => {
    const runs = { count: 0 };
    const handle = async () => {
      runs.count++;
      await new Promise((r) => setTimeout(r, ms));
      return { status, body: { id: `delivery-${runs.count}` } };
    };
    return { runs, handle };
  };
  const row = async (r: IdempotentRequest) =>
    (await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, r.key)))[0];

  beforeAll(async () => {
    database = await openDatabase({ url: await freshPostgresUrl("spe_idempotency") });
  });
  afterAll(() => database.close());

  it("runs once and replays the stored answer to a sequential retry", async () => {
    const r = request();
    const { runs, handle } = counted();
    expect(await runIdempotently(database.db, r, handle)).toEqual({
      status: 201,
      body: { id: "delivery-1" },
      replayed: false,
    });
    expect(await runIdempotently(database.db, r, handle)).toEqual({
      status: 201,
      body: { id: "delivery-1" },
      replayed: true,
    });
    expect(runs.count).toBe(1);
  });

  it("runs once under concurrent retries: the others are told the first is in progress", async () => {
    const r = request();
    const { runs, handle } = counted(201, 300);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => runIdempotently(database.db, r, handle)));
    expect(runs.count).toBe(1);
    const done = results.filter((x) => x.status === "fulfilled");
    const refused = results.filter((x): x is PromiseRejectedResult => x.status === "rejected");
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const x of refused) expect(x.reason).toMatchObject({ code: "IDEMPOTENCY_IN_PROGRESS" });
    expect(await runIdempotently(database.db, r, handle)).toMatchObject({
      status: 201,
      body: { id: "delivery-1" },
      replayed: true,
    });
  });

  it.each<[string, Partial<IdempotentRequest>]>([
    ["another body", { requestSha256: "b".repeat(64) }],
    ["another operation", { operation: "POST /api/v1/deliveries/validate" }],
  ])("refuses the same key with %s", async (_, change) => {
    const r = request();
    await runIdempotently(database.db, r, counted().handle);
    const misuse = runIdempotently(database.db, { ...r, ...change }, counted().handle);
    await expect(misuse).rejects.toBeInstanceOf(IdempotencyError);
    await expect(misuse).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("keeps keys per client: another client's same key is its own request", async () => {
    const r = request();
    const { runs, handle } = counted();
    await runIdempotently(database.db, r, handle);
    expect(await runIdempotently(database.db, { ...r, clientId: "region-other" }, handle)).toMatchObject({
      replayed: false,
    });
    expect(runs.count).toBe(2);
  });

  it("keeps nothing for a refused or failed request, so the same key may be sent again", async () => {
    const r = request();
    expect(await runIdempotently(database.db, r, counted(404).handle)).toMatchObject({ status: 404, replayed: false });
    expect(await row(r)).toBeUndefined();
    await expect(runIdempotently(database.db, r, () => Promise.reject(new Error("outage")))).rejects.toThrow("outage");
    expect(await row(r)).toBeUndefined();
    expect(await runIdempotently(database.db, r, counted(201).handle)).toMatchObject({ status: 201, replayed: false });
  });

  it("forgets a key after 24 hours: it counts as unused, and expired keys are swept lazily", async () => {
    const r = request();
    const { runs, handle } = counted();
    const start = new Date("2026-11-23T00:00:00Z");
    const at = (ms: number) => () => new Date(start.getTime() + ms);
    await runIdempotently(database.db, r, handle, at(0));
    expect(await runIdempotently(database.db, r, handle, at(IDEMPOTENCY_TTL_MS - 1000))).toMatchObject({
      replayed: true,
    });
    expect(await runIdempotently(database.db, r, handle, at(IDEMPOTENCY_TTL_MS + 1000))).toMatchObject({
      replayed: false,
    });
    expect(runs.count).toBe(2);
    const old = request();
    await runIdempotently(database.db, old, counted().handle, at(0));
    expect(await row(old)).toBeDefined();
    await runIdempotently(database.db, request(), counted().handle, at(IDEMPOTENCY_TTL_MS + 5 * 60_000));
    expect(await row(old)).toBeUndefined();
  });

  it("takes over a claim left unanswered by a process that ended mid-way, but only after an hour", async () => {
    const r = request();
    const start = new Date("2026-11-23T00:00:00Z");
    const at = (ms: number) => () => new Date(start.getTime() + ms);
    // What a crash between claiming the key and keeping the answer leaves behind.
    await database.db.insert(idempotencyKeys).values({ ...r, status: null, response: null, createdAt: start });
    const { runs, handle } = counted();
    await expect(runIdempotently(database.db, r, handle, at(IDEMPOTENCY_ABANDONED_MS - 60_000))).rejects.toMatchObject({
      code: "IDEMPOTENCY_IN_PROGRESS",
    });
    expect(runs.count).toBe(0);
    expect(await runIdempotently(database.db, r, handle, at(IDEMPOTENCY_ABANDONED_MS + 60_000))).toMatchObject({
      status: 201,
      replayed: false,
    });
    expect(await runIdempotently(database.db, r, handle, at(IDEMPOTENCY_ABANDONED_MS + 120_000))).toMatchObject({
      replayed: true,
    });
    expect(runs.count).toBe(1);
  });
});
