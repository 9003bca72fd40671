import type { KubernetesObject, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { COMPONENT_LABEL } from "../kube/owned-labels";
import { PERSON_LABEL } from "./desired/workload";

/** One volume teardown deletes, as the deletion certificate names it. */
export interface DeletedVolume {
  /** The claim's name in the namespace. */
  claim: string;
  /** What it held: the data, the project folder, a current person's home, or a departed person's kept one. */
  holds: "data" | "project" | "home" | "kept-home" | "other";
  /** Whose home it was (the permit's subject), when it is known. */
  person?: string;
  /** Its size: what the cluster gave it, or else what was asked for. */
  size: string;
}

/**
 * Every volume (claim) in the namespace when its deletion is asked for, with what it held and its size, for
 * the deletion certificate. `personOf` names the subject behind an opaque person id; `current` are the ids of
 * persons the permit names now, so that a departed person's kept home says so.
 */
export function deletedVolumes(
  objects: readonly KubernetesObject[],
  personOf: (id: string) => string | undefined,
  current: ReadonlySet<string>,
): DeletedVolume[] {
  return objects
    .filter((o): o is V1PersistentVolumeClaim => o.kind === "PersistentVolumeClaim")
    .map((c) => {
      const labels = c.metadata?.labels ?? {};
      const id = labels[PERSON_LABEL];
      const person = id === undefined ? undefined : personOf(id);
      const holds: DeletedVolume["holds"] =
        c.metadata?.name === "data"
          ? "data"
          : labels[COMPONENT_LABEL] === "project"
            ? "project"
            : labels[COMPONENT_LABEL] === "home" && id !== undefined
              ? current.has(id)
                ? "home"
                : "kept-home"
              : "other";
      const size = c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? "unknown";
      return { claim: c.metadata!.name!, holds, ...(person ? { person } : {}), size };
    })
    .sort((a, b) => a.claim.localeCompare(b.claim));
}
