import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF, PLATFORM_NAMESPACE } from "./names";

/**
 * The platform namespace, spe-system: the orchestrator, its Lease and the admission parameters. Pod
 * Security "restricted" is enforced here too — the orchestrator holds the keys to every environment, so
 * its own pods get no more room than a researcher's.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** Depend on this (not on the constant) so that nothing is created before the namespace exists. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:PlatformNamespace", name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: PLATFORM_NAMESPACE,
          labels: {
            ...PART_OF,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      { parent: this },
    );
    this.name = namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
