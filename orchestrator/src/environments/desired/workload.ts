import { createHash } from "node:crypto";
import type {
  V1Container,
  V1Deployment,
  V1Job,
  V1PersistentVolumeClaim,
  V1ResourceRequirements,
  V1Service,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import { pipEnvironment } from "./package-mirror";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput, KeptHome, WorkspacePerson } from "./environment-input";
import { COMPONENT_LABEL, ownedLabels } from "../../kube/owned-labels";
import {
  AIRLOCK_AGENT_RESOURCES,
  DATA_LOADER_RESOURCES,
  gpuTolerations,
  storageShares,
  workspaceGpu,
  workspaceResources,
} from "./resources";
import { containerSecurityContext, podSecurityContext } from "./security-context";
import { LOADER_SERVICE_ACCOUNT, STAGING_AUDIENCE } from "../../staging/loader-identity";
import { personTool, WORKSPACE_TOOLS } from "../../tools/tool-registry";

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

export function volumeClaims(input: EnvironmentInput, config: EnvironmentConfig): V1PersistentVolumeClaim[] {
  const { namespace, permit, persons } = input;
  const claim = (
    name: string,
    size: string,
    labels: Record<string, string>,
    spec: Partial<V1PersistentVolumeClaim["spec"]> = {},
  ): V1PersistentVolumeClaim => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace, labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...spec,
      resources: { requests: { storage: input.claimSizes?.[name] ?? size } },
    },
  });
  const shares = storageShares(permit.environment.storage, persons.length, config.workspace.homeSize);
  // Every person's workspace mounts the project folder read-write at once, wherever it runs: ReadWriteMany,
  // of the class the installation names. An environment's old shared home keeps what it was made with (a
  // claim's access modes, class and size cannot be taken back): see quota.ts for its size.
  const project =
    input.projectClaim === "home"
      ? claim("home", permit.environment.storage, ownedLabels(namespace, "project"))
      : claim(PROJECT_CLAIM, shares.project, ownedLabels(namespace, "project"), {
          accessModes: ["ReadWriteMany"],
          ...(config.projectStorageClass ? { storageClassName: config.projectStorageClass } : {}),
        });
  return [
    claim("data", config.dataVolumeSize, ownedLabels(namespace)),
    project,
    ...persons.map((p) => claim(homeClaimName(p), shares.home, personLabels(namespace, "home", p))),
    // Departed persons' homes, as they are: what they saved stays until teardown.
    ...(input.keptHomes ?? []).map((h) => claim(h.name, h.storage, keptLabels(namespace, h))),
  ];
}

const PROJECT_CLAIM = "project";
/** Marks what belongs to one person's workspace: their pod, home claim and Service, by opaque id. */
export const PERSON_LABEL = "spe.ehds.eu/person";
const personLabels = (namespace: string, component: string, person: WorkspacePerson) => ({
  ...ownedLabels(namespace, component),
  [PERSON_LABEL]: person.id,
});
export const homeClaimName = (person: Pick<WorkspacePerson, "id">) => `home-${person.id}`;
const keptLabels = (namespace: string, home: KeptHome) => ({
  ...ownedLabels(namespace, "home"),
  [PERSON_LABEL]: home.name.replace(/^home-/, ""),
});
export const workspaceName = (person: Pick<WorkspacePerson, "id">) => `workspace-${person.id}`;

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

/*
 * How the tool server learns its credential (gateway/workspace-identities.ts): from a variable in the pod spec
 * that its entry in the tools registry names (SPE_WORKSPACE_TOKEN for JupyterLab), not from a Secret — the
 * orchestrator may not write Secrets in an environment, and nothing there may read one. The pod spec is read only by the orchestrator, which computes the credential anyway,
 * and by the cluster's administrators, who can reach every pod; researchers have no Kubernetes credentials
 * and pods no ServiceAccount token. Inside, the tool takes it out of its environment as it starts
 * (images/workspace/jupyter_server_config.py; code-server does so itself), so that kernels and terminals do not inherit it; it opens
 * only this person's server, which the NetworkPolicy lets the gateway alone reach. JupyterHub's KubeSpawner
 * hands its servers their token the same way, in the pod spec.
 */

/**
 * One person's workspace: the tool they picked (tools/tool-registry.ts; one at a time, so a new pick replaces the
 * pod and keeps the home), on their own home with the project folder and the data
 * (read-only) inside it, where the tool opens; sized by the installation within the permit's totals
 * (resources.ts). Its pod reaches nothing, and only the gateway reaches it (network-policies.ts).
 */
export function workspaceDeployment(
  input: EnvironmentInput,
  config: EnvironmentConfig,
  person: WorkspacePerson,
): V1Deployment {
  const { namespace, permit } = input;
  const tool = WORKSPACE_TOOLS[person.tool ?? personTool(permit.environment.tools)];
  const labels = personLabels(namespace, "workspace", person);
  const home = "/home/researcher";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: workspaceName(person), namespace, labels },
    spec: {
      replicas: input.desiredState === "active" && person.started ? 1 : 0,
      // A single RWO home volume: never run the old and the new pod at once.
      strategy: { type: "Recreate" },
      selector: { matchLabels: { [COMPONENT_LABEL]: "workspace", [PERSON_LABEL]: person.id } },
      template: {
        metadata: { labels: { ...labels, "spe.ehds.eu/tool": tool.name } },
        spec: {
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          ...(permit.environment.gpu ? { tolerations: gpuTolerations(permit, config) } : {}),
          containers: [
            {
              name: tool.name,
              image: `${config.imageRegistry}/${config.images[tool.name]}`,
              ports: [{ name: "http", containerPort: config.workspacePort }],
              env: [
                { name: "SPE_PERMIT_ID", value: permit.permitId },
                { name: "SPE_NAMESPACE", value: namespace },
                // The person's own workspace host: the only origin the tool's API calls may come from.
                { name: "SPE_ALLOWED_ORIGINS", value: person.origin ?? "" },
                { name: tool.credential.env, value: person.token },
                // Where the tool serves: the port the Service, the probe and the NetworkPolicy name.
                ...Object.entries(tool.listenEnv(config.workspacePort)).map(([name, value]) => ({ name, value })),
                // Only when the permit allows installs: pip's index, the mirror (package-mirror.ts).
                ...pipEnvironment(input, config, person),
              ],
              securityContext: containerSecurityContext,
              resources: withGpu(workspaceResources(permit, config.workspace, input.persons.length), permit, config),
              // Looked at every second: the gateway sends the person on as soon as the pod is Ready, and a person
              // waits on it whenever they open a stopped workspace.
              readinessProbe: { tcpSocket: { port: config.workspacePort }, periodSeconds: 1 },
              // The tool opens on the home, where the project folder and the data are folders beside the
              // person's own files; the project's outbox is also at the home's top, where the airlock was found.
              volumeMounts: [
                { name: "home", mountPath: home },
                { name: "project", mountPath: `${home}/project` },
                { name: "project", mountPath: `${home}/outbox`, subPath: OUTBOX },
                { name: "data", mountPath: `${home}/data`, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "home", persistentVolumeClaim: { claimName: homeClaimName(person) } },
            { name: "project", persistentVolumeClaim: { claimName: projectClaimName(input) } },
            { name: "data", persistentVolumeClaim: { claimName: "data", readOnly: true } },
            { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
          ],
        },
      },
    },
  };
}

/** A workspace's size with the GPU its permit gives it (extended resources: requests equal limits). */
function withGpu(size: V1ResourceRequirements, permit: EnvironmentInput["permit"], config: EnvironmentConfig) {
  const gpu = workspaceGpu(permit, config);
  return { requests: { ...size.requests, ...gpu }, limits: { ...size.limits, ...gpu } };
}

/** Every person's workspace and its Service, in the permit's order. */
export function workspaces(input: EnvironmentInput, config: EnvironmentConfig): Array<V1Deployment | V1Service> {
  return input.persons.flatMap((person) => [
    workspaceDeployment(input, config, person),
    podService(input.namespace, workspaceName(person), personLabels(input.namespace, "workspace", person), {
      name: "http",
      port: 80,
    }),
  ]);
}

const projectClaimName = (input: EnvironmentInput) => input.projectClaim ?? PROJECT_CLAIM;

/**
 * The outbox is the project folder's `outbox`, not each person's: what a team exports is its shared result
 * (each request still names who submitted it, and is copied into quarantine as it was then), and one airlock
 * agent of the environment serves it while any or none of the persons' workspaces run, so a workspace
 * stopped when idle stops no export.
 */
const OUTBOX = "outbox";

/**
 * The airlock agent: it sees only the project folder's outbox, read-only, and serves it to the orchestrator,
 * which copies files into quarantine on submission. A pod of its own, beside the workspaces.
 */
export function airlockDeployment(input: EnvironmentInput, config: EnvironmentConfig): V1Deployment {
  const labels = ownedLabels(input.namespace, "airlock");
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "airlock", namespace: input.namespace, labels },
    spec: {
      replicas: input.desiredState === "active" ? 1 : 0,
      selector: { matchLabels: { [COMPONENT_LABEL]: "airlock" } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          containers: [airlockAgentContainer(config)],
          volumes: [{ name: "project", persistentVolumeClaim: { claimName: projectClaimName(input), readOnly: true } }],
        },
      },
    },
  };
}

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
    volumeMounts: [{ name: "project", mountPath: "/outbox", subPath: OUTBOX, readOnly: true }],
  };
}

/** A ClusterIP Service in front of one named port of the pods with these labels. */
function podService(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  port: { name: string; port: number },
): V1Service {
  const { [COMPONENT_LABEL]: component, [PERSON_LABEL]: person } = labels;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels },
    spec: {
      type: "ClusterIP",
      selector: { [COMPONENT_LABEL]: component!, ...(person ? { [PERSON_LABEL]: person } : {}) },
      ports: [{ name: port.name, port: port.port, targetPort: port.name }],
    },
  };
}

/** The airlock agent's address inside the cluster (airlock.<namespace>.svc), for the orchestrator only. */
export function airlockService({ namespace }: EnvironmentInput, config: EnvironmentConfig): V1Service {
  return podService(namespace, "airlock", ownedLabels(namespace, "airlock"), {
    name: "airlock",
    port: config.airlockPort,
  });
}
