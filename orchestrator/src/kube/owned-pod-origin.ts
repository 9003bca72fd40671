import { connect } from "node:net";
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

const isReady = (pod: k8s.V1Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
const isRunning = (pod: k8s.V1Pod) => pod.status?.containerStatuses?.some((c) => c.state?.running) ?? false;
/** How long a started pod's port may take to accept before it counts as not answering yet. */
const CONNECT_MS = 500;

/** Whether something accepts connections at host:port: what the readiness probe checks, asked now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CONNECT_MS });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/**
 * Finds a pod of an environment the way the orchestrator made it, not the way a name resolves: the
 * orchestrator's Deployment (by its label and name: `workspace-<person>` of a person's workspace, `airlock`), the ReplicaSets it controls (by its uid) and,
 * of their pods, a running and ready one (by the ReplicaSet's uid), at the port its container names. A
 * Service, an Endpoints object or a pod someone else made — even one carrying our labels — is never
 * where this leads. Lists only, which the orchestrator's RBAC grants; answers are kept a few seconds so that
 * a page's many requests do not each cost three API calls. A pod whose container runs but is not Ready yet
 * is used as soon as its port accepts a connection: the readiness probe asks the same, but only once a
 * second, and its answer reaches the API server and then here later still; a person opening a stopped
 * workspace waits for exactly this.
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
    const candidates = pods.items.filter(
      (p) => ours.has(controllerUid(p)) && !p.metadata?.deletionTimestamp && p.status?.podIP,
    );
    const pod = candidates.find(isReady) ?? candidates.find(isRunning);
    // Not an SpeError: the gateway answers a plain failure with "starting, try again" (gateway.ts).
    const notReady = () =>
      new Error(
        `No ready pod of the orchestrator's Deployment ${name} in ${namespace} (${pods.items.length} ${service} pod(s) there).`,
      );
    if (!pod) throw notReady();
    const port = pod.spec?.containers
      .flatMap((c) => c.ports ?? [])
      .find((p) => p.name === PORT_NAMES[service])?.containerPort;
    if (port === undefined)
      throw new Error(`The pod ${pod.metadata?.name} in ${namespace} has no port named ${PORT_NAMES[service]}.`);
    const ip = pod.status!.podIP!;
    if (!isReady(pod) && !(await accepts(ip, port))) throw notReady();
    const origin = `http://${ip.includes(":") ? `[${ip}]` : ip}:${port}`;
    cache.set(key, { origin, until: Date.now() + CACHE_MS });
    return origin;
  };
}
