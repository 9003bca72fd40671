import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/database";
import { idempotencyKeys } from "../db/schema";
import type { ApiErrorCode } from "./error-codes";

/** How long a key and its answer are kept: a client retries within minutes, a day is ample. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * A claim still unanswered after this long belongs to a request whose process ended mid-way (a crash or a
 * restart): its domain transaction rolled back or committed without the answer being kept. Either way
 * the client must be able to retry, so such a claim is taken over. An hour outlasts the slowest upload.
 */
export const IDEMPOTENCY_ABANDONED_MS = 3_600_000;

/** Visible ASCII, long enough that a random key does not collide by chance (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

/** An answer as it is sent: kept for the key when it is a success, replayed to a retry. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotentRequest {
  /** Who is retrying: the OAuth client, or for a permit push the verified issuer. */
  clientId: string;
  key: string;
  /** `POST /api/v1/deliveries`: the same key on another operation is a misuse. */
  operation: string;
  /** SHA-256 of the request body: the same key with another body is a misuse. */
  requestSha256: string;
}

/** A retry that cannot be answered from the stored answer; the code says why. */
export class IdempotencyError extends Error {
  constructor(
    readonly code: Extract<ApiErrorCode, "IDEMPOTENCY_IN_PROGRESS" | "IDEMPOTENCY_KEY_REUSED">,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Runs `handle` at most once per (client, key): the first request claims the key with an empty row before
 * it does anything, so a concurrent retry finds the claim and is told to wait (IDEMPOTENCY_IN_PROGRESS),
 * and a later retry gets the stored answer without anything happening twice. Only successes are kept: a
 * refused request created nothing, so its key is released and the same request may be sent again once
 * the cause is fixed. Keys older than a day count as unused and are removed lazily: here, at most once a minute.
 */
export async function runIdempotently(
  db: Db,
  request: IdempotentRequest,
  handle: () => Promise<StoredAnswer>,
  now: () => Date = () => new Date(),
): Promise<StoredAnswer & { replayed: boolean }> {
  const cutoff = new Date(now().getTime() - IDEMPOTENCY_TTL_MS);
  const abandoned = new Date(now().getTime() - IDEMPOTENCY_ABANDONED_MS);
  await sweepExpired(db, now());
  // A claim released between our insert and our read (the first request failed), or expired, is claimed again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db
      .insert(idempotencyKeys)
      .values({
        clientId: request.clientId,
        key: request.key,
        operation: request.operation,
        requestSha256: request.requestSha256,
        status: null,
        response: null,
        createdAt: now(),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length > 0) return { ...(await handleClaimed(db, request, handle)), replayed: false };
    const [held] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.clientId, request.clientId), eq(idempotencyKeys.key, request.key)));
    if (!held) continue;
    if (held.createdAt < cutoff) {
      await db
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.clientId, request.clientId),
            eq(idempotencyKeys.key, request.key),
            lt(idempotencyKeys.createdAt, cutoff),
          ),
        );
      continue;
    }
    if (held.operation !== request.operation || held.requestSha256 !== request.requestSha256)
      throw new IdempotencyError(
        "IDEMPOTENCY_KEY_REUSED",
        `Idempotency-Key "${request.key}" was used for ${held.operation === request.operation ? "a different body" : held.operation} within the last 24 hours. Use a new key for a new request; reuse a key only to retry the same request.`,
      );
    if (held.status === null && held.createdAt < abandoned) {
      // Only this very claim: a concurrent retry that took it over first has a newer one.
      await db
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.clientId, request.clientId),
            eq(idempotencyKeys.key, request.key),
            isNull(idempotencyKeys.status),
            eq(idempotencyKeys.createdAt, held.createdAt),
          ),
        );
      continue;
    }
    if (held.status === null)
      throw new IdempotencyError(
        "IDEMPOTENCY_IN_PROGRESS",
        `A request with Idempotency-Key "${request.key}" is still being handled. Retry in a moment with the same key to get its answer.`,
      );
    return { status: held.status, body: held.response, replayed: true };
  }
  throw new IdempotencyError(
    "IDEMPOTENCY_IN_PROGRESS",
    `Requests with Idempotency-Key "${request.key}" keep failing and retrying at the same time. Retry in a moment.`,
  );
}

/** When each database's expired keys were last removed: once a minute is enough, and saves a statement per request. */
const lastSweep = new WeakMap<Db, number>();
const SWEEP_INTERVAL_MS = 60_000;

async function sweepExpired(db: Db, now: Date): Promise<void> {
  const last = lastSweep.get(db);
  if (last !== undefined && Math.abs(now.getTime() - last) < SWEEP_INTERVAL_MS) return;
  lastSweep.set(db, now.getTime());
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)));
}

async function handleClaimed(
  db: Db,
  request: IdempotentRequest,
  handle: () => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  const mine = and(
    eq(idempotencyKeys.clientId, request.clientId),
    eq(idempotencyKeys.key, request.key),
    isNull(idempotencyKeys.status),
  );
  let answer: StoredAnswer;
  try {
    answer = await handle();
  } catch (err) {
    await db.delete(idempotencyKeys).where(mine);
    throw err;
  }
  if (answer.status >= 200 && answer.status < 300)
    await db.update(idempotencyKeys).set({ status: answer.status, response: answer.body }).where(mine);
  else await db.delete(idempotencyKeys).where(mine);
  return answer;
}
