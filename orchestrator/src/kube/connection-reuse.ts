import type { Agent } from "node:http";
import type * as k8s from "@kubernetes/client-node";

type AgentFactory = (cluster: k8s.Cluster | null, options: Record<string, unknown>) => Agent;

/**
 * client-node 1.x makes a new https.Agent for every request, so every API call pays a TLS handshake. This
 * makes one KubeConfig hand out one keep-alive agent per cluster instead (the credentials are fixed per
 * KubeConfig, so sharing the agent shares nothing that differs between requests).
 */
export function reuseConnections(kubeConfig: k8s.KubeConfig): k8s.KubeConfig {
  const target = kubeConfig as unknown as { createAgent: AgentFactory };
  const create = target.createAgent.bind(kubeConfig);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = cluster?.name ?? "";
    let agent = agents.get(key);
    if (!agent) {
      // No maxSockets: requests queued inside the agent end in node-fetch's "Premature close" under load.
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return kubeConfig;
}
