import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { runSpe } from "../../test/run-spe";
import { startAuditCheckpoints } from "../audit/audit-checkpointer";
import { checkpointSourceOf } from "../audit/checkpoint-settings";
import { forgeLog } from "../audit/test-tampering";
import { parseConfig } from "../config";
import { createAirlock } from "../outputs/airlock";
import { recordAuditEvent } from "../audit/append-audit-event";
import { asSuperuser, freshPostgres } from "../audit/test-databases";
import { openDatabase, pgliteDirIn, type Database } from "../db/database";

/** The real `spe`, with DATABASE_URL and DATA_DIR only as the test says. */
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runSpe(args, { env, isolate: ["DATABASE_URL", "DATA_DIR"] });

const olof = { subject: "olof", role: "operator", address: "127.0.0.1" } as const;
async function appendThree(database: Database) {
  for (let n = 1; n <= 3; n++)
    await recordAuditEvent(
      database.db,
      { actor: olof, action: "environment.suspended", target: `environment:spe-${n}`, details: { n } },
      new Date(Date.UTC(2026, 0, n)),
    );
}

describe("spe audit on an embedded data directory", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "spe-audit-"));
  beforeAll(async () => {
    const database = await openDatabase({ pgliteDir: pgliteDirIn(dataDir) });
    await appendThree(database);
    await database.close();
  });

  it("verify: exit 0 for an intact log", async () => {
    const result = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Intact: 3 audit events in .*; the last hash is [0-9a-f]{64}\. There is no signed checkpoint in .*audit-checkpoints to hold it against: a cut-off tail or recomputed hashes would not show\.\n$/,
    );
  });

  it("export: JSON Lines after a header line naming the head, all or from --since on", async () => {
    const all = await run(["audit", "export", "--data-dir", dataDir]);
    expect(all.code, all.stderr).toBe(0);
    const [header, ...lines] = all.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { sequence: number; time: string; hash: string });
    expect(header).toMatchObject({ type: "spe-audit-export", head: 3, filter: {}, checkpoint: null });
    expect(lines.map((l) => l.sequence)).toEqual([1, 2, 3]);
    expect(lines[1]).toMatchObject({
      time: "2026-01-02T00:00:00.000Z",
      actor: olof,
      action: "environment.suspended",
      target: "environment:spe-2",
      details: { n: 2 },
    });
    const since = await run(["audit", "export", "--since", "2026-01-02T00:00:00Z"], { DATA_DIR: dataDir });
    const [sinceHeader, ...sinceLines] = since.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { sequence: number });
    expect(sinceHeader).toMatchObject({ filter: { from: "2026-01-02T00:00:00.000Z" }, head: 3 });
    expect(sinceLines.map((l) => l.sequence)).toEqual([2, 3]);
  });

  it("export: what it writes is what verify --export checks, whole or from --since on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spe-audit-export-"));
    for (const [name, extra] of [
      ["full.jsonl", []],
      ["since.jsonl", ["--since", "2026-01-02T00:00:00Z"]],
    ] as const) {
      const exported = await run(["audit", "export", "--data-dir", dataDir, ...extra]);
      expect(exported.code, exported.stderr).toBe(0);
      writeFileSync(join(dir, name), exported.stdout);
      const verified = await run(["audit", "verify", "--export", join(dir, name), "--data-dir", dataDir]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    }
  });

  it("exit 2 for usage errors: unknown option, bad --since, a folder without a database", async () => {
    for (const args of [
      ["audit", "verify", "--bogus"],
      ["audit", "export", "--since", "last tuesday", "--data-dir", dataDir],
      ["audit", "verify", "--data-dir", join(dataDir, "nowhere")],
      ["audit", "check"],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage:");
    }
  });

  it("verify: exit 1 naming the first changed event", async () => {
    const database = await openDatabase({ pgliteDir: pgliteDirIn(dataDir) });
    await database.db.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await database.db.execute(sql`update audit_events set target = 'environment:forged' where sequence = 2`);
    await database.close();
    const result = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^Broken at event 2 \(changed\): its content does not match its hash.*The 1 event\(s\) before it are intact\.\n$/,
    );
  });
});

describe("spe audit verify on PostgreSQL", () => {
  it("reads --database-url (or DATABASE_URL) and names a removed event", async () => {
    const { database, url } = await freshPostgres();
    await appendThree(database);
    await database.close();
    expect((await run(["audit", "verify", "--database-url", url])).code).toBe(0);
    await asSuperuser(url, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
    await asSuperuser(url, "DELETE FROM audit_events WHERE sequence = 1");
    const result = await run(["audit", "verify"], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Broken at event 1 (missing): event 1 is missing: the next event is 2");
  });
});

describe("spe audit verify against the signed checkpoints", () => {
  it("holds the log against the latest checkpoint in the data directory, and names a cut-off tail", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "spe-audit-checkpoints-"));
    const config = parseConfig({ DATA_DIR: dataDir });
    const keys = (await createAirlock(config)).signingKeys;
    const key = keys.current;
    const database = await openDatabase({ pgliteDir: pgliteDirIn(dataDir) });
    await appendThree(database);
    const { store } = checkpointSourceOf(config, keys);
    const checkpointer = await startAuditCheckpoints({
      db: database.db,
      key,
      store,
      intervalMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    await checkpointer.stop();
    await database.close();
    const intact = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(intact.code, intact.stdout).toBe(0);
    expect(intact.stdout).toMatch(/It holds the checkpoint signed at \S+ for event 3 \(.*audit-checkpoints\)\.\n$/);

    // A rotated key: the checkpoint the old key signed still holds, through the retired keys.
    const rotated = await run(["signing-key", "rotate", "--data-dir", dataDir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`${key.kid} is retired to ${join(dataDir, "keys", "retired-signing-keys.jwks")}`);
    const afterRotation = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(afterRotation.code, afterRotation.stdout).toBe(0);
    expect(afterRotation.stdout).toMatch(/It holds the checkpoint signed at \S+ for event 3/);

    const again = await openDatabase({ pgliteDir: pgliteDirIn(dataDir) });
    await forgeLog(again, (events) => events.slice(0, 1));
    await again.close();
    const truncated = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(
      /^Broken at event 2 \(truncated\): the log ends at event 1, but the checkpoint signed at .* events 2 to 3 were cut off/,
    );

    // Checkpoints without the key to check them: a usage error, not a verdict.
    const keyless = await run([
      "audit",
      "verify",
      "--data-dir",
      dataDir,
      "--checkpoint-keys",
      join(dataDir, "none.jwk"),
    ]);
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toContain("no key to check them with");
  }, 180_000);
});
