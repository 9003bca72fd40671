import type { Db } from "../db/database";
import { eventDigest, type Checkpoint } from "./audit-checkpoint";
import { auditEventHash, GENESIS_HASH, type AuditEvent } from "./audit-hash";
import { auditEventsInOrder } from "./audit-events-query";

/**
 * How the log was tampered with: an event changed in place or relinked, an event missing from the middle,
 * or — what only a checkpoint shows, as the chain itself was recomputed — history rewritten, events
 * inserted or removed before the checkpoint's head, or the tail cut off; or a checkpoint not ours.
 */
export type Tampering =
  "changed" | "relinked" | "missing" | "rewritten" | "inserted" | "removed" | "truncated" | "checkpoint-untrusted";

export type AuditChainResult =
  | { intact: true; events: number; lastHash: string }
  | { intact: false; events: number; brokenAt: number; problem: string; tampering: Tampering };

/**
 * Walks the audit log in sequence order, recomputes every hash and checks every link; then, given the
 * latest signed checkpoint, checks that the log still holds the head it vouched for. Answers with the first
 * problem: where, what, and which kind of tampering. Events checked before it were intact.
 */
export function verifyAuditChain(db: Db, checkpoint?: Checkpoint): Promise<AuditChainResult> {
  return verifyAuditEvents(auditEventsInOrder(db), checkpoint);
}

/** The same walk over events from anywhere in sequence order: the database, or a full export of it. */
export async function verifyAuditEvents(
  inOrder: AsyncIterable<AuditEvent>,
  checkpoint?: Checkpoint,
): Promise<AuditChainResult> {
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let events = 0;
  let hashAtCheckpoint: string | undefined;
  const digestMatches: number[] = [];
  const broken = (brokenAt: number, tampering: Tampering, problem: string): AuditChainResult => ({
    intact: false,
    events,
    brokenAt,
    problem,
    tampering,
  });
  for await (const event of inOrder) {
    if (event.sequence !== expectedSequence)
      return broken(
        expectedSequence,
        "missing",
        `event ${expectedSequence} is missing: the next event is ${event.sequence}`,
      );
    if (event.previousHash !== previousHash)
      return broken(
        event.sequence,
        "relinked",
        `its previous hash ${event.previousHash} is not ${event.sequence === 1 ? "the first event's 64 zeros" : `the hash ${previousHash} of event ${event.sequence - 1}`}`,
      );
    const recomputed = auditEventHash(event);
    if (recomputed !== event.hash)
      return broken(
        event.sequence,
        "changed",
        `its content does not match its hash: stored ${event.hash}, recomputed ${recomputed}; the event was changed after it was written`,
      );
    if (checkpoint) {
      if (event.sequence === checkpoint.sequence) hashAtCheckpoint = event.hash;
      if (eventDigest(event) === checkpoint.eventDigest) digestMatches.push(event.sequence);
    }
    previousHash = event.hash;
    expectedSequence += 1;
    events += 1;
  }
  if (checkpoint && checkpoint.sequence > 0 && hashAtCheckpoint !== checkpoint.hash) {
    const problem = checkpointProblem(checkpoint, events, digestMatches, hashAtCheckpoint !== undefined);
    return { intact: false, events, ...problem };
  }
  return { intact: true, events, lastHash: previousHash };
}

/** Why a chain that holds together on its own does not hold the head a checkpoint signed. */
function checkpointProblem(
  checkpoint: Checkpoint,
  events: number,
  digestMatches: number[],
  reachesCheckpoint: boolean,
): { brokenAt: number; problem: string; tampering: Tampering } {
  const { sequence, hash, signedAt } = checkpoint;
  const signed = `the checkpoint signed at ${signedAt} vouches for event ${sequence} with hash ${hash}`;
  const later = digestMatches.find((m) => m > sequence);
  if (later !== undefined)
    return {
      brokenAt: sequence,
      tampering: "inserted",
      problem: `${later - sequence} event(s) were inserted before event ${sequence}, and the hashes recomputed: ${signed}, and that event is now number ${later}`,
    };
  const earlier = digestMatches.findLast((m) => m < sequence);
  if (earlier !== undefined)
    return {
      brokenAt: earlier,
      tampering: "removed",
      problem: `${sequence - earlier} event(s) before event ${sequence} were removed, and the hashes recomputed: ${signed}, and that event is now number ${earlier}`,
    };
  if (!reachesCheckpoint)
    return {
      brokenAt: events + 1,
      tampering: "truncated",
      problem: `the log ends at event ${events}, but ${signed}: events ${events + 1} to ${sequence} were cut off`,
    };
  return {
    brokenAt: sequence,
    tampering: "rewritten",
    problem: `event ${sequence} does not have the hash the checkpoint signed (${signed}): ${
      digestMatches.includes(sequence) ? "an event before it" : "it, or an event before it,"
    } was rewritten and the hashes recomputed`,
  };
}
