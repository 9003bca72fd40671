import { and, desc, eq, gt, or } from "drizzle-orm";
import type { Db } from "../db/database";
import { notificationDeliveries, notifications } from "../db/schema";

/**
 * Deliveries that have failed at least once, given up or still being retried, newest first: what operators
 * look at when someone says they were not told. The e-mail address or webhook name, never the message.
 */
export function undeliveredNotifications(db: Db, limit = 100) {
  return db
    .select({
      id: notificationDeliveries.id,
      kind: notifications.kind,
      permitId: notifications.about,
      channel: notificationDeliveries.channel,
      recipient: notificationDeliveries.recipient,
      state: notificationDeliveries.state,
      attempts: notificationDeliveries.attempts,
      lastError: notificationDeliveries.lastError,
      nextAttemptAt: notificationDeliveries.nextAttemptAt,
      createdAt: notificationDeliveries.createdAt,
    })
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .where(
      or(
        eq(notificationDeliveries.state, "failed"),
        and(eq(notificationDeliveries.state, "pending"), gt(notificationDeliveries.attempts, 0)),
      ),
    )
    .orderBy(desc(notificationDeliveries.createdAt))
    .limit(limit)
    .then((rows) =>
      rows.map(({ permitId: about, ...r }) => ({
        ...r,
        permitId: about.permitId,
        // A given-up delivery has no next attempt.
        nextAttemptAt: r.state === "failed" ? null : r.nextAttemptAt.toISOString(),
        createdAt: r.createdAt.toISOString(),
      })),
    );
}
