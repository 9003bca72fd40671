import type { KubernetesObject } from "@kubernetes/client-node";

/**
 * Whether an environment was made before each person had a workspace of their own: it has the one shared
 * claim `home` of that version (each person's home now is `home-<id>`). That claim is kept, and becomes the
 * project folder, so that the first reconcile after the upgrade prunes nothing anyone saved.
 */
export function legacyHome(objects: readonly KubernetesObject[]): boolean {
  return objects.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata?.name === "home");
}
