import * as k8s from "@kubernetes/client-node";
import { COMPONENT_LABEL, managedSelector } from "./owned-labels";

/** The ports the gateway and the airlock reach, as the Deployments' containers name them (environments/desired/workload.ts). */
const PORT_NAMES = { workspace: "http", airlock: "airlock" } as const;
/** The Deployment of each: a person's workspace (by its opaque id), or the environment's airlock agent. */
const DEPLOYMENT_OF = {
  workspace: (person?: string) => {
    if (!person) throw new Error("A workspace is found by its person's id.");
    return `workspace-${person}`;
  },
  airlock: () => "airlock",
} as const;
const CACHE_MS = 3_000;

const controllerUid = (o: { metadata?: k8s.V1ObjectMeta }) =>
  o.metadata?.ownerReferences?.find((r) => r.controller)?.uid;

/**
 * Finds a pod of an environment the way the orchestrator made it, not the way a name resolves: the
 * orchestrator's Deployment (by its label and name: `workspace-<person>` of a person's workspace, `airlock`), the ReplicaSets it controls (by its uid) and,
 * of their pods, a running and ready one (by the ReplicaSet's uid), at the port its container names. A
 * Service, an Endpoints object or a pod someone else made — even one carrying our labels — is never
 * where this leads. Lists only, which the orchestrator's RBAC grants; answers are kept a few seconds so that
 * a page's many requests do not each cost three API calls.
 */
export function ownedPodOrigin(
  kc: k8s.KubeConfig,
  service: keyof typeof PORT_NAMES,
): (namespace: string, person?: string) => Promise<string> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const cache = new Map<string, { origin: string; until: number }>();
  return async (namespace, person) => {
    const name = DEPLOYMENT_OF[service](person);
    const key = `${namespace}/${name}`;
    const kept = cache.get(key);
    if (kept && kept.until > Date.now()) return kept.origin;
    const [deployments, replicaSets, pods] = await Promise.all([
      apps.listNamespacedDeployment({
        namespace,
        labelSelector: managedSelector,
        fieldSelector: `metadata.name=${name}`,
      }),
      apps.listNamespacedReplicaSet({ namespace, labelSelector: managedSelector }),
      core.listNamespacedPod({ namespace, labelSelector: `${managedSelector},${COMPONENT_LABEL}=${service}` }),
    ]);
    const deployment = deployments.items[0]?.metadata?.uid;
    const ours = new Set(
      replicaSets.items.filter((r) => deployment && controllerUid(r) === deployment).map((r) => r.metadata?.uid),
    );
    const pod = pods.items.find(
      (p) =>
        ours.has(controllerUid(p)) &&
        !p.metadata?.deletionTimestamp &&
        p.status?.podIP &&
        p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    // Not an SpeError: the gateway answers a plain failure with "starting, try again" (gateway.ts).
    if (!pod)
      throw new Error(
        `No ready pod of the orchestrator's Deployment ${name} in ${namespace} (${pods.items.length} ${service} pod(s) there).`,
      );
    const port = pod.spec?.containers
      .flatMap((c) => c.ports ?? [])
      .find((p) => p.name === PORT_NAMES[service])?.containerPort;
    if (port === undefined)
      throw new Error(`The pod ${pod.metadata?.name} in ${namespace} has no port named ${PORT_NAMES[service]}.`);
    const origin = `http://${pod.status!.podIP!.includes(":") ? `[${pod.status!.podIP}]` : pod.status!.podIP}:${port}`;
    cache.set(key, { origin, until: Date.now() + CACHE_MS });
    return origin;
  };
}
