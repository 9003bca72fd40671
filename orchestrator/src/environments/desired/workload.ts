import { createHash } from "node:crypto";
import type {
  V1Container,
  V1Deployment,
  V1Job,
  V1PersistentVolumeClaim,
  V1Service,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { COMPONENT_LABEL, ownedLabels } from "../../kube/owned-labels";
import { AIRLOCK_AGENT_RESOURCES, DATA_LOADER_RESOURCES, workspaceResources } from "./resources";
import { containerSecurityContext, podSecurityContext } from "./security-context";
import { LOADER_SERVICE_ACCOUNT, STAGING_AUDIENCE } from "../../staging/loader-identity";

const SERVICE_ACCOUNT = "workspace";

export function serviceAccounts({ namespace }: EnvironmentInput): V1ServiceAccount[] {
  const account = (name: string): V1ServiceAccount => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, labels: ownedLabels(namespace) },
    // Nothing in an environment talks to the Kubernetes API.
    automountServiceAccountToken: false,
  });
  // The loader's own: its pod gets a token of it for the staging endpoint alone (dataLoaderJob).
  return [account(SERVICE_ACCOUNT), account(LOADER_SERVICE_ACCOUNT)];
}

/** Where the loader's pod finds its projected token; the kubelet refreshes it before it expires. */
const LOADER_TOKEN_DIR = "/var/run/secrets/spe-staging";
/** The shortest life the API server gives a projected token: a copy is worth ten minutes at most. */
const LOADER_TOKEN_SECONDS = 600;

export function volumeClaims(
  { namespace, permit }: EnvironmentInput,
  config: EnvironmentConfig,
): V1PersistentVolumeClaim[] {
  const claim = (name: string, size: string): V1PersistentVolumeClaim => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace, labels: ownedLabels(namespace) },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
  });
  return [claim("data", config.dataVolumeSize), claim("home", permit.environment.storage)];
}

/**
 * SPE_STAGED: what the loader must load, each file with its capability to fetch it from the staging
 * endpoint. A capability names only that file for this namespace and lapses when the permit ends, and opens
 * it only together with the loader pod's own token (staging/loader-identity.ts): a copy read from the Job
 * is worthless elsewhere. The key that makes them never enters the namespace.
 */
export function loaderStaged({ namespace, permit, staged = [] }: EnvironmentInput, config: EnvironmentConfig) {
  const signer = config.stagingCapabilities;
  const expiresAt = new Date(permit.validUntil);
  return staged.map((s) => ({
    ...s,
    files: s.files.map((f) =>
      signer
        ? {
            ...f,
            capability: signer.sign({ namespace, deliveryId: s.deliveryId, path: f.path, sha256: f.sha256 }, expiresAt),
          }
        : f,
    ),
  }));
}

/**
 * Copies the staged deliveries into the data volume (deliveries/data-loader), checking each file against
 * its manifest's hash. None while nothing is staged. A Job's pod template is immutable, so its name is a
 * hash of everything the loader is told: a new delivery, a new staging key or a prolonged permit (new
 * capabilities) each bring a new Job, and the old one is pruned; files already loaded are not fetched again.
 */
export function dataLoaderJob(input: EnvironmentInput, config: EnvironmentConfig): V1Job[] {
  const { namespace, permit, staged = [] } = input;
  if (staged.length === 0) return [];
  const labels = ownedLabels(namespace, "data-loader");
  const env = [
    { name: "SPE_PERMIT_ID", value: permit.permitId },
    { name: "SPE_STAGING_URL", value: `${config.stagingUrl}/${namespace}` },
    { name: "SPE_STAGED", value: JSON.stringify(loaderStaged(input, config)) },
    { name: "SPE_STAGING_TOKEN_FILE", value: `${LOADER_TOKEN_DIR}/token` },
  ];
  const job: V1Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `data-loader-${createHash("sha256").update(JSON.stringify(env)).digest("hex").slice(0, 10)}`,
      namespace,
      labels,
    },
    spec: {
      backoffLimit: 3,
      template: {
        metadata: { labels },
        spec: {
          // Never, not OnFailure: each try is a fresh pod, counted in the Job's status.failed, which is what
          // the DataStaged condition compares with backoffLimit to say LoadFailed (OnFailure restarts in
          // place and ends with one failed pod however often it tried).
          restartPolicy: "Never",
          serviceAccountName: LOADER_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext,
          containers: [
            {
              name: "loader",
              image: `${config.imageRegistry}/${config.images.dataLoader}`,
              env,
              securityContext: containerSecurityContext,
              resources: DATA_LOADER_RESOURCES,
              volumeMounts: [
                { name: "data", mountPath: "/data" },
                { name: "tmp", mountPath: "/tmp" },
                { name: "staging-token", mountPath: LOADER_TOKEN_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "data" } },
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
            // Proof of being this pod, for the staging endpoint only (not the Kubernetes API's audience): it
            // lapses with the pod and within ten minutes, so the Job's capabilities are worthless without it.
            {
              name: "staging-token",
              projected: {
                sources: [
                  {
                    serviceAccountToken: {
                      audience: STAGING_AUDIENCE,
                      expirationSeconds: LOADER_TOKEN_SECONDS,
                      path: "token",
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    },
  };
  return [job];
}

/** The origins of the permit's persons' workspace hosts for this environment, in the permit's order. */
export function workspaceOrigins({ namespace, permit }: EnvironmentInput, config: EnvironmentConfig): string[] {
  const hosts = config.workspaceHosts;
  if (!hosts) return [];
  return permit.authorisedPersons.map((p) => hosts.originOf(hosts.labelOf(namespace, p.subject)));
}

/**
 * The researcher's workspace: the permit's first tool, its data read-only, a home with an outbox; the
 * permit's cpu and memory less what the platform's containers may take (resources.ts).
 */
export function workspaceDeployment(input: EnvironmentInput, config: EnvironmentConfig): V1Deployment {
  const { namespace, permit } = input;
  const tool = permit.environment.tools[0]!;
  const labels = ownedLabels(namespace, "workspace");
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "workspace", namespace, labels },
    spec: {
      replicas: input.desiredState === "active" ? 1 : 0,
      // A single RWO home volume: never run the old and the new pod at once.
      strategy: { type: "Recreate" },
      selector: { matchLabels: { [COMPONENT_LABEL]: "workspace" } },
      template: {
        metadata: { labels: { ...labels, "spe.ehds.eu/tool": tool } },
        spec: {
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          containers: [
            {
              name: tool,
              image: `${config.imageRegistry}/${config.images[tool]}`,
              ports: [{ name: "http", containerPort: config.workspacePort }],
              env: [
                { name: "SPE_PERMIT_ID", value: permit.permitId },
                { name: "SPE_NAMESPACE", value: namespace },
                // The workspace hosts the gateway serves it on: the only origins its API calls may come from.
                { name: "SPE_ALLOWED_ORIGINS", value: workspaceOrigins(input, config).join(" ") },
              ],
              securityContext: containerSecurityContext,
              resources: workspaceResources(permit),
              readinessProbe: { tcpSocket: { port: config.workspacePort }, periodSeconds: 5 },
              volumeMounts: [
                { name: "data", mountPath: "/data", readOnly: true },
                { name: "home", mountPath: "/home/researcher" },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
            airlockAgentContainer(config),
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "data", readOnly: true } },
            { name: "home", persistentVolumeClaim: { claimName: "home" } },
            { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
          ],
        },
      },
    },
  };
}

/**
 * The airlock agent beside the workspace: it sees only the outbox (the home volume's `outbox` folder),
 * read-only, and serves it to the orchestrator, which copies files into quarantine on submission.
 */
function airlockAgentContainer(config: EnvironmentConfig): V1Container {
  return {
    name: "airlock-agent",
    image: `${config.imageRegistry}/${config.images.airlockAgent}`,
    ports: [{ name: "airlock", containerPort: config.airlockPort }],
    env: [
      { name: "OUTBOX_DIR", value: "/outbox" },
      { name: "PORT", value: String(config.airlockPort) },
      { name: "HOST", value: "0.0.0.0" },
    ],
    securityContext: containerSecurityContext,
    resources: AIRLOCK_AGENT_RESOURCES,
    readinessProbe: { httpGet: { path: "/healthz", port: "airlock" }, periodSeconds: 10 },
    volumeMounts: [{ name: "home", mountPath: "/outbox", subPath: "outbox", readOnly: true }],
  };
}

/** A ClusterIP Service in front of one named port of the workspace pod. */
function workspacePodService(namespace: string, name: string, port: { name: string; port: number }): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: ownedLabels(namespace, "workspace") },
    spec: {
      type: "ClusterIP",
      selector: { [COMPONENT_LABEL]: "workspace" },
      ports: [{ name: port.name, port: port.port, targetPort: port.name }],
    },
  };
}

/** The airlock agent's address inside the cluster (airlock.<namespace>.svc), for the orchestrator only. */
export function airlockService({ namespace }: EnvironmentInput, config: EnvironmentConfig): V1Service {
  return workspacePodService(namespace, "airlock", { name: "airlock", port: config.airlockPort });
}

/** The workspace's address for the gateway (workspace.<namespace>.svc). */
export function workspaceService({ namespace }: EnvironmentInput): V1Service {
  return workspacePodService(namespace, "workspace", { name: "http", port: 80 });
}
