import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import { directoryCheckpointStore, type CheckpointStore } from "../audit/checkpoint-store";
import type { Database } from "../db/database";
import { loadSigningKey, type SigningKey } from "../keys/signing-key";
import { signActivityCheckpoint } from "./activity-checkpoint";
import { startActivityCheckpoints, type ActivityCheckpointer } from "./activity-checkpointer";
import { appendActivityBatch } from "./append-activity-batch";
import { forgeRecord } from "./test-tampering";
import { verifyActivityRecord } from "./verify-activity-record";

const silent = pino({ level: "silent" });
const cell = (n: number, code = `x = ${n}`) => ({
  time: new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString(),
  namespace: "spe-checkpointed",
  subject: n % 2 ? "alice" : "bob",
  kind: "code.executed" as const,
  details: { code, n },
});

const newKey = (dir: string) =>
  loadSigningKey(join(dir, "signing.jwk"), { what: "test key", setting: "-" }, { createIfMissing: true });

describe.each(bothDatabases("spe_activity_checkpoints"))("signed activity checkpoints on %s", (_name, open) => {
  let database: Database;
  let key: SigningKey;
  let store: CheckpointStore;
  let checkpointer: ActivityCheckpointer;
  const verify = () => verifyActivityRecord(database.db, { store, keys: [key.publicJwk] });

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), "spe-activity-checkpoints-"));
    database = await open();
    key = await newKey(dir);
    store = directoryCheckpointStore(join(dir, "checkpoints", "activity"));
    checkpointer = await startActivityCheckpoints({ db: database.db, key, store, intervalMs: 3_600_000, log: silent });
    // Five batches of two cells each; the checkpoint vouches for the fifth.
    for (let n = 1; n <= 10; n += 2) await appendActivityBatch(database.db, [cell(n), cell(n + 1)]);
    await checkpointer.checkpoint();
  });
  afterEach(async () => {
    await checkpointer.stop();
    await database.close();
  });

  it("publishes the head as a read-only file of its own, once per head, and verifies against it", async () => {
    expect(await checkpointer.checkpoint()).toBeUndefined();
    await appendActivityBatch(database.db, [cell(11)]);
    await checkpointer.stop();
    const files = readdirSync(store.location).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toMatch(/^0000000000000006-\d{8}T\d{9}Z\.jws$/);
    expect(statSync(join(store.location, files[1]!)).mode & 0o222).toBe(0);
    expect(await verify()).toMatchObject({ intact: true, batches: 6, entries: 11, checkpoint: { sequence: 6 } });
  });

  it("names history rewritten with recomputed hashes: a cell's code changed", async () => {
    await forgeRecord(database, (batches) =>
      batches.map((b) =>
        b.sequence === 2 ? { ...b, entries: b.entries.map((e) => ({ ...e, details: { code: "pass" } })) } : b,
      ),
    );
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "rewritten",
      brokenAt: 5,
      problem: expect.stringContaining("a batch before it was rewritten and the hashes recomputed"),
    });
  });

  it("names a cut-off tail", async () => {
    await forgeRecord(database, (batches) => batches.slice(0, 3));
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "truncated",
      brokenAt: 4,
      problem: expect.stringContaining("the record ends at batch 3, but the checkpoint signed at"),
    });
  });

  it("names batches inserted before the checkpoint's head", async () => {
    await forgeRecord(database, (batches) => [
      ...batches.slice(0, 2),
      { ...batches[1]!, entries: [cell(99, "print('not run')")] },
      ...batches.slice(2),
    ]);
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "inserted",
      brokenAt: 5,
      problem: expect.stringContaining("1 batch(es) were inserted before batch 5"),
    });
  });

  it("names batches removed from the middle", async () => {
    await forgeRecord(database, (batches) => batches.filter((b) => b.sequence !== 2));
    expect(await verify()).toMatchObject({ intact: false, tampering: "removed", brokenAt: 4 });
  });

  it("signs no checkpoint over tampered history, so the next one cannot launder it", async () => {
    await forgeRecord(database, (batches) => batches.slice(0, 3));
    for (let n = 20; n <= 24; n++) await appendActivityBatch(database.db, [cell(n)]);
    expect(await checkpointer.checkpoint()).toBeUndefined();
    expect(await verify()).toMatchObject({ intact: false, tampering: "rewritten" });
  });

  it("does not trust a checkpoint another key signed", async () => {
    const other = await newKey(mkdtempSync(join(tmpdir(), "spe-other-key-")));
    const forged = {
      sequence: 9,
      hash: "a".repeat(64),
      batchDigest: "b".repeat(64),
      signedAt: new Date().toISOString(),
    };
    store.append(forged, await signActivityCheckpoint(forged, other));
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "checkpoint-untrusted",
      problem: expect.stringContaining("not by a trusted signing key"),
    });
  });
});
