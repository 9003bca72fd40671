import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { searchAuditEvents } from "../audit/search-audit-events";
import type { AuditActor } from "../audit/audit-hash";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { loadCatalogue, synthRegisterCsv } from "../datasets";
import { openDatabase, type Database } from "../db/database";
import { examplePermit } from "../permits/test-fixtures";
import { directoryStagingStore } from "../staging/directory-store";
import type { StagingStore } from "../staging/staging-store";
import { receiveDelivery, type DeliveryServices } from "./receive-delivery";
import { stagedDatasets } from "./staged-deliveries";
import { startDelivery } from "./start-delivery";

const holder: AuditActor = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null };

/** What the pipeline logged, as pino would get it. */
type Logged = Array<{ level: "warn" | "error"; fields: Record<string, unknown>; msg: string }>;

describe("receiving a delivery when the staging store's cleanup fails", () => {
  let database: Database;
  let dir: string;
  let store: StagingStore;
  let permitId: string;
  const catalogue = loadCatalogue();
  const services = (staging: StagingStore, logged: Logged): DeliveryServices => ({
    catalogue,
    masterKey: randomBytes(32),
    incomingDir: join(dir, "incoming"),
    staging,
    maxBytes: 10_000_000,
    log: {
      warn: (fields: Record<string, unknown>, msg: string) => void logged.push({ level: "warn", fields, msg }),
      error: (fields: Record<string, unknown>, msg: string) => void logged.push({ level: "error", fields, msg }),
    } as DeliveryServices["log"],
  });
  const deliver = async (s: DeliveryServices, rows = 40) => {
    const { id } = await startDelivery(
      database.db,
      { permitId, dataset: { id: "patientregistret", version: "2026-09" } },
      holder,
      catalogue,
    );
    return {
      id,
      received: receiveDelivery(database.db, s, id, Readable.from(synthRegisterCsv({ rows, seed: 5 })), holder),
    };
  };
  const actionsOf = async (id: string) =>
    (await searchAuditEvents(database.db, { target: `delivery:${id}`, limit: 10 })).map((e) => e.action).sort();
  const refOf = (namespace: string, id: string) => ({
    namespace,
    datasetId: "patientregistret",
    datasetVersion: "2026-09",
    id,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "spe-receive-"));
    database = await openDatabase({ memory: true });
    store = directoryStagingStore(join(dir, "staging"));
    permitId = "SE-RECEIVE-1";
    await insertEnvironment(database.db, examplePermit({ permitId }));
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a committed delivery staged and readable, and logs, when removing the superseded ones fails", async () => {
    const first = await deliver(services(store, []));
    const older = await first.received;
    // The real directory store, but for the one step after the commit.
    const logged: Logged = [];
    const failingCleanup: StagingStore = {
      ...store,
      deleteOtherDeliveries: () => Promise.reject(new Error("bucket unreachable")),
    };
    const second = await deliver(services(failingCleanup, logged));
    const row = await second.received;

    expect(row).toMatchObject({ id: second.id, state: "staged", rows: 40 });
    expect((await stagedDatasets(database.db, permitId)).map((s) => s.deliveryId)).toEqual([second.id]);
    const files = await store.listFiles(refOf(row.namespace, second.id));
    expect(files.map((f) => f.path)).toContain("manifest.json");
    const opened = await store.openFile(refOf(row.namespace, second.id), "manifest.json");
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ rows: 40 });
    expect(await actionsOf(second.id)).toEqual(["delivery.staged", "delivery.started"]);
    // The superseded delivery stays (its removal failed), and the operators are told.
    expect((await store.listFiles(refOf(row.namespace, older.id))).length).toBeGreaterThan(0);
    expect(logged).toEqual([
      expect.objectContaining({
        level: "error",
        fields: expect.objectContaining({
          delivery: second.id,
          err: expect.objectContaining({ message: "bucket unreachable" }),
        }),
      }),
    ]);
  });

  it("still records a failed delivery as failed, and logs, when deleting its staged files fails too", async () => {
    const logged: Logged = [];
    const broken: StagingStore = {
      ...store,
      importFolder: () => Promise.reject(new Error("disk full")),
      deleteDelivery: () => Promise.reject(new Error("disk gone")),
    };
    const { id, received } = await deliver(services(broken, logged));
    await expect(received).rejects.toThrow(/disk full/);
    expect(await actionsOf(id)).toEqual(["delivery.failed", "delivery.started"]);
    expect(logged).toEqual([
      expect.objectContaining({
        level: "error",
        fields: expect.objectContaining({ delivery: id, err: expect.objectContaining({ message: "disk gone" }) }),
      }),
    ]);
  });
});
