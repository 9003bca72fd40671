import { sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { storableDetails, type ActivityEntry } from "./activity-entry";
import { ACTIVITY_GENESIS_HASH, activityBatchHash, type ActivityBatch } from "./activity-hash";

// Both drivers answer execute() with { rows }; the shared database type does not say so.
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * Appends entries as one batch, the next link of the record's chain, in a transaction of its own: one lock
 * and two inserts however many entries it holds. Through the migration role's functions (migration 0012):
 * the runtime role may not write the tables itself, and the function refuses a batch that does not extend
 * the chain's head.
 */
export async function appendActivityBatch(db: Db, entries: ActivityEntry[], now = new Date()): Promise<ActivityBatch> {
  if (entries.length === 0) throw new Error("A batch of the record of activities holds one entry or more");
  const stored = entries.map((e) => ({ ...e, details: storableDetails(e.details) }));
  return db.transaction(async (tx) => {
    const head = await tx.execute(sql`select head_sequence, head_hash from activity_lock_head()`);
    const [row] = rowsOf<{ head_sequence: string | number; head_hash: string }>(head);
    const batch: Omit<ActivityBatch, "hash"> = {
      sequence: (row ? Number(row.head_sequence) : 0) + 1,
      time: now.toISOString(),
      previousHash: row?.head_hash ?? ACTIVITY_GENESIS_HASH,
      entries: stored,
    };
    const hash = activityBatchHash(batch);
    await tx.execute(
      sql`select activity_append(${batch.sequence}, ${batch.time}::timestamptz, ${batch.previousHash}, ${hash},
        ${JSON.stringify(stored)}::jsonb)`,
    );
    return { ...batch, hash };
  });
}
