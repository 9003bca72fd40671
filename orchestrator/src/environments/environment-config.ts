import { isIP } from "node:net";
import { z } from "zod";
import { SOFTWARE_CHOICES } from "../permits/permit";
import { SERVED_TOOL_NAMES, WORKSPACE_TOOLS } from "../tools/tool-registry";
import type { StagingCapabilities } from "../staging/staging-capability";
import type { WorkspaceHosts } from "../gateway/workspace-hosts";
import type { WorkspaceIdentities } from "../gateway/workspace-identities";

const cpu = z.string().regex(/^\d+m?$/, 'a cpu quantity such as "2" or "500m"');
const bytes = z.string().regex(/^\d+(Mi|Gi|Ti)$/, 'a size in Mi, Gi or Ti such as "4Gi"');

/** How environments are built: images, sizes and who may talk to them. Fixed per installation. */
export const environmentConfigSchema = z.object({
  /** Namespace of the orchestrator and the gateway: the only source of traffic into an environment. */
  platformNamespace: z.string().default("spe-system"),
  /** Images must come from here; admission policies refuse others. */
  imageRegistry: z.string().default("registry.spe.internal/spe"),
  images: z
    .object({
      jupyterlab: z.string().default(WORKSPACE_TOOLS.jupyterlab.image),
      vscode: z.string().default(WORKSPACE_TOOLS.vscode.image),
      dataLoader: z.string().default("data-loader:1.0.0"),
      airlockAgent: z.string().default("airlock-agent:1.0.0"),
    })
    .prefault({}),
  /**
   * The tools this installation offers (tools/tool-registry.ts): a new permit naming another is refused at
   * intake, with the tool named. JupyterLab alone unless the installation has the others' images.
   */
  tools: z
    .array(z.enum(SERVED_TOOL_NAMES))
    .min(1)
    .refine((t) => new Set(t).size === t.length, "each tool once")
    .default(["jupyterlab"]),
  /** The port every tool serves on inside its pod, whichever it is (the tool's entry says how it is told). */
  workspacePort: z.int().default(8888),
  /**
   * Where data loaders fetch staged deliveries: the orchestrator's staging listener (STAGING_PORT), inside the
   * cluster, through a Service of its own that no ingress points at.
   */
  stagingUrl: z.string().default("http://orchestrator-staging.spe-system.svc.cluster.local:8082/staging"),
  /**
   * The cluster's DNS pods. Only the data loader may ask them (to resolve stagingUrl's host name); the
   * workspace has no DNS at all, so that no name lookup can carry data out.
   */
  clusterDns: z
    .object({
      namespace: z.string().default("kube-system"),
      podLabels: z.record(z.string(), z.string()).default({ "k8s-app": "kube-dns" }),
    })
    .prefault({}),
  /** Where the airlock agent beside each workspace serves its outbox, read-only, to the orchestrator alone. */
  airlockPort: z.int().default(8090),
  /** Size of the read-only data volume the loader fills with the permit's pseudonymised extracts. */
  dataVolumeSize: z.string().default("20Gi"),
  /**
   * How long each step may take, in seconds, before an environment still on it counts as stuck: the cluster
   * counting a new quota's usage, a pod waiting for a node, the workspace starting (image pulls included),
   * the datasets loading. Failures Kubernetes reports itself (an image that cannot be pulled, a crash loop,
   * a pod the quota refused) count at once.
   */
  expectedSeconds: z
    .object({
      quotaUsage: z.number().nonnegative().default(60),
      scheduling: z.number().nonnegative().default(60),
      workspaceStart: z.number().nonnegative().default(300),
      dataLoad: z.number().nonnegative().default(3600),
    })
    .strict()
    .prefault({}),
  /**
   * One person's workspace: the permit's cpu, memory and storage are the environment's totals
   * (its quota), shared by its persons' workspaces; this sizes one of them. A workspace gets this or what the
   * permit leaves beside the platform's containers, whichever is less; a home gets this or an equal share
   * with the project folder, whichever is less (desired/resources.ts).
   */
  workspace: z
    .strictObject({ cpu: cpu.default("2"), memory: bytes.default("8Gi"), homeSize: bytes.default("5Gi") })
    .prefault({}),
  /**
   * The package mirror (MIRROR_PORT) as workspaces reach it. `url` is an address, never a name: workspaces have
   * no DNS, so that no lookup can carry data out; in a cluster, the fixed ClusterIP of the mirror's Service
   * (`http://10.96.0.83:8083`). Unset: no environment's egress opens, whatever its permit says.
   * `defaultSoftware` is what a permit that does not say (`environment.software`) gets.
   */
  packageMirror: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/ })
        .refine((u) => isIP(new URL(u).hostname.replace(/^\[|\]$/g, "")) !== 0, "an address, not a host name")
        .refine((u) => new URL(u).pathname === "/" && !new URL(u).username, "a bare origin, without path or user")
        .optional(),
      defaultSoftware: z.enum(SOFTWARE_CHOICES).default("none"),
    })
    .prefault({}),
  /**
   * When a person's workspace counts as idle and is stopped (its home kept), as JupyterHub's culler does it:
   * nothing through the gateway and no sign of work in JupyterLab (environments/idle-culler.ts) for
   * `afterSeconds`; `checkSeconds` is how often each orchestrator looks.
   */
  workspaceIdle: z
    .strictObject({
      afterSeconds: z.int().min(1).default(3600),
      checkSeconds: z.int().min(1).default(60),
    })
    .prefault({}),
  /**
   * GPU nodes (a permit's `environment.gpu`): the extended resource their device plugin offers, which a
   * workspace requests and the quota counts, and the taint that keeps other pods off them, which a GPU
   * workspace tolerates.
   */
  gpu: z
    .strictObject({
      resourceName: z
        .string()
        .regex(
          /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/,
          "an extended resource such as nvidia.com/gpu",
        )
        .default("nvidia.com/gpu"),
      taintKey: z.string().min(1).default("nvidia.com/gpu"),
    })
    .prefault({}),
  /**
   * The storage class of the project folder, which every workspace of the environment mounts read-write at
   * once: one that offers ReadWriteMany (NFS, CephFS, Azure Files, EFS…). Unset: the cluster's default.
   */
  projectStorageClass: z.string().min(1).optional(),
});

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema> & {
  /**
   * Signs each staged file's capability for the loader Job; the key stays inside it. Without it the Job
   * carries no capabilities and the staging endpoint refuses the loader (tests that never run one).
   */
  stagingCapabilities?: Pick<StagingCapabilities, "sign">;
  /**
   * Names the workspace hosts: the workspace accepts the Lab's own API calls from the hosts of the permit's
   * persons and no other origin. Without it, from none (tests that never open a workspace).
   */
  workspaceHosts?: Pick<WorkspaceHosts, "labelOf" | "originOf">;
  /**
   * Names each person's workspace opaquely and gives its tool server a credential (the gateway's keys).
   * Without it, a key of the process (tests that never open a workspace).
   */
  workspaceIdentities?: WorkspaceIdentities;
};

export const defaultEnvironmentConfig: EnvironmentConfig = environmentConfigSchema.parse({});
