import { and, eq, gt, lte, ne } from "drizzle-orm";
import type { Db } from "../db/database";
import { environments, permits } from "../db/schema";
import { recordNotification } from "./record-notification";

const DAY_MS = 86_400_000;
/** Researchers are told when their permit has this many days left, then this many. */
export const ENDING_NOTICE_DAYS = [30, 7] as const;

/**
 * Finds the permits whose end is within 30 or 7 days and writes an `environment-ending` notification for
 * each once per threshold and end date (an amendment that moves the end tells again). Run by the sender at an
 * interval, on any replica: the dedupe key keeps a second run, or a second replica, from writing it twice.
 */
export async function recordEndingPermits(db: Db, now: Date): Promise<void> {
  const horizon = new Date(now.getTime() + Math.max(...ENDING_NOTICE_DAYS) * DAY_MS);
  const ending = await db
    .select({ permitId: permits.permitId, namespace: environments.namespace, validUntil: permits.validUntil })
    .from(permits)
    .innerJoin(environments, eq(environments.permitId, permits.permitId))
    .where(
      and(
        eq(permits.status, "granted"),
        ne(environments.desiredState, "torn-down"),
        gt(permits.validUntil, now),
        lte(permits.validUntil, horizon),
      ),
    );
  for (const { permitId, namespace, validUntil } of ending) {
    const left = validUntil.getTime() - now.getTime();
    // The nearest threshold only: a permit granted with five days left is told once, not twice.
    const threshold = Math.min(...ENDING_NOTICE_DAYS.filter((d) => left <= d * DAY_MS));
    const days = Math.ceil(left / DAY_MS);
    await recordNotification(
      db,
      "environment-ending",
      { permitId, namespace, days },
      now,
      `ending-${threshold}:${permitId}:${validUntil.toISOString()}`,
    );
  }
}
