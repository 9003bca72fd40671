import type { V1Namespace } from "@kubernetes/client-node";
import type { EnvironmentInput } from "./environment-input";
import { ownedLabels, PERMIT_ANNOTATION } from "../../kube/owned-labels";

export function namespaceObject({ namespace, permit }: Pick<EnvironmentInput, "namespace" | "permit">): V1Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...ownedLabels(namespace),
        // The API server itself refuses pods that break the restricted profile.
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
      annotations: { [PERMIT_ANNOTATION]: permit.permitId, "spe.ehds.eu/permit-valid-until": permit.validUntil },
    },
  };
}
