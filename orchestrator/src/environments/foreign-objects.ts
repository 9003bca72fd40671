import type * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";
import { recordAuditEvent } from "../audit/append-audit-event";
import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { deleteObject, describeKubeError } from "../kube/apply";
import { FIELD_MANAGER } from "../kube/owned-labels";

const describe = (o: k8s.KubernetesObject) => `${o.kind}/${o.metadata?.name}`;

/**
 * The objects to delete among those we did not make: each one's dependants (a Deployment's ReplicaSets and
 * their pods) go with it, so only those whose controller is not itself among them. An owner reference to
 * one of our objects does not shelter anything: it is not a dependant of ours unless it carries our label.
 */
export function foreignRoots(foreign: readonly k8s.KubernetesObject[]): k8s.KubernetesObject[] {
  const uids = new Set(foreign.map((o) => o.metadata?.uid));
  return foreign.filter((o) => !o.metadata?.ownerReferences?.some((r) => r.controller && uids.has(r.uid)));
}

export interface ForeignRemovalDeps {
  db: Db;
  client: k8s.KubernetesObjectApi;
  log: Logger;
}

/**
 * Removes from an environment what someone other than the orchestrator made there, and says so: a warning in
 * the log, a Kubernetes Event in the namespace (operators see them beside the conditions) and an audit event
 * naming every object, its creation time and its owner. Admission refuses most such objects; this catches
 * what it admits (a compliant Deployment from someone with rights in the namespace), what a break-glass
 * administrator left, and what was there before the policies were. Returns what it removed.
 */
export async function removeForeignObjects(
  deps: ForeignRemovalDeps,
  namespace: string,
  foreign: readonly k8s.KubernetesObject[],
  now: Date,
): Promise<string[]> {
  const roots = foreignRoots(foreign);
  if (roots.length === 0) return [];
  for (const o of roots) await deleteObject(deps.client, o);
  const removed = roots.map(describe).sort();
  deps.log.warn({ ns: namespace, objects: removed }, "Removed objects the orchestrator did not make");
  await recordAuditEvent(
    deps.db,
    {
      actor: SYSTEM_ACTOR,
      action: "environment.foreign-objects-removed",
      target: `environment:${namespace}`,
      details: {
        objects: roots.map((o) => ({
          object: describe(o),
          created: o.metadata?.creationTimestamp,
          uid: o.metadata?.uid,
        })),
      },
    },
    now,
  );
  await reportInNamespace(deps, namespace, removed, now);
  return removed;
}

/** A Warning Event on the namespace; failing to write it does not undo the removal, so it is only logged. */
async function reportInNamespace(deps: ForeignRemovalDeps, namespace: string, removed: string[], now: Date) {
  const event: k8s.CoreV1Event = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: "spe-foreign-objects-", namespace },
    involvedObject: { apiVersion: "v1", kind: "Namespace", name: namespace, namespace },
    reason: "ForeignObjectsRemoved",
    message: `Removed what the SPE orchestrator did not make: ${removed.join(", ")}.`,
    type: "Warning",
    source: { component: FIELD_MANAGER },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
  await deps.client.create(event).catch((err: unknown) => {
    deps.log.warn({ ns: namespace, err: describeKubeError(err) }, "Failed to record Event of removed objects");
  });
}
