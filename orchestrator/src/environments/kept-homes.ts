import type { KubernetesObject, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { COMPONENT_LABEL } from "../kube/owned-labels";
import type { KeptHome, WorkspacePerson } from "./desired/environment-input";
import { PERSON_LABEL } from "./desired/workload";

/**
 * The homes of persons the permit no longer names: an amendment stops their workspace at once, but what they
 * saved is kept until teardown (an operator may delete it earlier). Read from the cluster, as they are.
 */
export function keptHomes(objects: readonly KubernetesObject[], persons: readonly WorkspacePerson[]): KeptHome[] {
  const current = new Set(persons.map((p) => p.id));
  return objects
    .filter((o): o is V1PersistentVolumeClaim => o.kind === "PersistentVolumeClaim")
    .filter(
      (c) => c.metadata?.labels?.[COMPONENT_LABEL] === "home" && !current.has(c.metadata.labels[PERSON_LABEL] ?? ""),
    )
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
