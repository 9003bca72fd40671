import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { environments, exportRequests, notificationDeliveries, notifications } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";
import { bothDatabases, freshPostgresUrl } from "../../test/fresh-postgres";
import { amendEnvironment, insertEnvironment, stageDelivery } from "../../test/environment-rows";
import { samples, valueOf } from "../../test/metric-samples";
import { createMetrics } from "./metrics";

describe.each(bothDatabases("spe_metrics"))("the metrics on %s", (_name, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("counts environments by wanted state and readiness, deliveries and export requests by state, as the database holds them", async () => {
    const scrape = async () => samples(await createMetrics(database.db).registry.metrics());
    const empty = await scrape();
    expect(valueOf(empty, "spe_database_up")).toBe(1);
    expect(
      empty.filter(
        (s) => s.name === "spe_environments" || s.name === "spe_deliveries" || s.name === "spe_export_requests",
      ),
    ).toEqual([]);

    const [ready, waiting, suspended] = [
      examplePermit({ permitId: "SE-M-1" }),
      examplePermit({ permitId: "SE-M-2" }),
      examplePermit({ permitId: "SE-M-3" }),
    ];
    for (const p of [ready, waiting, suspended]) await insertEnvironment(database.db, p);
    const now = new Date().toISOString();
    await database.db
      .update(environments)
      .set({
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "Ready",
            message: "",
            observedGeneration: 1,
            lastTransitionTime: now,
          },
        ],
      })
      .where(eq(environments.permitId, ready.permitId));
    await amendEnvironment(database.db, suspended, "suspended");
    await stageDelivery(database.db, ready);
    await stageDelivery(database.db, ready);
    const request = {
      permitId: ready.permitId,
      namespace: "ns",
      requester: "alice",
      title: "t",
      justification: "j",
      profile: "default",
      reviewersRequired: 2,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await database.db.insert(exportRequests).values([
      { ...request, id: "r1", state: "submitted" },
      { ...request, id: "r2", state: "submitted" },
      { ...request, id: "r3", state: "released" },
    ]);

    const notification = { id: "n1", kind: "environment-ready" as const, about: { permitId: ready.permitId } };
    await database.db.insert(notifications).values({ ...notification, createdAt: new Date() });
    await database.db.insert(notificationDeliveries).values({
      id: "d1",
      notificationId: "n1",
      channel: "webhook",
      recipient: "hdab",
      language: "sv",
      state: "failed",
      attempts: 10,
      nextAttemptAt: new Date(),
      createdAt: new Date(),
    });

    const all = await scrape();
    expect(valueOf(all, "spe_environments", { desired_state: "active", ready: "true" })).toBe(1);
    expect(valueOf(all, "spe_environments", { desired_state: "active", ready: "false" })).toBe(1);
    expect(valueOf(all, "spe_environments", { desired_state: "suspended", ready: "false" })).toBe(1);
    expect(all.filter((s) => s.name === "spe_environments")).toHaveLength(3);
    expect(valueOf(all, "spe_deliveries", { state: "staged" })).toBe(2);
    expect(valueOf(all, "spe_export_requests", { state: "submitted" })).toBe(2);
    expect(valueOf(all, "spe_export_requests", { state: "released" })).toBe(1);
    expect(valueOf(all, "spe_notification_deliveries", { state: "failed", channel: "webhook" })).toBe(1);
    // No permit, namespace or person is ever a label.
    const text = await createMetrics(database.db).registry.metrics();
    for (const secret of ["SE-M-1", "SE-M-2", "alice", "spe-se-m"]) expect(text).not.toContain(secret);
  });
});

describe("the metrics when the database cannot be read", () => {
  it("say so by spe_database_up 0 and show no stale counts", async () => {
    const [, open] = bothDatabases("spe_metrics")[0]!;
    const database = await open();
    await insertEnvironment(database.db, examplePermit({ permitId: "SE-M-9" }));
    const metrics = createMetrics(database.db);
    expect(
      valueOf(samples(await metrics.registry.metrics()), "spe_environments", {
        desired_state: "active",
        ready: "false",
      }),
    ).toBe(1);
    await database.close();
    const after = samples(await metrics.registry.metrics());
    expect(valueOf(after, "spe_database_up")).toBe(0);
    expect(after.filter((s) => s.name === "spe_environments")).toEqual([]);
    // The process's own metrics are still there.
    expect(valueOf(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});

describe("the metrics when the database does not answer", () => {
  it("answer the scrape anyway, with spe_database_up 0, and count again once it answers", async () => {
    const url = await freshPostgresUrl("spe_metrics");
    const database = await openDatabase({ url });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await insertEnvironment(database.db, examplePermit({ permitId: "SE-M-8" }));
      const metrics = createMetrics(database.db, { stateQueryTimeoutMs: 300 });
      // A table locked by a migration or a VACUUM FULL: the count waits for the lock.
      await locker.query("BEGIN; LOCK TABLE environments IN ACCESS EXCLUSIVE MODE");
      const [first, second] = await Promise.all([metrics.registry.metrics(), metrics.registry.metrics()]);
      for (const text of [first, second]) {
        expect(valueOf(samples(text), "spe_database_up")).toBe(0);
        expect(samples(text).filter((s) => s.name === "spe_environments")).toEqual([]);
      }
      // The two scrapes shared one waiting query rather than taking a connection each.
      const waiting = await locker.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      expect(waiting.rows[0].n).toBe(1);
      await locker.query("COMMIT");
      await expect
        .poll(
          async () =>
            valueOf(samples(await metrics.registry.metrics()), "spe_environments", {
              desired_state: "active",
              ready: "false",
            }),
          { timeout: 5_000 },
        )
        .toBe(1);
    } finally {
      await locker.end();
      await database.close();
    }
  });
});
