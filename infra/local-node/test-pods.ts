// Pods made of the probe image for the node's tests: servers that answer on ports, and clients whose
// termination message says which addresses they could connect to.
import type * as k8s from "@kubernetes/client-node";
import { probePodSpec, until } from "./probe-pod";

/** Starts a pod serving HTTP on `ports` and returns its address once it runs. */
export async function startServerPod(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: number[],
): Promise<string> {
  await core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels }, spec: probePodSpec(["serve", ...ports.map(String)], "Always") },
  });
  return until(`pod ${namespace}/${name} runs`, 60_000, async () => {
    const pod = await core.readNamespacedPod({ namespace, name });
    return pod.status?.phase === "Running" && pod.status.podIP ? pod.status.podIP : undefined;
  });
}

/** Runs a probe pod to completion and returns the JSON of its termination message. */
async function runToEnd(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  args: string[],
): Promise<Record<string, string>> {
  await core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels }, spec: probePodSpec(args, "Never") },
  });
  const message = await until(`probe ${namespace}/${name} finishes`, 60_000, async () => {
    const pod = await core.readNamespacedPod({ namespace, name });
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    if (pod.status?.phase === "Failed")
      throw new Error(`probe ${namespace}/${name} failed: ${JSON.stringify(terminated ?? pod.status)}`);
    return pod.status?.phase === "Succeeded" ? (terminated?.message ?? "") : undefined;
  });
  return JSON.parse(message) as Record<string, string>;
}

/** Runs a pod that GETs each URL and returns, per URL, "<status> <body>" or the error. */
export function getFrom(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  urls: string[],
): Promise<Record<string, string>> {
  return runToEnd(core, namespace, name, labels, ["get", ...urls]);
}

/** Runs a pod that tries each address for `windowMs` and returns, per address, "connected", "timeout", "refused"… */
export function probeFrom(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  addresses: string[],
  windowMs = 5000,
): Promise<Record<string, string>> {
  return runToEnd(core, namespace, name, labels, ["connect", String(windowMs), ...addresses]);
}
