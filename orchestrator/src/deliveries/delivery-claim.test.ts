import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, insertEnvironment } from "../../test/environment-rows";
import { bothDatabases } from "../../test/fresh-postgres";
import { searchAuditEvents } from "../audit/search-audit-events";
import type { AuditActor } from "../audit/audit-hash";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { loadCatalogue, synthRegisterCsv } from "../datasets";
import type { Database } from "../db/database";
import { deliveries, environments, permits } from "../db/schema";
import { requestTeardown } from "../environments/environment-store";
import type { SpeError } from "../errors";
import { eventually } from "../../test/eventually";
import { examplePermit } from "../permits/test-fixtures";
import { directoryStagingStore } from "../staging/directory-store";
import type { StagingStore } from "../staging/staging-store";
import { receiveDelivery, type DeliveryServices } from "./receive-delivery";
import { stagedDatasets } from "./staged-deliveries";
import { startDelivery } from "./start-delivery";

const holder: AuditActor = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null };
const catalogue = loadCatalogue();
const DATASET = { id: "patientregistret", version: "2026-09" };

/** An extract whose stream says whether anything read it. */
function extract(rows = 30) {
  const body = Readable.from(synthRegisterCsv({ rows, seed: 9 }));
  return { body, wasRead: () => body.readableDidRead };
}

describe.each(bothDatabases("spe_delivery_claim"))("receiving a delivery on %s", (kind, open) => {
  let database: Database;
  let dir: string;
  let store: StagingStore;
  let serial = 0;
  const services = (staging: StagingStore = store): DeliveryServices => ({
    catalogue,
    masterKey: randomBytes(32),
    incomingDir: join(dir, "incoming"),
    staging,
    maxBytes: 10_000_000,
    log: { warn: () => undefined, error: () => undefined } as unknown as DeliveryServices["log"],
  });
  /** A new permit with its environment and one open delivery. */
  async function openDelivery() {
    const permit = examplePermit({ permitId: `SE-CLAIM-${++serial}` });
    const namespace = await insertEnvironment(database.db, permit);
    const { id } = await startDelivery(database.db, { permitId: permit.permitId, dataset: DATASET }, holder, catalogue);
    return { permit, namespace, id, ref: { namespace, datasetId: DATASET.id, datasetVersion: DATASET.version, id } };
  }
  const rowOf = async (id: string) => (await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
  const actionsOf = async (id: string) =>
    (await searchAuditEvents(database.db, { target: `delivery:${id}`, limit: 10 })).map((e) => e.action).sort();
  /** The files (not folders) under a folder, none when it is missing. */
  const filesIn = (folder: string) => {
    try {
      return readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  };
  /** Every file the store holds for a namespace, as the directory store lays them out. */
  const stagedIn = (namespace: string) => filesIn(join(dir, "staging", namespace));
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "staged",
      (err: SpeError) => err.code,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "spe-claim-"));
    database = await open();
    store = directoryStagingStore(join(dir, "staging"));
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each<[string, (d: Awaited<ReturnType<typeof openDelivery>>) => Promise<void>, Date | undefined, RegExp]>([
    [
      "revoked",
      (d) => amendEnvironment(database.db, { ...d.permit, sequence: 2, status: "revoked" }, "torn-down"),
      undefined,
      /permit was revoked/,
    ],
    [
      "torn down by the operators",
      (d) => amendEnvironment(database.db, d.permit, "torn-down"),
      undefined,
      /environment is being torn down/,
    ],
    ["ended (not yet torn down)", async () => undefined, new Date("2099-01-01T00:00:00Z"), /permit has ended/],
  ])("refuses an upload once the permit is %s, before reading it, and keeps nothing", async (_, end, at, why) => {
    const d = await openDelivery();
    await end(d);
    const { body, wasRead } = extract();
    const refused = receiveDelivery(database.db, services(), d.id, body, holder, at && (() => at));
    await expect(refused).rejects.toMatchObject({ code: "PERMIT_TORN_DOWN", message: expect.stringMatching(why) });
    expect(wasRead()).toBe(false);
    expect(await rowOf(d.id)).toMatchObject({
      state: "failed",
      bytes: null,
      manifest: null,
      error: expect.stringMatching(why),
    });
    expect(stagedIn(d.namespace)).toEqual([]);
    expect(filesIn(join(dir, "incoming")).filter((f) => f.includes(d.id))).toEqual([]);
    expect(await actionsOf(d.id)).toEqual(["delivery.failed", "delivery.started"]);
  });

  it("opens no delivery for a permit that has ended, though its teardown has not begun", async () => {
    const permit = examplePermit({ permitId: `SE-CLAIM-${++serial}` });
    await insertEnvironment(database.db, permit);
    const opening = startDelivery(
      database.db,
      { permitId: permit.permitId, dataset: DATASET },
      holder,
      catalogue,
      new Date(permit.validUntil),
    );
    await expect(opening).rejects.toMatchObject({ code: "PERMIT_NOT_FOUND" });
  });

  // A teardown deletes the namespace's staged data once, when it completes. Each case lets it happen at one
  // moment while the extract is being pseudonymised and moved into staging.
  it.each<[string, (store: StagingStore, d: Awaited<ReturnType<typeof openDelivery>>) => StagingStore]>([
    [
      "completes just before the pseudonymised files are moved into staging",
      (real, d) => ({
        ...real,
        async importFolder(ref, folder) {
          await requestTeardown(database.db, d.namespace, "revoked", new Date());
          await real.deleteNamespace(d.namespace);
          await real.importFolder(ref, folder);
        },
      }),
    ],
    [
      "is requested just after they are moved, before the delivery is recorded as staged",
      (real, d) => ({
        ...real,
        async importFolder(ref, folder) {
          await real.importFolder(ref, folder);
          await requestTeardown(database.db, d.namespace, "expired", new Date());
        },
      }),
    ],
  ])("refuses to stage when teardown %s, and leaves no staged file", async (_, during) => {
    const d = await openDelivery();
    const refused = receiveDelivery(database.db, services(during(store, d)), d.id, extract().body, holder);
    await expect(refused).rejects.toMatchObject({ code: "PERMIT_TORN_DOWN" });
    expect(stagedIn(d.namespace)).toEqual([]);
    expect(await stagedDatasets(database.db, d.permit.permitId)).toEqual([]);
    expect(await rowOf(d.id)).toMatchObject({ state: "failed", manifest: null });
  });

  // Only PostgreSQL has transactions side by side; PGlite runs one at a time, so there this cannot happen.
  it.skipIf(kind === "PGlite")(
    "waits for a revocation that holds the permit when staging begins, then refuses and leaves no staged file",
    async () => {
      const d = await openDelivery();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // The revocation as permit intake writes it: the permit FOR UPDATE, then it and its environment, kept open.
      const revocation = database.db.transaction(async (tx) => {
        await tx.select().from(permits).where(eq(permits.permitId, d.permit.permitId)).for("update");
        await tx.update(permits).set({ status: "revoked" }).where(eq(permits.permitId, d.permit.permitId));
        await tx
          .update(environments)
          .set({ desiredState: "torn-down" })
          .where(eq(environments.permitId, d.permit.permitId));
        holding();
        await released;
      });
      await held;
      const outcome = codeOf(receiveDelivery(database.db, services(), d.id, extract().body, holder));
      const waitingForLocks = async () =>
        (
          (await database.db.execute(
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )) as unknown as { rows: Array<{ n: number }> }
        ).rows[0]!.n > 0;
      await eventually("the staging waits for the revocation's locks", waitingForLocks, 30_000);
      release();
      await revocation;
      expect(await outcome).toBe("PERMIT_TORN_DOWN");
      expect(stagedIn(d.namespace)).toEqual([]);
      expect(await rowOf(d.id)).toMatchObject({ state: "failed", manifest: null });
    },
  );

  it("lets one of two parallel uploads of a delivery have it; the other is refused unread and touches none of its files", async () => {
    const d = await openDelivery();
    const [a, b] = [extract(40), extract(40)];
    const outcomes = await Promise.all([
      codeOf(receiveDelivery(database.db, services(), d.id, a.body, holder)),
      codeOf(receiveDelivery(database.db, services(), d.id, b.body, holder)),
    ]);
    expect(outcomes.sort()).toEqual(["DELIVERY_STATE_CONFLICT", "staged"]);
    // The loser never read its body: it was refused before it could write, stage or clean up anything.
    expect([a.wasRead(), b.wasRead()].sort()).toEqual([false, true]);
    const row = await rowOf(d.id);
    expect(row).toMatchObject({ state: "staged", rows: 40 });
    const files = (await store.listFiles(d.ref)).map((f) => f.path);
    const manifest = row.manifest as { files: Array<{ path: string }> };
    expect(files).toEqual(expect.arrayContaining(["manifest.json", ...manifest.files.map((f) => f.path)]));
    expect(await actionsOf(d.id)).toEqual(["delivery.staged", "delivery.started"]);
    // And once staged, a later upload is refused the same way, as already received.
    await expect(receiveDelivery(database.db, services(), d.id, extract().body, holder)).rejects.toMatchObject({
      code: "DELIVERY_STATE_CONFLICT",
      message: expect.stringMatching(/is staged already/),
    });
  });

  it("a teardown that comes after the staging commits finds the delivery, so its certificate names it", async () => {
    const d = await openDelivery();
    const row = await receiveDelivery(database.db, services(), d.id, extract().body, holder);
    await requestTeardown(database.db, d.namespace, "revoked", new Date());
    // What the teardown's first pass records as the staged data it deletes.
    expect((await stagedDatasets(database.db, d.permit.permitId)).map((s) => s.deliveryId)).toEqual([row.id]);
  });
});
