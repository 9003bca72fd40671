import type { KubernetesObject } from "@kubernetes/client-node";

/** client-node's models prefix field names that are reserved words (`_from`, `_default`); watch events do not. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k.startsWith("_") ? k.slice(1) : k, normalise(v)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return value;
}

type Status = Record<string, unknown> & { conditions?: { type: string; status: string }[] };

/**
 * The status fields whose change means work for the reconciler (they feed its conditions, or let it go on):
 * a Deployment whose pods the cluster refused to make (ReplicaFailure), and a quota whose usage the cluster
 * has computed for its spec (which resources it counts, not how much of each is used).
 */
function statusThatMatters(object: KubernetesObject & { status?: Status }): unknown {
  const { status } = object;
  // A field absent is the same as its zero: a new object's first status (a Deployment's first conditions, none
  // of them a failure) is no change, and would otherwise bring every new environment back once more.
  if (object.kind === "Job") return { succeeded: status?.succeeded ?? 0, failed: status?.failed ?? 0 };
  if (object.kind === "Deployment")
    return {
      availableReplicas: status?.availableReplicas ?? 0,
      replicaFailure: status?.conditions?.some((c) => c.type === "ReplicaFailure" && c.status === "True") ?? false,
    };
  if (object.kind === "ResourceQuota")
    return { hard: status?.hard, counted: Object.keys((status?.used as object | undefined) ?? {}).sort() };
  return undefined;
}

/**
 * What we care about in an object we own: labels, annotations, spec (and a few other top-level fields) and
 * the status fields that feed conditions. Finalizers, managedFields and resourceVersion do not count, so a
 * controller adding a finalizer does not look like drift.
 */
export function fingerprint(object: KubernetesObject & { spec?: unknown; status?: Status }): string {
  const { labels } = object.metadata ?? {};
  // Controllers annotate what they manage (a Deployment's revision, say); only our own annotations count.
  const annotations = Object.fromEntries(
    Object.entries(object.metadata?.annotations ?? {}).filter(([k]) => k.startsWith("spe.ehds.eu/")),
  );
  const rest = object as Record<string, unknown>;
  return JSON.stringify(
    normalise({
      labels,
      annotations,
      spec: object.spec,
      automountServiceAccountToken: rest.automountServiceAccountToken,
      status: statusThatMatters(object),
    }),
  );
}
