import type { KubernetesObject, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { COMPONENT_LABEL } from "../kube/owned-labels";
import type { KeptHome, WorkspacePerson } from "./desired/environment-input";
import { PERSON_LABEL } from "./desired/workload";

/** An operator's deletion of a departed person's home, by the person's opaque id (workspace-persons.ts). */
export interface DeletedHome {
  id: string;
  requestedAt: string;
}

/**
 * The homes of persons the permit no longer names: an amendment stops their workspace at once, but what they
 * saved is kept until teardown. Read from the cluster, as they are. A home an operator deleted is not kept,
 * so it is pruned: the one the person had when the operator asked, made before then; a home made later
 * (the person named again since) is another home, which no one has asked to delete.
 */
export function keptHomes(
  objects: readonly KubernetesObject[],
  persons: readonly WorkspacePerson[],
  deleted: readonly DeletedHome[] = [],
): KeptHome[] {
  const current = new Set(persons.map((p) => p.id));
  const deletedBefore = new Map(deleted.map((d) => [d.id, new Date(d.requestedAt).getTime()]));
  const madeAt = (c: V1PersistentVolumeClaim) => new Date(c.metadata?.creationTimestamp ?? 0).getTime();
  return objects
    .filter((o): o is V1PersistentVolumeClaim => o.kind === "PersistentVolumeClaim")
    .filter((c) => {
      const person = c.metadata?.labels?.[PERSON_LABEL] ?? "";
      if (c.metadata?.labels?.[COMPONENT_LABEL] !== "home" || current.has(person)) return false;
      const asked = deletedBefore.get(person);
      return asked === undefined || madeAt(c) > asked;
    })
    .map((c) => ({ name: c.metadata!.name!, storage: c.spec?.resources?.requests?.storage ?? "0Mi" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The size each claim of the environment has now, by name (EnvironmentInput.claimSizes). */
export function claimSizes(objects: readonly KubernetesObject[]): Record<string, string> {
  return Object.fromEntries(
    objects
      .filter((o): o is V1PersistentVolumeClaim => o.kind === "PersistentVolumeClaim")
      .flatMap((c) => {
        const size = c.spec?.resources?.requests?.storage;
        return size ? [[c.metadata!.name!, size]] : [];
      }),
  );
}
