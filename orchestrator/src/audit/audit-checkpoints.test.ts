import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bothDatabases } from "../../test/fresh-postgres";
import type { Database } from "../db/database";
import { loadSigningKey, type SigningKey } from "../keys/signing-key";
import { recordAuditEvent } from "./append-audit-event";
import { signCheckpoint } from "./audit-checkpoint";
import { startAuditCheckpoints, type AuditCheckpointer } from "./audit-checkpointer";
import { directoryCheckpointStore, type CheckpointStore } from "./checkpoint-store";
import { forgeLog } from "./test-tampering";
import { verifyAuditLog } from "./verify-audit-log";

const silent = pino({ level: "silent" });
const vote = (n: number, decision = "reject") => ({
  actor: { subject: `checker-${n}`, role: "output-checker" as const, address: "127.0.0.1" },
  action: "review.voted",
  target: `export-request:${n}`,
  details: { decision },
});

const newKey = (dir: string) =>
  loadSigningKey(join(dir, "signing.jwk"), { what: "test key", setting: "-" }, { createIfMissing: true });

describe.each(bothDatabases("spe_checkpoints"))("signed audit checkpoints on %s", (_name, open) => {
  let database: Database;
  let key: SigningKey;
  let store: CheckpointStore;
  let checkpointer: AuditCheckpointer;
  const verify = () => verifyAuditLog(database.db, { store, keys: [key.publicJwk] });

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), "spe-checkpoints-"));
    database = await open();
    key = await newKey(dir);
    store = directoryCheckpointStore(join(dir, "checkpoints"));
    checkpointer = await startAuditCheckpoints({ db: database.db, key, store, intervalMs: 3_600_000, log: silent });
    for (let n = 1; n <= 5; n++) await recordAuditEvent(database.db, vote(n));
    await checkpointer.checkpoint();
  });
  afterEach(async () => {
    await checkpointer.stop();
    await database.close();
  });

  it("publishes the head as a read-only file of its own, once per head, and verifies against it", async () => {
    expect(await checkpointer.checkpoint()).toBeUndefined();
    await recordAuditEvent(database.db, vote(6));
    await checkpointer.stop();
    const files = readdirSync(store.location).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toMatch(/^0000000000000006-\d{8}T\d{9}Z\.jws$/);
    expect(statSync(join(store.location, files[1]!)).mode & 0o222).toBe(0);
    expect(await verify()).toMatchObject({ intact: true, events: 6, checkpoint: { sequence: 6 } });
  });

  it("names history rewritten with recomputed hashes: a reject turned into an approve", async () => {
    await forgeLog(database, (events) =>
      events.map((e) => (e.sequence === 2 ? { ...e, details: { decision: "approve" } } : e)),
    );
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "rewritten",
      brokenAt: 5,
      problem: expect.stringContaining("an event before it was rewritten and the hashes recomputed"),
    });
  });

  it("names a cut-off tail", async () => {
    await forgeLog(database, (events) => events.slice(0, 3));
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "truncated",
      brokenAt: 4,
      problem: expect.stringContaining("the log ends at event 3, but the checkpoint signed at"),
    });
  });

  it("names events inserted before the checkpoint's head", async () => {
    await forgeLog(database, (events) => [
      ...events.slice(0, 2),
      { ...events[1]!, target: "export-request:forged" },
      ...events.slice(2),
    ]);
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "inserted",
      brokenAt: 5,
      problem: expect.stringContaining("1 event(s) were inserted before event 5"),
    });
  });

  it("names events removed from the middle", async () => {
    await forgeLog(database, (events) => events.filter((e) => e.sequence !== 2));
    expect(await verify()).toMatchObject({ intact: false, tampering: "removed", brokenAt: 4 });
  });

  it("still names an event changed in place, which the chain itself shows", async () => {
    await database.db.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await database.db.execute(sql`update audit_events set details = '{"decision": "approve"}' where sequence = 2`);
    expect(await verify()).toMatchObject({ intact: false, tampering: "changed", brokenAt: 2 });
  });

  it("signs no checkpoint over tampered history, so the next one cannot launder it", async () => {
    await forgeLog(database, (events) => events.slice(0, 3));
    for (let n = 4; n <= 8; n++) await recordAuditEvent(database.db, vote(n, "approve"));
    expect(await checkpointer.checkpoint()).toBeUndefined();
    expect(await verify()).toMatchObject({ intact: false, tampering: "rewritten" });
  });

  it("does not trust a checkpoint another key signed", async () => {
    const other = await newKey(mkdtempSync(join(tmpdir(), "spe-other-key-")));
    const forged = {
      sequence: 9,
      hash: "a".repeat(64),
      eventDigest: "b".repeat(64),
      signedAt: new Date().toISOString(),
    };
    store.append(forged, await signCheckpoint(forged, other));
    expect(await verify()).toMatchObject({
      intact: false,
      tampering: "checkpoint-untrusted",
      problem: expect.stringContaining("not by a trusted audit signing key"),
    });
  });
});
