import { desc } from "drizzle-orm";
import type { JWK } from "jose";
import type { Logger } from "pino";
import type { CheckpointStore } from "../audit/checkpoint-store";
import type { Db } from "../db/database";
import { activityBatches } from "../db/schema";
import type { SigningKey } from "../keys/signing-key";
import {
  batchDigest,
  EMPTY_RECORD_DIGEST,
  openActivityCheckpoint,
  signActivityCheckpoint,
  type ActivityCheckpoint,
} from "./activity-checkpoint";
import { ACTIVITY_GENESIS_HASH, activityBatchHash } from "./activity-hash";
import { activityBatchesInOrder } from "./activity-queries";

export interface ActivityCheckpointer {
  /** Signs the record's head now if it moved since the last checkpoint; answers with what was signed, if anything. */
  checkpoint(now?: Date): Promise<ActivityCheckpoint | undefined>;
  /** Stops the interval and signs one last checkpoint, so that a shutdown leaves nothing unvouched for. */
  stop(): Promise<void>;
}

/**
 * Signs the record of activities' head batch every `intervalMs` and at stop, and publishes it in `store`, as
 * the audit log's checkpointer does: only if the record still extends the previous checkpoint, so that a
 * checkpoint never vouches for history someone rewrote in between and the latest stands for all before it.
 */
export async function startActivityCheckpoints(options: {
  db: Db;
  key: SigningKey;
  /** The keys a previous checkpoint may be signed with (after a rotation, the retired ones); default `key`'s alone. */
  trusted?: JWK[];
  store: CheckpointStore;
  intervalMs: number;
  log: Pick<Logger, "info" | "error" | "warn">;
}): Promise<ActivityCheckpointer> {
  const { db, key, store, log } = options;
  let previous = await previousCheckpoint(store, options.trusted ?? [key.publicJwk], log);
  let running: Promise<ActivityCheckpoint | undefined> = Promise.resolve(undefined);

  const signHead = async (now: Date): Promise<ActivityCheckpoint | undefined> => {
    const [row] = await db.select().from(activityBatches).orderBy(desc(activityBatches.sequence)).limit(1);
    const sequence = row?.sequence ?? 0;
    if (previous && previous.sequence === sequence && previous.hash === (row?.hash ?? ACTIVITY_GENESIS_HASH))
      return undefined;
    const head = row ? await batchAt(db, sequence) : undefined;
    const problem = previous && (await extensionProblem(db, previous, sequence));
    if (problem) {
      log.error(
        { checkpoint: previous, problem },
        "Refused to sign an activity checkpoint: the record was tampered with",
      );
      return undefined;
    }
    const checkpoint: ActivityCheckpoint = {
      sequence,
      hash: row?.hash ?? ACTIVITY_GENESIS_HASH,
      batchDigest: head ? batchDigest(head) : EMPTY_RECORD_DIGEST,
      signedAt: now.toISOString(),
    };
    store.append(checkpoint, await signActivityCheckpoint(checkpoint, key));
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
    checkpoint().catch((err: unknown) => log.error({ err }, "Failed to sign an activity checkpoint"));
  }, options.intervalMs);
  timer.unref();
  return {
    checkpoint,
    async stop() {
      clearInterval(timer);
      await checkpoint().catch((err: unknown) => log.error({ err }, "Failed to sign the last activity checkpoint"));
    },
  };
}

async function batchAt(db: Db, sequence: number) {
  for await (const batch of activityBatchesInOrder(db, sequence)) return batch;
  return undefined;
}

/** The newest published checkpoint, if a trusted key signed it (the current one, or one it replaced). */
async function previousCheckpoint(
  store: CheckpointStore,
  trusted: JWK[],
  log: Pick<Logger, "warn">,
): Promise<ActivityCheckpoint | undefined> {
  const latest = store.latest();
  if (!latest) return undefined;
  const opened = await openActivityCheckpoint(latest.jws, trusted);
  if ("checkpoint" in opened) return opened.checkpoint;
  log.warn(
    { checkpoint: latest.name, problem: opened.problem },
    "Did not continue from the latest activity checkpoint",
  );
  return undefined;
}

/** Whether the record from the previous checkpoint's batch to `head` still holds together, in words if not. */
async function extensionProblem(db: Db, previous: ActivityCheckpoint, head: number): Promise<string | undefined> {
  if (head < previous.sequence) return `the record ends at batch ${head}, before the checkpoint's ${previous.sequence}`;
  let expected = previous.sequence === 0 ? 1 : previous.sequence;
  let previousHash = previous.sequence === 0 ? ACTIVITY_GENESIS_HASH : undefined;
  for await (const batch of activityBatchesInOrder(db, expected)) {
    if (batch.sequence !== expected) return `batch ${expected} is missing`;
    if (batch.sequence === previous.sequence && batch.hash !== previous.hash)
      return `batch ${previous.sequence} no longer has the hash the checkpoint signed`;
    if (previousHash !== undefined && batch.previousHash !== previousHash)
      return `batch ${batch.sequence} is not linked to batch ${batch.sequence - 1}`;
    if (activityBatchHash(batch) !== batch.hash) return `batch ${batch.sequence} does not match its hash`;
    previousHash = batch.hash;
    expected += 1;
  }
  return undefined;
}
