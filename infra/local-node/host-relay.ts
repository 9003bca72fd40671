import type * as k8s from "@kubernetes/client-node";
import { probePodSpec, until } from "./probe-pod";

export interface HostRelay {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** The port the relay listens on in the pod. */
  port: number;
  /** Where it relays to: a server on the host, at the pod network's gateway address. */
  target: string;
}

/**
 * Starts a pod that relays `port` to a server on the host and returns the pod's address. NetworkPolicies
 * name peers by pod and namespace labels, and the host is neither: the orchestrator of `npm start` runs on
 * the host, so the data loader's one allowed egress (to pods labelled `orchestrator` in the platform
 * namespace) reaches it only through a pod that carries those labels.
 */
export async function startHostRelay(core: k8s.CoreV1Api, relay: HostRelay): Promise<string> {
  const spec = probePodSpec(["forward", String(relay.port), relay.target], "Always");
  await core.createNamespacedPod({
    namespace: relay.namespace,
    body: { metadata: { name: relay.name, labels: relay.labels }, spec },
  });
  return until(`relay ${relay.namespace}/${relay.name} runs`, 60_000, async () => {
    const pod = await core.readNamespacedPod({ namespace: relay.namespace, name: relay.name });
    return pod.status?.phase === "Running" && pod.status.podIP ? pod.status.podIP : undefined;
  });
}
