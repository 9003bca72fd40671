import type { Db } from "../db/database";
import { auditEventHash, GENESIS_HASH } from "./audit-hash";
import { auditEventsInOrder } from "./audit-events-query";

export type AuditChainResult =
  | { intact: true; events: number; lastHash: string }
  | { intact: false; events: number; brokenAt: number; problem: string };

/**
 * Walks the audit log in sequence order, recomputes every hash and checks every link. Answers with the
 * first broken link: its sequence and what is wrong with it. Events checked before it were intact.
 */
export async function verifyAuditChain(db: Db): Promise<AuditChainResult> {
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let events = 0;
  const broken = (brokenAt: number, problem: string): AuditChainResult => ({
    intact: false,
    events,
    brokenAt,
    problem,
  });
  for await (const event of auditEventsInOrder(db)) {
    if (event.sequence !== expectedSequence)
      return broken(expectedSequence, `event ${expectedSequence} is missing: the next event is ${event.sequence}`);
    if (event.previousHash !== previousHash)
      return broken(
        event.sequence,
        `its previous hash ${event.previousHash} is not ${event.sequence === 1 ? "the first event's 64 zeros" : `the hash ${previousHash} of event ${event.sequence - 1}`}`,
      );
    const recomputed = auditEventHash(event);
    if (recomputed !== event.hash)
      return broken(
        event.sequence,
        `its content does not match its hash: stored ${event.hash}, recomputed ${recomputed}; the event was changed after it was written`,
      );
    previousHash = event.hash;
    expectedSequence += 1;
    events += 1;
  }
  return { intact: true, events, lastHash: previousHash };
}
