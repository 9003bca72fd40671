import type * as k8s from "@kubernetes/client-node";
import { FIELD_MANAGER } from "../kube/owned-labels";

// A new or changed ResourceQuota counts nothing until the quota controller has computed its usage: objects
// made before then are admitted uncounted, and counted only at the controller's next full resync (minutes
// later); objects it limits while their usage is missing from its status are refused ("status unknown for
// quota"). So the reconciler applies nothing the quota counts until the quota's usage is known. It does not
// wait for that in a worker, which would hold up other environments: it records that it is waiting and is
// queued again when the quota's status changes (the watch cache sees it) or the wait lasts too long.

/** Whether the quota controller has computed the usage of every resource in `hard` (the quota's spec). */
export function quotaUsageKnown(hard: Record<string, string>, status: k8s.V1ResourceQuotaStatus | undefined): boolean {
  return Object.entries(hard).every(([name, value]) => status?.hard?.[name] === value && name in (status.used ?? {}));
}

/**
 * Since when the quota, as the API server answered our apply, has been waiting for its usage: since our last
 * change to it (our field manager's time), or since it was made. Undefined when its usage is known.
 */
export function quotaUncountedSince(applied: k8s.V1ResourceQuota, now: Date): Date | undefined {
  if (quotaUsageKnown(applied.spec?.hard ?? {}, applied.status)) return undefined;
  const ours = applied.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER && f.operation === "Apply");
  const since = ours?.time ?? applied.metadata?.creationTimestamp;
  return since === undefined ? now : new Date(since);
}
