import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AIRLOCK_AGENT_PORT,
  ENVIRONMENT_LABEL,
  ORCHESTRATOR_POD_LABELS,
  ORCHESTRATOR_PORT,
  PART_OF,
  STAGING_PORT,
  WORKSPACE_PORT,
  COMPONENT_LABEL,
} from "./names";
import type { StackConfig } from "./stack-config";
import { notificationsEgress } from "./notifications";
import { packageMirrorEgress, packageMirrorIngress } from "./package-mirror";
import { stagingEgress } from "./staging-store";

export interface PlatformNetworkPoliciesArgs {
  namespace: pulumi.Input<string>;
  network: StackConfig["network"];
  /** An S3 staging store's bucket is one more destination. */
  staging?: StackConfig["staging"];
  /** The metrics port, open to the scrapers' namespace alone. */
  metrics?: StackConfig["metrics"];
  /** The SMTP server and the webhooks: more destinations, each by its addresses. */
  notifications?: StackConfig["notifications"];
  /** The package mirror: its port open to environments' workspaces, and the index it asks one more destination. */
  packageMirror?: StackConfig["packageMirror"];
}

type Destination = StackConfig["network"]["apiServer"];
const toAddresses = ({ cidrs, port }: Destination) => ({
  to: cidrs.map((cidr) => ({ ipBlock: { cidr } })),
  ports: [{ protocol: "TCP", port }],
});

/**
 * The platform namespace's own isolation: deny everything both ways, then open only what the orchestrator
 * needs. In: its HTTP port (people through the ingress), its staging port from environments' data loaders
 * alone (they fetch staged extracts there) and, if configured, its metrics port from the scrapers' namespace
 * alone and its package mirror port from environments' workspaces alone. Out: DNS, the Kubernetes API server,
 * PostgreSQL, the OpenID Provider, an S3 staging bucket if there is one, the SMTP server and the webhooks the
 * stack names for notifications, the package mirror's upstream index if there is a mirror, and, inside
 * environment namespaces, the workspace port (the gateway proxies researchers there) and the airlock agent's
 * port (exports are copied from it). The outside services are addresses from the stack config: a
 * NetworkPolicy cannot name a host.
 */
export class PlatformNetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:PlatformNetworkPolicies", name, {}, opts);
    const metadata = (policyName: string) => ({ name: policyName, namespace: args.namespace, labels: { ...PART_OF } });
    const orchestratorPods = { matchLabels: { ...ORCHESTRATOR_POD_LABELS } };
    const { apiServer, postgres, oidc } = args.network;

    new k8s.networking.v1.NetworkPolicy(
      `${name}-deny-all`,
      { metadata: metadata("deny-all"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-orchestrator-ingress`,
      {
        metadata: metadata("allow-orchestrator-ingress"),
        spec: {
          podSelector: orchestratorPods,
          policyTypes: ["Ingress"],
          ingress: [{ ports: [{ protocol: "TCP", port: ORCHESTRATOR_PORT }] }],
        },
      },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-staging-ingress`,
      {
        metadata: metadata("allow-loaders-to-staging"),
        spec: {
          podSelector: orchestratorPods,
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: ENVIRONMENT_LABEL, operator: "Exists" }] },
                  podSelector: { matchLabels: { [COMPONENT_LABEL]: "data-loader" } },
                },
              ],
              ports: [{ protocol: "TCP", port: STAGING_PORT }],
            },
          ],
        },
      },
      { parent: this },
    );
    const mirrorIngress = packageMirrorIngress(args.packageMirror);
    if (mirrorIngress.length)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-mirror-ingress`,
        {
          metadata: metadata("allow-workspaces-to-mirror"),
          spec: { podSelector: orchestratorPods, policyTypes: ["Ingress"], ingress: mirrorIngress },
        },
        { parent: this },
      );
    if (args.metrics)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-metrics-scrape`,
        {
          metadata: metadata("allow-metrics-scrape"),
          spec: {
            podSelector: orchestratorPods,
            policyTypes: ["Ingress"],
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchLabels: { "kubernetes.io/metadata.name": args.metrics.scraperNamespace },
                    },
                  },
                ],
                ports: [{ protocol: "TCP", port: args.metrics.port }],
              },
            ],
          },
        },
        { parent: this },
      );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-orchestrator-egress`,
      {
        metadata: metadata("allow-orchestrator-egress"),
        spec: {
          podSelector: orchestratorPods,
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
              ],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
            toAddresses(apiServer),
            toAddresses(postgres),
            toAddresses(oidc),
            ...stagingEgress(args.staging ?? { store: "directory" }),
            ...notificationsEgress(args.notifications ?? { webhooks: {} }),
            ...packageMirrorEgress(args.packageMirror),
            {
              to: [{ namespaceSelector: { matchExpressions: [{ key: ENVIRONMENT_LABEL, operator: "Exists" }] } }],
              ports: [
                { protocol: "TCP", port: WORKSPACE_PORT },
                { protocol: "TCP", port: AIRLOCK_AGENT_PORT },
              ],
            },
          ],
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
