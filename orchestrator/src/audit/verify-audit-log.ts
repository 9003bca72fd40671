import type { JWK } from "jose";
import type { Db } from "../db/database";
import { openCheckpoint } from "./audit-checkpoint";
import type { CheckpointStore } from "./checkpoint-store";
import { verifyAuditChain, type AuditChainResult } from "./verify-audit-chain";

/** Where the signed checkpoints are and which keys may have signed them. */
export interface CheckpointSource {
  store: CheckpointStore;
  keys: JWK[];
}

/**
 * The chain's verdict, with the checkpoint it was held against (none yet: `null`). Auditors read it in the UI:
 * where the store is on the server's disks is not theirs (the CLI, run by operators, says it).
 */
export type AuditLogVerification = AuditChainResult & {
  checkpoint: { name: string; sequence: number; signedAt: string } | null;
};

/**
 * Verifies the audit log against itself and against the latest signed checkpoint: what the chain alone
 * cannot show (rewritten history with recomputed hashes, a cut-off tail, inserted events) the checkpoint
 * does. A checkpoint that does not verify with the trusted keys is itself a finding.
 */
export async function verifyAuditLog(db: Db, source: CheckpointSource): Promise<AuditLogVerification> {
  const latest = source.store.latest();
  if (!latest) return { ...(await verifyAuditChain(db)), checkpoint: null };
  const opened = await openCheckpoint(latest.jws, source.keys);
  if ("problem" in opened)
    return {
      intact: false,
      events: 0,
      brokenAt: 0,
      tampering: "checkpoint-untrusted",
      problem: `the latest checkpoint ${latest.name} cannot be trusted: ${opened.problem}`,
      checkpoint: null,
    };
  const { sequence, signedAt } = opened.checkpoint;
  return {
    ...(await verifyAuditChain(db, opened.checkpoint)),
    checkpoint: { name: latest.name, sequence, signedAt },
  };
}
