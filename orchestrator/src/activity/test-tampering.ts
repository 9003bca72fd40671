import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { activityBatches, activityEntries } from "../db/schema";
import { ACTIVITY_GENESIS_HASH, activityBatchHash, type ActivityBatch } from "./activity-hash";
import { activityBatchesInOrder } from "./activity-queries";

/**
 * What someone with the database's owner rights can do and the chain alone cannot show: put back a record of
 * their making, every sequence, link and hash recomputed with the project's own code, past the triggers.
 */
export async function forgeRecord(database: Database, edit: (batches: ActivityBatch[]) => ActivityBatch[]) {
  const stored: ActivityBatch[] = [];
  for await (const { sequence, time, previousHash, entries, hash } of activityBatchesInOrder(database.db))
    stored.push({ sequence, time, previousHash, entries, hash });
  let previousHash = ACTIVITY_GENESIS_HASH;
  const forged = edit(stored).map((batch, i) => {
    const linked = { ...batch, sequence: i + 1, previousHash };
    previousHash = activityBatchHash(linked);
    return { ...linked, hash: previousHash };
  });
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table activity_entries disable trigger activity_entries_append_only`);
    await tx.execute(sql`alter table activity_batches disable trigger activity_batches_append_only`);
    await tx.execute(sql`delete from activity_entries`);
    await tx.execute(sql`delete from activity_batches`);
    for (const b of forged) {
      await tx.insert(activityBatches).values({
        sequence: b.sequence,
        time: new Date(b.time),
        entries: b.entries.length,
        previousHash: b.previousHash,
        hash: b.hash,
      });
      if (b.entries.length > 0)
        await tx
          .insert(activityEntries)
          .values(b.entries.map((e, i) => ({ ...e, batch: b.sequence, position: i + 1, time: new Date(e.time) })));
    }
    await tx.execute(sql`alter table activity_entries enable trigger activity_entries_append_only`);
    await tx.execute(sql`alter table activity_batches enable trigger activity_batches_append_only`);
  });
}
