import { desc } from "drizzle-orm";
import type { JWK } from "jose";
import type { Logger } from "pino";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import type { SigningKey } from "../keys/signing-key";
import { EMPTY_LOG_DIGEST, eventDigest, openCheckpoint, signCheckpoint, type Checkpoint } from "./audit-checkpoint";
import { auditEventHash, GENESIS_HASH } from "./audit-hash";
import { auditEventsInOrder, toAuditEvent } from "./audit-events-query";
import type { CheckpointStore } from "./checkpoint-store";

export interface AuditCheckpointer {
  /** Signs the chain's head now if it moved since the last checkpoint; answers with what was signed, if anything. */
  checkpoint(now?: Date): Promise<Checkpoint | undefined>;
  /** Stops the interval and signs one last checkpoint, so that a shutdown leaves nothing unvouched for. */
  stop(): Promise<void>;
}

/**
 * Signs the audit chain's head every `intervalMs` and at stop, and publishes it in `store`. It signs a head
 * only if the log still extends the previous checkpoint (that event with that hash, every link after it
 * intact): a checkpoint never vouches for history someone rewrote in between, so the latest one stands for
 * all before it.
 */
export async function startAuditCheckpoints(options: {
  db: Db;
  key: SigningKey;
  /** The keys a previous checkpoint may be signed with (after a rotation, the retired ones); default `key`'s alone. */
  trusted?: JWK[];
  store: CheckpointStore;
  intervalMs: number;
  log: Pick<Logger, "info" | "error" | "warn">;
}): Promise<AuditCheckpointer> {
  const { db, key, store, log } = options;
  let previous = await previousCheckpoint(store, options.trusted ?? [key.publicJwk], log);
  let running: Promise<Checkpoint | undefined> = Promise.resolve(undefined);

  const signHead = async (now: Date): Promise<Checkpoint | undefined> => {
    const [row] = await db.select().from(auditEvents).orderBy(desc(auditEvents.sequence)).limit(1);
    const head = row ? toAuditEvent(row) : undefined;
    const sequence = head?.sequence ?? 0;
    if (previous && previous.sequence === sequence && previous.hash === (head?.hash ?? GENESIS_HASH)) return undefined;
    const problem = previous && (await extensionProblem(db, previous, sequence));
    if (problem) {
      log.error({ checkpoint: previous, problem }, "Refused to sign an audit checkpoint: the log was tampered with");
      return undefined;
    }
    const checkpoint: Checkpoint = {
      sequence,
      hash: head?.hash ?? GENESIS_HASH,
      eventDigest: head ? eventDigest(head) : EMPTY_LOG_DIGEST,
      signedAt: now.toISOString(),
    };
    store.append(checkpoint, await signCheckpoint(checkpoint, key));
    previous = checkpoint;
    return checkpoint;
  };
  // One at a time: the interval and a stop never sign side by side.
  const checkpoint = (now = new Date()) => {
    running = running.then(
      () => signHead(now),
      () => signHead(now),
    );
    return running;
  };
  const timer = setInterval(() => {
    checkpoint().catch((err: unknown) => log.error({ err }, "Failed to sign an audit checkpoint"));
  }, options.intervalMs);
  timer.unref();
  return {
    checkpoint,
    async stop() {
      clearInterval(timer);
      await checkpoint().catch((err: unknown) => log.error({ err }, "Failed to sign the last audit checkpoint"));
    },
  };
}

/** The newest published checkpoint, if a trusted key signed it (the current one, or one it replaced). */
async function previousCheckpoint(
  store: CheckpointStore,
  trusted: JWK[],
  log: Pick<Logger, "warn">,
): Promise<Checkpoint | undefined> {
  const latest = store.latest();
  if (!latest) return undefined;
  const opened = await openCheckpoint(latest.jws, trusted);
  if ("checkpoint" in opened) return opened.checkpoint;
  log.warn({ checkpoint: latest.name, problem: opened.problem }, "Did not continue from the latest audit checkpoint");
  return undefined;
}

/** Whether the log from the previous checkpoint's event to `head` still holds together, in words if not. */
async function extensionProblem(db: Db, previous: Checkpoint, head: number): Promise<string | undefined> {
  if (head < previous.sequence) return `the log ends at event ${head}, before the checkpoint's ${previous.sequence}`;
  let expected = previous.sequence === 0 ? 1 : previous.sequence;
  let previousHash = previous.sequence === 0 ? GENESIS_HASH : undefined;
  for await (const event of auditEventsInOrder(db, { fromSequence: expected })) {
    if (event.sequence !== expected) return `event ${expected} is missing`;
    if (event.sequence === previous.sequence && event.hash !== previous.hash)
      return `event ${previous.sequence} no longer has the hash the checkpoint signed`;
    if (previousHash !== undefined && event.previousHash !== previousHash)
      return `event ${event.sequence} is not linked to event ${event.sequence - 1}`;
    if (auditEventHash(event) !== event.hash) return `event ${event.sequence} does not match its hash`;
    previousHash = event.hash;
    expected += 1;
  }
  return undefined;
}
