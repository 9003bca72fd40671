import type { Condition } from "../db/schema";
import { condition, isStuckReason } from "./condition-sentences";

export const CONDITION_TYPES = ["Provisioned", "NetworkIsolated", "DataStaged", "WorkspaceReady", "Ready"] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export type ObservedCondition = Omit<Condition, "lastTransitionTime" | "observedGeneration"> & { type: ConditionType };

/**
 * The new condition list: lastTransitionTime moves only when a condition's status flips, so people can see
 * since when something has been the way it is. Order follows CONDITION_TYPES.
 */
export function mergeConditions(
  previous: readonly Condition[],
  observed: readonly ObservedCondition[],
  generation: number,
  now: Date,
): Condition[] {
  return CONDITION_TYPES.flatMap((type) => {
    const next = observed.find((c) => c.type === type);
    if (!next) return [];
    const before = previous.find((c) => c.type === type);
    const lastTransitionTime = before && before.status === next.status ? before.lastTransitionTime : now.toISOString();
    return [{ ...next, observedGeneration: generation, lastTransitionTime }];
  });
}

/**
 * Ready is the conjunction of the others; its reason names the first that is stuck, or else the first that is
 * not True: one stuck condition makes the environment stuck whatever else it is waiting for.
 */
export function withReady(conditions: ObservedCondition[]): ObservedCondition[] {
  const blocking =
    conditions.find((c) => c.status !== "True" && isStuckReason(c.reason)) ??
    conditions.find((c) => c.status !== "True");
  const ready: ObservedCondition = blocking
    ? { ...blocking, type: "Ready", status: "False", message: `${blocking.type}: ${blocking.message}` }
    : condition("Ready", "True", "EnvironmentReady");
  return [...conditions, ready];
}
