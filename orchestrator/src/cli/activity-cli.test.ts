import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { runSpe } from "../../test/run-spe";
import { startActivityCheckpoints } from "../activity/activity-checkpointer";
import { appendActivityBatch } from "../activity/append-activity-batch";
import { forgeRecord } from "../activity/test-tampering";
import { activityCheckpointSourceOf } from "../audit/checkpoint-settings";
import { parseConfig } from "../config";
import { openDatabase, pgliteDirIn } from "../db/database";
import { loadSigningKeys } from "../keys/signing-keys";

const run = (args: string[]) =>
  runSpe(args, { isolate: ["DATABASE_URL", "DATA_DIR", "SIGNING_KEY_FILE", "AUDIT_CHECKPOINT_DIR"] });

describe("spe activity verify on an embedded data directory", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "spe-activity-cli-"));
  const open = () => openDatabase({ pgliteDir: pgliteDirIn(dataDir) });

  beforeAll(async () => {
    // As the orchestrator does: its key and checkpoint folder under DATA_DIR, a checkpoint at stop.
    const config = parseConfig({ DATA_DIR: dataDir });
    const keys = await loadSigningKeys(config);
    const source = activityCheckpointSourceOf(config, keys);
    const database = await open();
    const checkpointer = await startActivityCheckpoints({
      db: database.db,
      key: keys.current,
      store: source.store,
      intervalMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    for (let n = 1; n <= 4; n++)
      await appendActivityBatch(database.db, [
        {
          time: new Date().toISOString(),
          namespace: "spe-cli",
          subject: "alice",
          kind: "code.executed",
          details: { n },
        },
      ]);
    await checkpointer.stop();
    await database.close();
  });

  it("says the record is intact and holds its latest checkpoint, then names a cut-off tail", async () => {
    const intact = await run(["activity", "verify", "--data-dir", dataDir]);
    expect(intact.stderr).toBe("");
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(
      /^Intact: 4 batches of 4 activities in .*; the last hash is [0-9a-f]{64}\. It holds the checkpoint signed at \S+ for batch 4 \(.*activity\)\.\n$/,
    );

    const database = await open();
    await forgeRecord(database, (batches) => batches.slice(0, 2));
    await database.close();
    const cut = await run(["activity", "verify", "--data-dir", dataDir]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(
      /^Broken at batch 3 \(truncated\): the record ends at batch 2, but the checkpoint signed at/,
    );
  });
});
