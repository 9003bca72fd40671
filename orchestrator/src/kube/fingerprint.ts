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

/** The status fields whose change means work for the reconciler (they feed its conditions). */
function statusThatMatters(object: KubernetesObject & { status?: Record<string, unknown> }): unknown {
  if (object.kind === "Job") return { succeeded: object.status?.succeeded, failed: object.status?.failed };
  if (object.kind === "Deployment") return { availableReplicas: object.status?.availableReplicas };
  return undefined;
}

/**
 * What we care about in an object we own: labels, annotations, spec (and a few other top-level fields) and
 * the status fields that feed conditions. Finalizers, managedFields and resourceVersion do not count, so a
 * controller adding a finalizer does not look like drift.
 */
export function fingerprint(object: KubernetesObject & { spec?: unknown; status?: Record<string, unknown> }): string {
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
