import type { Condition } from "../db/schema";
import { isStuckReason } from "../environments/condition-sentences";
import type { NotificationKind } from "./notification-kinds";

// Stuck is the Ready reasons of STUCK_REASONS: "with problems" in the operators' list.
const stuck = (ready: Condition | undefined) => !!ready && ready.status !== "True" && isStuckReason(ready.reason);

/**
 * What a change of an environment's conditions is worth telling: it became Ready (its researchers), or it
 * became stuck (operators). Level changes only: the same state saved again, or one stuck reason giving way to
 * another, tells nobody twice.
 */
export function conditionNotifications(before: readonly Condition[], after: readonly Condition[]): NotificationKind[] {
  const [was, is] = [before.find((c) => c.type === "Ready"), after.find((c) => c.type === "Ready")];
  const kinds: NotificationKind[] = [];
  if (is?.status === "True" && was?.status !== "True") kinds.push("environment-ready");
  if (stuck(is) && !stuck(was)) kinds.push("environment-stuck");
  return kinds;
}
