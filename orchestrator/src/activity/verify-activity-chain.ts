import type { Db } from "../db/database";
import { ACTIVITY_GENESIS_HASH, activityBatchHash } from "./activity-hash";
import { activityBatchesInOrder } from "./activity-queries";

/** How the record was tampered with: a batch (or an entry in it) changed, relinked, missing, or entries added or removed. */
export type ActivityTampering = "changed" | "relinked" | "missing" | "entries";

export type ActivityChainResult =
  | { intact: true; batches: number; entries: number; lastHash: string }
  | {
      intact: false;
      batches: number;
      entries: number;
      brokenAt: number;
      problem: string;
      tampering: ActivityTampering;
    };

/**
 * Walks the record of activities batch by batch, recomputes every batch's hash over its entries and checks
 * every link, as verifyAuditChain does for the audit log; answers with the first problem, where and what.
 */
export async function verifyActivityChain(db: Db): Promise<ActivityChainResult> {
  let expected = 1;
  let previousHash = ACTIVITY_GENESIS_HASH;
  let [batches, entries] = [0, 0];
  const broken = (brokenAt: number, tampering: ActivityTampering, problem: string): ActivityChainResult => ({
    intact: false,
    batches,
    entries,
    brokenAt,
    problem,
    tampering,
  });
  for await (const batch of activityBatchesInOrder(db)) {
    if (batch.sequence !== expected)
      return broken(expected, "missing", `batch ${expected} is missing: the next batch is ${batch.sequence}`);
    if (batch.previousHash !== previousHash)
      return broken(batch.sequence, "relinked", `its previous hash ${batch.previousHash} is not ${previousHash}`);
    const gapless = batch.positions.every((p, i) => p === i + 1);
    if (!gapless || batch.positions.length !== batch.declaredEntries)
      return broken(
        batch.sequence,
        "entries",
        `it declares ${batch.declaredEntries} entries but holds ${batch.positions.length} at positions ${batch.positions.join(", ") || "none"}`,
      );
    const recomputed = activityBatchHash(batch);
    if (recomputed !== batch.hash)
      return broken(
        batch.sequence,
        "changed",
        `its content does not match its hash: stored ${batch.hash}, recomputed ${recomputed}; an entry was changed after it was written`,
      );
    previousHash = batch.hash;
    expected += 1;
    batches += 1;
    entries += batch.entries.length;
  }
  return { intact: true, batches, entries, lastHash: previousHash };
}
