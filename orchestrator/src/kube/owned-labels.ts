// What marks an object as ours: apply writes as our field manager, prune and the watch cache select by these
// labels, and the desired-state builders put them on everything they make. They live beside apply and watch
// so that this port to the API server imports nothing from the domain above it.

/** The field manager of every server-side apply we make, and the label that marks what we own. */
export const FIELD_MANAGER = "spe-orchestrator";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": FIELD_MANAGER } as const;
/** Carries the namespace name on every object we make, so that a watch event leads back to its environment. */
export const ENVIRONMENT_LABEL = "spe.ehds.eu/environment";
/** Permit ids may exceed a label value's 63 characters: the full id is an annotation. */
export const PERMIT_ANNOTATION = "spe.ehds.eu/permit-id";
export const COMPONENT_LABEL = "app.kubernetes.io/component";

export function ownedLabels(namespace: string, component?: string): Record<string, string> {
  return { ...MANAGED_BY, [ENVIRONMENT_LABEL]: namespace, ...(component ? { [COMPONENT_LABEL]: component } : {}) };
}

export const managedSelector = `app.kubernetes.io/managed-by=${FIELD_MANAGER}`;
/** Objects without our managed-by label (a missing label counts as different). */
export const foreignSelector = `app.kubernetes.io/managed-by!=${FIELD_MANAGER}`;
