import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF, PLATFORM_NAMESPACE, SERVICE_ACCOUNT } from "./names";
import { orchestratorRoles, type PolicyObject } from "./policy-files";

type Rules = k8s.types.input.rbac.v1.PolicyRule[];

export interface OrchestratorAccessArgs {
  namespace: pulumi.Input<string>;
}

/**
 * The orchestrator's identity and rights: a ServiceAccount, the least-privilege ClusterRole and the
 * leader-election Role exactly as policies/rbac/orchestrator.yaml states them (read when the program runs,
 * so the rights a cluster gets are the ones the RBAC tests derive from the code), and their bindings.
 */
export class OrchestratorAccess extends pulumi.ComponentResource {
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: OrchestratorAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:OrchestratorAccess", name, {}, opts);
    const { clusterRole, leaseRole } = orchestratorRoles();
    if (leaseRole.metadata.namespace !== PLATFORM_NAMESPACE)
      throw new Error(
        `policies/rbac/orchestrator.yaml: the Role ${leaseRole.metadata.name} must be in ${PLATFORM_NAMESPACE}, where the orchestrator's Lease is`,
      );
    const child = { parent: this };

    // The token is not mounted by default; the orchestrator's pod asks for it explicitly, nothing else gets it.
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      {
        metadata: { name: SERVICE_ACCOUNT, namespace: args.namespace, labels: { ...PART_OF } },
        automountServiceAccountToken: false,
      },
      child,
    );
    const subjects = [
      { kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: serviceAccount.metadata.namespace },
    ];

    const role = new k8s.rbac.v1.ClusterRole(
      name,
      { metadata: fileMetadata(clusterRole), rules: rulesOf(clusterRole) },
      child,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      name,
      {
        metadata: { name: clusterRole.metadata.name, labels: { ...PART_OF } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects,
      },
      child,
    );

    const lease = new k8s.rbac.v1.Role(
      `${name}-leader-election`,
      { metadata: { ...fileMetadata(leaseRole), namespace: args.namespace }, rules: rulesOf(leaseRole) },
      child,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-leader-election`,
      {
        metadata: { name: leaseRole.metadata.name, namespace: args.namespace, labels: { ...PART_OF } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: lease.metadata.name },
        subjects,
      },
      child,
    );

    this.serviceAccountName = serviceAccount.metadata.name;
    this.registerOutputs({ serviceAccountName: this.serviceAccountName });
  }
}

const fileMetadata = (o: PolicyObject) => ({ name: o.metadata.name, labels: { ...PART_OF, ...o.metadata.labels } });
const rulesOf = (o: PolicyObject) => (o as PolicyObject & { rules: Rules }).rules;
