import type { JWK } from "jose";
import { openCheckpoint, type Checkpoint } from "./audit-checkpoint";
import type { AuditExportFile } from "./audit-export-file";
import { auditEventHash, type AuditEvent } from "./audit-hash";
import { verifyAuditEvents, type AuditChainResult } from "./verify-audit-chain";

/** Where a filtered export's events are matched: the full chain, read in sequence order, and where it is. */
export interface ChainToMatch {
  events: AsyncIterable<AuditEvent>;
  location: string;
}

export type ExportVerification =
  | { kind: "untrusted"; problem: string }
  | { kind: "full"; checkpoint: Checkpoint | null; result: AuditChainResult }
  | {
      kind: "filtered";
      checkpoint: Checkpoint | null;
      /** Events whose content no longer gives the hash beside it: changed after the export. */
      changed: number[];
      /** Against the chain, when one was given: its verdict, and the events it holds with the same hash, or not. */
      chain?: { location: string; result: AuditChainResult; matched: number[]; unmatched: number[] };
      events: number;
    };

/**
 * Holds an export to the chain. The checkpoint it names must verify with `keys`. A full export (no filter) is
 * walked as the chain itself, link by link, and must hold the checkpoint's head. A filtered one cannot be:
 * each event's content must still give its hash, and with `chain` (the database, or a full export) each is
 * matched by sequence and hash against a chain that itself verifies.
 */
export async function verifyAuditExport(
  file: AuditExportFile,
  keys: JWK[],
  chain?: ChainToMatch,
): Promise<ExportVerification> {
  const { header } = file;
  let checkpoint: Checkpoint | null = null;
  if (header.checkpoint) {
    const opened = await openCheckpoint(header.checkpoint.jws, keys);
    if ("problem" in opened)
      return { kind: "untrusted", problem: `the checkpoint it names cannot be trusted: ${opened.problem}` };
    const { sequence, hash } = opened.checkpoint;
    if (sequence !== header.checkpoint.sequence || hash !== header.checkpoint.hash)
      return { kind: "untrusted", problem: "its header does not say what the signed checkpoint in it says" };
    checkpoint = opened.checkpoint;
  }
  if (Object.keys(header.filter).length === 0) {
    const result = await verifyAuditEvents(file.events(), checkpoint ?? undefined);
    // The walk cannot know where the log ended when the export was taken; the header says.
    if (result.intact && result.events !== header.head)
      return {
        kind: "full",
        checkpoint,
        result: {
          intact: false,
          events: result.events,
          brokenAt: result.events + 1,
          tampering: "truncated",
          problem: `the export ends at event ${result.events}, but it was taken when the log ended at event ${header.head}`,
        },
      };
    return { kind: "full", checkpoint, result };
  }

  const changed: number[] = [];
  const wanted = new Map<number, string>();
  let events = 0;
  for await (const event of file.events()) {
    events += 1;
    if (auditEventHash(event) !== event.hash) changed.push(event.sequence);
    else wanted.set(event.sequence, event.hash);
  }
  if (!chain) return { kind: "filtered", checkpoint, changed, events };
  const inChain = new Map<number, string>();
  async function* tapped() {
    for await (const event of chain!.events) {
      if (wanted.has(event.sequence)) inChain.set(event.sequence, event.hash);
      yield event;
    }
  }
  const result = await verifyAuditEvents(tapped(), checkpoint ?? undefined);
  const matched = [...wanted].filter(([s, h]) => inChain.get(s) === h).map(([s]) => s);
  const unmatched = [...wanted.keys()].filter((s) => inChain.get(s) !== wanted.get(s));
  return {
    kind: "filtered",
    checkpoint,
    changed,
    events,
    chain: { location: chain.location, result, matched, unmatched },
  };
}
