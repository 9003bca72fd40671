import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { ActivityEntry } from "./activity-entry";

/** The previous hash of the first batch: there is nothing before it. */
export const ACTIVITY_GENESIS_HASH = "0".repeat(64);

/** One batch of the record: the unit that is appended, locked for and chained. */
export interface ActivityBatch {
  sequence: number;
  time: string;
  previousHash: string;
  /** In position order (1, 2, …). */
  entries: ActivityEntry[];
  hash: string;
}

/**
 * SHA-256 (hex) over the RFC 8785 canonical JSON of the batch and every entry in it, as the audit log
 * hashes an event (audit-hash.ts): an entry changed, added or removed changes its batch's hash.
 */
export function activityBatchHash(batch: Omit<ActivityBatch, "hash">): string {
  const canonical = canonicalize({
    sequence: batch.sequence,
    time: batch.time,
    previousHash: batch.previousHash,
    entries: batch.entries.map(({ time, namespace, subject, kind, details }) => ({
      time,
      namespace,
      subject,
      kind,
      details,
    })),
  });
  return createHash("sha256").update(canonical!).digest("hex");
}
