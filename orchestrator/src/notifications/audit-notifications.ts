import { eq } from "drizzle-orm";
import { deliveries, environments, exportRequests } from "../db/schema";
import type { NotificationKind } from "./notification-kinds";
import { recordNotification, type Writer } from "./record-notification";

/**
 * Which audit events people or systems are told of. Every action worth a notification is already an audit
 * event written in the action's own transaction, so the outbox row is written there too, from one place,
 * and no action can forget it.
 */
export function notificationKindOf(action: string, details: Record<string, unknown>): NotificationKind | undefined {
  switch (action) {
    case "export.submitted":
    case "export.resubmitted":
      return "export-submitted";
    case "export.decided":
      // An approval is released in the same transaction: its author hears of that (export.released).
      if (details.outcome === "changes_requested") return "export-returned";
      return details.outcome === "rejected" ? "export-decided" : undefined;
    case "export.released":
      return "export-released";
    case "delivery.staged":
      return "delivery-staged";
    case "delivery.rejected":
    case "delivery.failed":
      return "delivery-refused";
    case "environment.torn-down":
      return "environment-ended";
    default:
      return undefined;
  }
}

/** Writes the notification an audit event calls for, if any, in the event's transaction. */
export async function notifyOfAuditEvent(
  tx: Writer,
  event: { action: string; target: string; details?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  const kind = notificationKindOf(event.action, event.details ?? {});
  if (!kind) return;
  const [type, id = ""] = splitTarget(event.target);
  if (type === "export") {
    const [row] = await tx
      .select({ permitId: exportRequests.permitId, namespace: exportRequests.namespace })
      .from(exportRequests)
      .where(eq(exportRequests.id, id));
    if (row) await recordNotification(tx, kind, { ...row, exportId: id }, now);
  } else if (type === "delivery") {
    const [row] = await tx
      .select({ permitId: deliveries.permitId, namespace: deliveries.namespace })
      .from(deliveries)
      .where(eq(deliveries.id, id));
    if (row) await recordNotification(tx, kind, { ...row, deliveryId: id }, now);
  } else if (type === "environment") {
    const [row] = await tx
      .select({ permitId: environments.permitId })
      .from(environments)
      .where(eq(environments.namespace, id));
    if (row) await recordNotification(tx, kind, { permitId: row.permitId, namespace: id }, now);
  }
}

function splitTarget(target: string): [string, string?] {
  const colon = target.indexOf(":");
  return colon < 0 ? [target] : [target.slice(0, colon), target.slice(colon + 1)];
}
