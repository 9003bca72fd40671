import { randomUUID } from "node:crypto";
import type { Db } from "../db/database";
import { notifications } from "../db/schema";
import type { NotificationAbout, NotificationKind } from "./notification-kinds";

/** A transaction handle, or the database itself for a notification that stands alone (a sweep's). */
export type Writer = Pick<Db, "insert" | "select" | "update" | "execute">;

/**
 * Writes a notification into the outbox: in the transaction of the action it is about, so that it exists
 * exactly when the action does, and nothing is sent from inside it. A `dedupeKey` already written makes it
 * a no-op (a sweep that finds the same permit ending again). Returns whether it was written: what a sweep
 * does once, with its notification, it does only then.
 */
export async function recordNotification(
  tx: Writer,
  kind: NotificationKind,
  about: NotificationAbout,
  now: Date,
  dedupeKey?: string,
): Promise<boolean> {
  const written = await tx
    .insert(notifications)
    .values({ id: randomUUID(), kind, about, dedupeKey: dedupeKey ?? null, createdAt: now })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return written.length > 0;
}
