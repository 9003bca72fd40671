import type { Db } from "../db/database";
import { batchDigest, type ActivityCheckpoint } from "./activity-checkpoint";
import { ACTIVITY_GENESIS_HASH, activityBatchHash } from "./activity-hash";
import { activityBatchesInOrder } from "./activity-queries";

/**
 * How the record was tampered with: a batch (or an entry in it) changed, relinked, missing, or entries added
 * or removed; or — what only a signed checkpoint shows, as the chain itself was recomputed — history
 * rewritten, batches inserted or removed before the checkpoint's head, or the tail cut off; or a checkpoint
 * not ours.
 */
export type ActivityTampering =
  | "changed"
  | "relinked"
  | "missing"
  | "entries"
  | "rewritten"
  | "inserted"
  | "removed"
  | "truncated"
  | "checkpoint-untrusted";

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
 * every link, as verifyAuditChain does for the audit log; then, given the latest signed checkpoint, checks
 * that the record still holds the head it vouched for. Answers with the first problem, where and what.
 */
export async function verifyActivityChain(db: Db, checkpoint?: ActivityCheckpoint): Promise<ActivityChainResult> {
  let expected = 1;
  let previousHash = ACTIVITY_GENESIS_HASH;
  let [batches, entries] = [0, 0];
  let hashAtCheckpoint: string | undefined;
  const digestMatches: number[] = [];
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
    if (checkpoint) {
      if (batch.sequence === checkpoint.sequence) hashAtCheckpoint = batch.hash;
      if (batchDigest(batch) === checkpoint.batchDigest) digestMatches.push(batch.sequence);
    }
    previousHash = batch.hash;
    expected += 1;
    batches += 1;
    entries += batch.entries.length;
  }
  if (checkpoint && checkpoint.sequence > 0 && hashAtCheckpoint !== checkpoint.hash)
    return { intact: false, batches, entries, ...checkpointProblem(checkpoint, batches, digestMatches) };
  return { intact: true, batches, entries, lastHash: previousHash };
}

/** Why a record that holds together on its own does not hold the head a checkpoint signed. */
function checkpointProblem(
  checkpoint: ActivityCheckpoint,
  batches: number,
  digestMatches: number[],
): { brokenAt: number; problem: string; tampering: ActivityTampering } {
  const { sequence, hash, signedAt } = checkpoint;
  const signed = `the checkpoint signed at ${signedAt} vouches for batch ${sequence} with hash ${hash}`;
  const later = digestMatches.find((m) => m > sequence);
  if (later !== undefined)
    return {
      brokenAt: sequence,
      tampering: "inserted",
      problem: `${later - sequence} batch(es) were inserted before batch ${sequence}, and the hashes recomputed: ${signed}, and that batch is now number ${later}`,
    };
  const earlier = digestMatches.findLast((m) => m < sequence);
  if (earlier !== undefined)
    return {
      brokenAt: earlier,
      tampering: "removed",
      problem: `${sequence - earlier} batch(es) before batch ${sequence} were removed, and the hashes recomputed: ${signed}, and that batch is now number ${earlier}`,
    };
  if (batches < sequence)
    return {
      brokenAt: batches + 1,
      tampering: "truncated",
      problem: `the record ends at batch ${batches}, but ${signed}: batches ${batches + 1} to ${sequence} were cut off`,
    };
  return {
    brokenAt: sequence,
    tampering: "rewritten",
    problem: `batch ${sequence} does not have the hash the checkpoint signed (${signed}): ${
      digestMatches.includes(sequence) ? "a batch before it" : "it, or a batch before it,"
    } was rewritten and the hashes recomputed`,
  };
}
