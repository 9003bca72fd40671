import type * as k8s from "@kubernetes/client-node";
import type { WatchCache } from "../kube/watch-cache";

// A new or changed ResourceQuota counts nothing until the quota controller has computed its usage: objects
// made before then are admitted uncounted, and counted only at the controller's next full resync (minutes
// later); objects it limits while their usage is missing from its status are refused ("status unknown for
// quota"). So the reconciler applies nothing the quota counts until the quota's usage is known, and waits
// for that instead of failing.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the quota controller has computed the usage of every resource in `hard` (the quota's spec). */
export function quotaUsageKnown(hard: Record<string, string>, status: k8s.V1ResourceQuotaStatus | undefined): boolean {
  return Object.entries(hard).every(([name, value]) => status?.hard?.[name] === value && name in (status.used ?? {}));
}

/**
 * How long the quota controller may take to compute a quota's usage before the environment reports it:
 * long enough for a burst of new environments, whose quotas it computes a few at a time.
 */
const QUOTA_USAGE_WAIT_MS = 60_000;

/**
 * Waits, reading the watch cache, until the quota's usage is known for the spec the API server answered our
 * apply with. Returns why not, if it does not become known in time (no quota controller runs).
 */
export async function untilQuotaUsageKnown(
  cache: WatchCache,
  applied: k8s.V1ResourceQuota,
): Promise<string | undefined> {
  const hard = applied.spec?.hard ?? {};
  const namespace = applied.metadata!.namespace!;
  const deadline = Date.now() + QUOTA_USAGE_WAIT_MS;
  let status = applied.status;
  while (!quotaUsageKnown(hard, status)) {
    if (Date.now() > deadline)
      return `the cluster computed no usage of its ResourceQuota ${applied.metadata?.name} within ${QUOTA_USAGE_WAIT_MS / 1000} s (does it run the ResourceQuota controller?)`;
    await sleep(20);
    const cached = cache.objectsIn(namespace).find((o) => o.kind === "ResourceQuota") as
      k8s.V1ResourceQuota | undefined;
    status = cached?.status ?? status;
  }
  return undefined;
}
