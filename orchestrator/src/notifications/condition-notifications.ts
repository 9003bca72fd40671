import type { Condition } from "../db/schema";
import type { NotificationKind } from "./notification-kinds";

/**
 * The Ready reasons that mean an environment is not progressing and needs an operator: "with problems" in the
 * operators' list. A reason added for stuck pods belongs here too.
 */
export const PROBLEM_REASONS: readonly string[] = ["ApplyFailed", "LoadFailed"];

const withProblems = (ready: Condition | undefined) =>
  !!ready && ready.status !== "True" && PROBLEM_REASONS.includes(ready.reason);

/**
 * What a change of an environment's conditions is worth telling: it became Ready (its researchers), or it
 * came to have problems (operators). Level changes only: the same state saved again tells nobody twice.
 */
export function conditionNotifications(before: readonly Condition[], after: readonly Condition[]): NotificationKind[] {
  const [was, is] = [before.find((c) => c.type === "Ready"), after.find((c) => c.type === "Ready")];
  const kinds: NotificationKind[] = [];
  if (is?.status === "True" && was?.status !== "True") kinds.push("environment-ready");
  if (withProblems(is) && !withProblems(was)) kinds.push("environment-stuck");
  return kinds;
}
