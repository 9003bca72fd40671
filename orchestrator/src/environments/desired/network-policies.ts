import type { V1NetworkPolicy } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { COMPONENT_LABEL, ownedLabels } from "../../kube/owned-labels";

export const DENY_ALL_POLICY = "deny-all";

const platformPods = (config: EnvironmentConfig, component: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.platformNamespace } },
  podSelector: { matchLabels: { [COMPONENT_LABEL]: component } },
});

/** The port the loader reaches the staging endpoint on: the one in its URL. */
export function stagingPort(config: EnvironmentConfig): number {
  const url = new URL(config.stagingUrl);
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/**
 * Default deny both ways, then narrow openings: the gateway may reach every person's workspace at its port
 * (and nothing else may: not a co-researcher's workspace, which reaches nothing), the orchestrator the
 * airlock agent's port (to copy submitted outputs), and the data loader may reach the
 * orchestrator to fetch the permit's staged extracts, and the cluster DNS to find it. Nothing else gets
 * in or out — no internet, no DNS for the workspace, no other environment.
 */
export function networkPolicies(
  { namespace }: Pick<EnvironmentInput, "namespace">,
  config: EnvironmentConfig,
): V1NetworkPolicy[] {
  const meta = (name: string) => ({ name, namespace, labels: ownedLabels(namespace) });
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(DENY_ALL_POLICY),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-gateway-to-workspace"),
      spec: {
        podSelector: { matchLabels: { [COMPONENT_LABEL]: "workspace" } },
        policyTypes: ["Ingress"],
        // The gateway is part of the orchestrator (docs/architecture.md#the-gateway): its pods are the ones to admit.
        ingress: [
          { _from: [platformPods(config, "orchestrator")], ports: [{ protocol: "TCP", port: config.workspacePort }] },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-orchestrator-to-airlock"),
      spec: {
        podSelector: { matchLabels: { [COMPONENT_LABEL]: "airlock" } },
        policyTypes: ["Ingress"],
        ingress: [
          { _from: [platformPods(config, "orchestrator")], ports: [{ protocol: "TCP", port: config.airlockPort }] },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-loader-to-orchestrator"),
      spec: {
        podSelector: { matchLabels: { [COMPONENT_LABEL]: "data-loader" } },
        policyTypes: ["Egress"],
        egress: [
          { to: [platformPods(config, "orchestrator")], ports: [{ protocol: "TCP", port: stagingPort(config) }] },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-loader-to-cluster-dns"),
      spec: {
        podSelector: { matchLabels: { [COMPONENT_LABEL]: "data-loader" } },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": config.clusterDns.namespace } },
                podSelector: { matchLabels: config.clusterDns.podLabels },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
  ];
}
