import type { Db } from "../db/database";
import type { CheckpointSource } from "../audit/verify-audit-log";
import { openActivityCheckpoint } from "./activity-checkpoint";
import { verifyActivityChain, type ActivityChainResult } from "./verify-activity-chain";

/** The record's verdict, with the checkpoint it was held against (none yet: `null`). */
export type ActivityRecordVerification = ActivityChainResult & {
  checkpoint: { name: string; sequence: number; signedAt: string } | null;
};

/**
 * Verifies the record of activities against itself and against its latest signed checkpoint: what the
 * chain alone cannot show (rewritten history with recomputed hashes, a cut-off tail, inserted batches) the
 * checkpoint does. A checkpoint that does not verify with the trusted keys is itself a finding.
 */
export async function verifyActivityRecord(db: Db, source: CheckpointSource): Promise<ActivityRecordVerification> {
  const latest = source.store.latest();
  if (!latest) return { ...(await verifyActivityChain(db)), checkpoint: null };
  const opened = await openActivityCheckpoint(latest.jws, source.keys);
  if ("problem" in opened)
    return {
      intact: false,
      batches: 0,
      entries: 0,
      brokenAt: 0,
      tampering: "checkpoint-untrusted",
      problem: `the latest activity checkpoint ${latest.name} cannot be trusted: ${opened.problem}`,
      checkpoint: null,
    };
  const { sequence, signedAt } = opened.checkpoint;
  return {
    ...(await verifyActivityChain(db, opened.checkpoint)),
    checkpoint: { name: latest.name, sequence, signedAt },
  };
}

/** Against the latest checkpoint where the installation signs them; the chain alone where it does not (tests, tools). */
export const activityVerification = (
  db: Db,
  checkpoints: CheckpointSource | undefined,
): Promise<ActivityRecordVerification | ActivityChainResult> =>
  checkpoints ? verifyActivityRecord(db, checkpoints) : verifyActivityChain(db);
