import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ORCHESTRATOR_USERNAME, PART_OF } from "./names";
import { admissionPolicyObjects, type PolicyObject } from "./policy-files";
import type { StackConfig } from "./stack-config";

type PolicySpec = k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec;
type BindingSpec = k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec;

export interface AdmissionPoliciesArgs {
  namespace: pulumi.Input<string>;
  imageRegistry: string;
  admission: StackConfig["admission"];
}

/**
 * Every ValidatingAdmissionPolicy and binding in policies/admission/, as the files state them, and their
 * parameters ConfigMap — the one thing that differs per installation — filled from the stack config. The
 * orchestrator's user name is not configurable: it is the ServiceAccount this program makes.
 */
export class AdmissionPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:AdmissionPolicies", name, {}, opts);
    const { policies, bindings, parameters } = admissionPolicyObjects();
    const child = { parent: this };

    const parameterValues: Record<string, string> = {
      orchestratorUsername: ORCHESTRATOR_USERNAME,
      breakGlassGroups: args.admission.breakGlassGroups.join(","),
      // The trailing slash stops "registry/spe-evil/…" from passing a prefix check for "registry/spe".
      imageRegistryPrefix: `${args.imageRegistry}/`,
      egressAllowedCIDRs: args.admission.egressAllowedCidrs.join(","),
    };
    const fileKeys = Object.keys((parameters as PolicyObject & { data?: Record<string, string> }).data ?? {}).sort();
    if (fileKeys.join() !== Object.keys(parameterValues).sort().join())
      throw new Error(
        `policies/admission/parameters.yaml has the keys ${fileKeys.join(", ")}; infra/pulumi/admission-policies.ts fills ${Object.keys(parameterValues).join(", ")}. Teach the program the new parameter.`,
      );
    const parameterMap = new k8s.core.v1.ConfigMap(
      `${name}-parameters`,
      {
        metadata: {
          name: parameters.metadata.name,
          namespace: args.namespace,
          labels: { ...PART_OF, ...parameters.metadata.labels },
        },
        data: parameterValues,
      },
      child,
    );

    const byName = new Map<string, k8s.admissionregistration.v1.ValidatingAdmissionPolicy>();
    for (const policy of policies) {
      const resource = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        policy.metadata.name,
        { metadata: metadataOf(policy), spec: specOf<PolicySpec>(policy) },
        child,
      );
      byName.set(policy.metadata.name, resource);
    }
    for (const binding of bindings) {
      const spec = specOf<BindingSpec>(binding);
      const policy = byName.get(String(spec.policyName));
      if (!policy)
        throw new Error(
          `policies/admission/: binding ${binding.metadata.name} names policy ${String(spec.policyName)}, which no file defines`,
        );
      // A binding before its policy or parameters would refuse everything it matches until they arrive.
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        binding.metadata.name,
        { metadata: metadataOf(binding), spec },
        { ...child, dependsOn: [policy, parameterMap] },
      );
    }
    this.registerOutputs({});
  }
}

const metadataOf = (o: PolicyObject) => ({ name: o.metadata.name, labels: { ...PART_OF, ...o.metadata.labels } });
const specOf = <T>(o: PolicyObject) => o.spec as T;
