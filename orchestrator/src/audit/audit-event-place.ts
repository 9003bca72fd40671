import { inArray } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import { auditEventHash, GENESIS_HASH, type AuditEvent } from "./audit-hash";
import { toAuditEvent } from "./audit-events-query";
import type { CheckpointSource } from "./verify-audit-log";
import { openCheckpoint } from "./audit-checkpoint";

/** One event with its place in the chain: its neighbours' hashes and whether the links between them hold. */
export interface AuditEventPlace {
  event: AuditEvent;
  /** Whether the event's content still gives its hash (nothing changed since it was written). */
  hashMatches: boolean;
  previous: { sequence: number; hash: string; linked: boolean } | null;
  next: { sequence: number; previousHash: string; linked: boolean } | null;
  /** The latest signed checkpoint, and whether it vouches for this event (the event is at or before its head). */
  checkpoint: { sequence: number; signedAt: string; covers: boolean } | null;
}

/**
 * Event `sequence` with what a reader needs to place it in the chain: the event before it (whose hash this
 * one names) and the one after (which names this one's hash). The whole chain's verdict is the log's own.
 */
export async function auditEventPlace(
  db: Db,
  sequence: number,
  checkpoints?: CheckpointSource,
): Promise<AuditEventPlace | undefined> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(inArray(auditEvents.sequence, [sequence - 1, sequence, sequence + 1]));
  const bySequence = new Map(rows.map((r) => [r.sequence, toAuditEvent(r)]));
  const event = bySequence.get(sequence);
  if (!event) return undefined;
  const before = bySequence.get(sequence - 1);
  const after = bySequence.get(sequence + 1);
  return {
    event,
    hashMatches: auditEventHash(event) === event.hash,
    previous: before
      ? { sequence: before.sequence, hash: before.hash, linked: event.previousHash === before.hash }
      : sequence === 1
        ? { sequence: 0, hash: GENESIS_HASH, linked: event.previousHash === GENESIS_HASH }
        : null,
    next: after
      ? { sequence: after.sequence, previousHash: after.previousHash, linked: after.previousHash === event.hash }
      : null,
    checkpoint: checkpoints ? await latestCheckpoint(checkpoints, sequence) : null,
  };
}

async function latestCheckpoint(source: CheckpointSource, sequence: number) {
  const latest = source.store.latest();
  if (!latest) return null;
  const opened = await openCheckpoint(latest.jws, source.keys);
  if (!("checkpoint" in opened)) return null;
  const { checkpoint } = opened;
  return { sequence: checkpoint.sequence, signedAt: checkpoint.signedAt, covers: sequence <= checkpoint.sequence };
}
