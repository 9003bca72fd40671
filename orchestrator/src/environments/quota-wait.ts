import type * as k8s from "@kubernetes/client-node";
import { fingerprint } from "../kube/fingerprint";
import { objectKey } from "../kube/managed-kinds";
import { quotaUsageKnown } from "./quota-usage";

// A reconcile that stops to wait for its quota's usage (quota-usage.ts) has applied the waves up to the quota,
// and they need no second apply when the quota's status change brings it back: in a burst of new environments
// that second apply of every namespace, policy and quota was a third of all requests. So the reconciler keeps,
// per waiting namespace, what it sent and what the API server answered, and goes on from the next wave only if
// it would send the same objects again and none of them changed since. A change is what the watch shows: an
// object the cache has otherwise than answered, or one whose deletion it has seen. One the cache has not seen
// yet (its watch lags behind the quota's) is as answered: any later change or deletion of it is a watch event
// that queues the environment for a full apply, as for every other object.

export interface QuotaWait {
  /** How many waves were applied before the wait. */
  waves: number;
  /** Those waves as sent. */
  sent: string;
  /** Their objects as the API server answered the apply, by key. */
  answered: Map<string, k8s.KubernetesObject>;
  /** Since when the quota's usage has been awaited. */
  since: Date;
}

/** The cluster writes the status; whether the quota's counts, which is all that matters of it here, is read apart. */
const withoutStatus = (object: k8s.KubernetesObject) => fingerprint({ ...object, status: undefined } as never);

/** Remembers the waves applied before a wait for the quota's usage, with the API server's answers to them. */
export function quotaWait(waves: k8s.KubernetesObject[][], answers: k8s.KubernetesObject[], since: Date): QuotaWait {
  return {
    waves: waves.length,
    sent: JSON.stringify(waves),
    answered: new Map(answers.map((o) => [objectKey(o), o])),
    since,
  };
}

export interface Resumed {
  /** How many waves need no apply. */
  waves: number;
  /** Their objects as the watch cache has them now (as answered, where it has not seen them yet). */
  applied: k8s.KubernetesObject[];
  /** Since when the quota's usage has been awaited, if it still is. */
  uncountedSince?: Date;
}

/**
 * Where a reconcile after a wait for the quota's usage may go on from, or undefined if it has to apply every
 * wave: nothing was awaited, the objects wanted changed, or the watch shows one of them changed or deleted.
 * `seen` holds the keys of the objects whose deletion the watch has not reported since our last apply.
 */
export function resumeAfterQuotaWait(
  wait: QuotaWait | undefined,
  waves: k8s.KubernetesObject[][],
  cached: k8s.KubernetesObject[],
  seen: { has(key: string): boolean },
): Resumed | undefined {
  if (!wait || JSON.stringify(waves.slice(0, wait.waves)) !== wait.sent) return undefined;
  const byKey = new Map(cached.map((o) => [objectKey(o), o]));
  const applied: k8s.KubernetesObject[] = [];
  for (const object of waves.slice(0, wait.waves).flat()) {
    const key = objectKey(object);
    const answered = wait.answered.get(key);
    const current = byKey.get(key);
    if (!answered || !seen.has(key)) return undefined;
    if (current && withoutStatus(current) !== withoutStatus(answered)) return undefined;
    applied.push(current ?? answered);
  }
  const quota = applied.find((o): o is k8s.V1ResourceQuota => o.kind === "ResourceQuota");
  if (!quota) return undefined;
  return {
    waves: wait.waves,
    applied,
    uncountedSince: quotaUsageKnown(quota.spec?.hard ?? {}, quota.status) ? undefined : wait.since,
  };
}
