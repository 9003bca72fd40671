import * as k8s from "@kubernetes/client-node";
import { LocalNodeError } from "./errors";

/** `http://<pod IP>:<port>` of a Service's ready pod: what kube-proxy would route to, looked up through the API. */
export type ServiceUpstream = (namespace: string, service: string) => Promise<string>;

const CACHE_MS = 3_000;

/**
 * The local node has no kube-proxy and no cluster DNS, so `workspace.<namespace>.svc` leads nowhere; the
 * host reaches pods on the bridge directly. This resolves a Service the way its endpoints would: its
 * selector's Running and Ready pod, at the container port its targetPort names. It reads with the local
 * cluster's administrator, not the orchestrator's identity, whose RBAC has no pods (production needs none).
 * Answers are kept a few seconds, so a page's many requests do not each cost two API calls.
 */
export function serviceUpstream(admin: k8s.KubeConfig): ServiceUpstream {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const cache = new Map<string, { url: string; until: number }>();
  return async (namespace, name) => {
    const key = `${namespace}/${name}`;
    const kept = cache.get(key);
    if (kept && kept.until > Date.now()) return kept.url;
    // A missing Service is an answer; any other failure of the API (refused, unreachable) is reported as itself.
    const service = await core.readNamespacedService({ namespace, name }).catch((err: unknown) => {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    });
    const selector = service?.spec?.selector;
    const targetPort = service?.spec?.ports?.[0]?.targetPort;
    if (!selector || targetPort === undefined)
      throw new LocalNodeError("UPSTREAM_NOT_FOUND", `There is no Service ${key} with a selector and a port.`);
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const pods = (await core.listNamespacedPod({ namespace, labelSelector })).items;
    const ready = pods.find(
      (p) =>
        !p.metadata?.deletionTimestamp &&
        p.status?.podIP &&
        p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (!ready)
      throw new LocalNodeError(
        "UPSTREAM_NOT_READY",
        `No pod of Service ${key} is ready yet (${pods.length} pod(s) selected).`,
      );
    const port =
      typeof targetPort === "number"
        ? targetPort
        : ready.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === targetPort)?.containerPort;
    if (port === undefined)
      throw new LocalNodeError(
        "UPSTREAM_NOT_FOUND",
        `The pod ${ready.metadata?.name} of Service ${key} has no port named ${targetPort}.`,
      );
    const url = `http://${ready.status!.podIP}:${port}`;
    cache.set(key, { url, until: Date.now() + CACHE_MS });
    return url;
  };
}
