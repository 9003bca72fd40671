import * as k8s from "@kubernetes/client-node";

/** One resource of a node: what it offers pods (allocatable) and what running pods have requested of it. */
export interface ResourceUse {
  allocatable: number;
  requested: number;
}

export interface NodeCapacity {
  name: string;
  /** Whether the kubelet reports the node Ready. */
  ready: boolean;
  /** Whether new pods may be placed there (not cordoned). */
  schedulable: boolean;
  /** CPU in cores, memory in bytes. */
  cpu: ResourceUse;
  memory: ResourceUse;
}

/** The nodes of the cluster and, summed over those that are ready and schedulable, what is free to use. */
export interface ClusterCapacity {
  nodes: NodeCapacity[];
  /** Over the nodes that could take a new pod: ready and schedulable. */
  usable: { nodes: number; cpu: ResourceUse; memory: ResourceUse };
}

const num = (n: number | bigint) => Number(n);
const sum = (uses: ResourceUse[]): ResourceUse => ({
  allocatable: uses.reduce((s, u) => s + u.allocatable, 0),
  requested: uses.reduce((s, u) => s + u.requested, 0),
});

/** What client-node's topNodes says of each node (its allocatable, the requests of its running pods), summed. */
export function summariseCapacity(nodes: k8s.NodeStatus[]): ClusterCapacity {
  const each = nodes.map((n): NodeCapacity => ({
    name: n.Node.metadata?.name ?? "",
    ready: n.Node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    schedulable: !n.Node.spec?.unschedulable,
    cpu: { allocatable: num(n.CPU.Capacity), requested: num(n.CPU.RequestTotal) },
    memory: { allocatable: num(n.Memory.Capacity), requested: num(n.Memory.RequestTotal) },
  }));
  const usable = each.filter((n) => n.ready && n.schedulable);
  return {
    nodes: each.sort((a, b) => a.name.localeCompare(b.name)),
    usable: { nodes: usable.length, cpu: sum(usable.map((n) => n.cpu)), memory: sum(usable.map((n) => n.memory)) },
  };
}

/**
 * Reads the cluster's capacity (nodes list, then each node's pods) at most every `cacheMs`: operators' pages
 * and a health scraper may ask often, and the answer costs one list per node.
 */
export function clusterCapacityReader(kc: k8s.KubeConfig, cacheMs = 5_000): () => Promise<ClusterCapacity> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let kept: { at: number; answer: Promise<ClusterCapacity> } | undefined;
  return () => {
    if (!kept || Date.now() - kept.at > cacheMs) {
      const answer = k8s.topNodes(core).then(summariseCapacity);
      kept = { at: Date.now(), answer };
      // A failure is not kept: the next caller asks again.
      answer.catch(() => kept?.answer === answer && (kept = undefined));
    }
    return kept.answer;
  };
}
