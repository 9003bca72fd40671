import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  MOUNTS,
  ORCHESTRATOR_NAME,
  ORCHESTRATOR_POD_LABELS,
  ORCHESTRATOR_PORT,
  PLATFORM_NAMESPACE,
  STAGING_PORT,
  STAGING_SERVICE_NAME,
} from "./names";
import { notificationsEnvironment, notificationsVolumeMounts, notificationsVolumes } from "./notifications";
import { CREDENTIAL_KEYS, FILE_KEYS } from "./orchestrator-settings";
import { packageMirrorContainerPorts, packageMirrorEnvironment, packageMirrorSettings } from "./package-mirror";
import type { StackConfig } from "./stack-config";
import { stagingEnvironment, stagingVolumeMounts, stagingVolumes } from "./staging-store";

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;

/** The orchestrator's key files (config.ts): which Secret of `spe:keySecrets` each comes from. */
const KEY_FILES = [
  { secret: "pseudonymisation", env: "PSEUDONYMISATION_KEY_FILE" },
  { secret: "releaseSigning", env: "SIGNING_KEY_FILE" },
  { secret: "staging", env: "STAGING_KEY_FILE" },
  { secret: "cookie", env: "COOKIE_SECRET_FILE" },
] as const;
const keyVolumeName = (secret: string) => `${secret.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-key`;
const keyPath = (secret: string, key: string) => `${MOUNTS.keys}/${keyVolumeName(secret)}/${key}`;

/** A numeric uid, so that the kubelet can check runAsNonRoot without reading the image. */
export const ORCHESTRATOR_UID = 10001;

export interface OrchestratorPodRefs {
  serviceAccountName: pulumi.Input<string>;
  credentialsSecretName: pulumi.Input<string>;
  filesConfigMapName: pulumi.Input<string>;
  dataClaimName: pulumi.Input<string>;
}

/**
 * The orchestrator's environment: the variables of orchestrator/src/config.ts. Credentials come from the
 * Secret by reference; everything here is plain because it is not secret.
 */
function environment(config: StackConfig, refs: OrchestratorPodRefs) {
  const plain: Record<string, string | undefined> = {
    NODE_ENV: "production",
    HOST: "0.0.0.0",
    PORT: String(ORCHESTRATOR_PORT),
    // The loaders' listener, on the pod's address for the loaders the NetworkPolicy lets in.
    STAGING_PORT: String(STAGING_PORT),
    STAGING_HOST: "0.0.0.0",
    PUBLIC_URL: config.publicUrl,
    WORKSPACE_DOMAIN: config.workspaceDomain,
    LOG_LEVEL: config.logLevel,
    // Shared by the replicas (a ReadWriteMany volume): deliveries, staged extracts, quarantined outputs.
    DATA_DIR: MOUNTS.dataDir,
    KUBECONFIG: `${MOUNTS.files}/${FILE_KEYS.kubeconfig}`,
    TRUSTED_ISSUERS_FILE: `${MOUNTS.files}/${FILE_KEYS.trustedIssuers}`,
    ...Object.fromEntries(KEY_FILES.map(({ secret, env }) => [env, keyPath(secret, config.keySecrets[secret].key)])),
    OIDC_ISSUER: config.oidc.issuer,
    OIDC_CLIENT_ID: config.oidc.clientId,
    OIDC_ROLES_CLAIM: config.oidc.rolesClaim,
    OIDC_ROLE_MAPPING: config.oidc.roleMapping,
    OIDC_REQUIRED_ACR: config.oidc.requiredAcr?.join(","),
    OIDC_REQUIRED_AMR: config.oidc.requiredAmr?.join(","),
    AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
    // On the pod's address, for the scrapers the NetworkPolicy lets in (platform-network-policies.ts).
    METRICS_PORT: config.metrics && String(config.metrics.port),
    METRICS_HOST: config.metrics && "0.0.0.0",
    // Environments pull from the registry admission allows, their loaders fetch from the staging Service, and
    // their workspaces' pip reaches the mirror's Service by its fixed address.
    ENVIRONMENT_SETTINGS: JSON.stringify({
      imageRegistry: config.images.registry,
      platformNamespace: PLATFORM_NAMESPACE,
      stagingUrl: `http://${STAGING_SERVICE_NAME}.${PLATFORM_NAMESPACE}.svc.cluster.local:${STAGING_PORT}/staging`,
      ...packageMirrorSettings(config.packageMirror),
    }),
    ...packageMirrorEnvironment(config.packageMirror),
    ...stagingEnvironment(config.staging),
    ...notificationsEnvironment(config.notifications, `${MOUNTS.files}/${FILE_KEYS.webhooks}`),
    // The root filesystem is read-only; anything that wants a home (DuckDB's extension cache) gets /tmp.
    HOME: MOUNTS.tmp,
  };
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: refs.credentialsSecretName, key } },
  });
  return [
    ...Object.entries(plain)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([name, value]) => ({ name, value })),
    fromSecret("DATABASE_URL", CREDENTIAL_KEYS.databaseUrl),
    fromSecret("OIDC_CLIENT_SECRET", CREDENTIAL_KEYS.oidcClientSecret),
  ];
}

/**
 * The orchestrator's pod: restricted in every way Pod Security knows (non-root numeric uid, no privilege
 * escalation, no capabilities, RuntimeDefault seccomp) and with a read-only root filesystem; it writes only
 * to /tmp (an emptyDir) and its data volume. Keys are files from Secrets that already exist in spe-system
 * (the stack config names them), so the master key never passes through Pulumi's state.
 */
export function orchestratorPodTemplate(config: StackConfig, refs: OrchestratorPodRefs): PodTemplate {
  // Each key Secret in a directory of its own: only the one key, readable by the pod's group only.
  const keyVolumes = KEY_FILES.map(({ secret }) => ({
    name: keyVolumeName(secret),
    secret: {
      secretName: config.keySecrets[secret].name,
      items: [{ key: config.keySecrets[secret].key, path: config.keySecrets[secret].key }],
      defaultMode: 0o440,
    },
  }));
  return {
    metadata: { labels: { ...ORCHESTRATOR_POD_LABELS } },
    spec: {
      serviceAccountName: refs.serviceAccountName,
      // The one pod that needs a token: it is the orchestrator's identity towards the API server.
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: ORCHESTRATOR_UID,
        runAsGroup: ORCHESTRATOR_UID,
        fsGroup: ORCHESTRATOR_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      // Spread the replicas over nodes so one node's loss does not take the API down.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { ...ORCHESTRATOR_POD_LABELS } },
        },
      ],
      containers: [
        {
          name: ORCHESTRATOR_NAME,
          image: `${config.images.registry}/${config.images.orchestrator}`,
          imagePullPolicy: "IfNotPresent",
          ports: [
            { name: "http", containerPort: ORCHESTRATOR_PORT, protocol: "TCP" },
            { name: "staging", containerPort: STAGING_PORT, protocol: "TCP" },
            ...(config.metrics ? [{ name: "metrics", containerPort: config.metrics.port, protocol: "TCP" }] : []),
            ...packageMirrorContainerPorts(config.packageMirror),
          ],
          env: environment(config, refs),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: ORCHESTRATOR_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          },
          resources: { requests: { ...config.resources.requests }, limits: { ...config.resources.limits } },
          // /healthz answers 503 when the API server cannot be reached: not ready then, but only restarted
          // if that lasts, since restarting does not bring the API server back.
          readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
          livenessProbe: {
            httpGet: { path: "/healthz", port: "http" },
            initialDelaySeconds: 30,
            periodSeconds: 20,
            failureThreshold: 6,
          },
          startupProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5, failureThreshold: 60 },
          volumeMounts: [
            { name: "tmp", mountPath: MOUNTS.tmp },
            { name: "data", mountPath: MOUNTS.dataDir },
            { name: "files", mountPath: MOUNTS.files, readOnly: true },
            ...keyVolumes.map(({ name }) => ({ name, mountPath: `${MOUNTS.keys}/${name}`, readOnly: true })),
            ...stagingVolumeMounts(config.staging),
            ...notificationsVolumeMounts(config.notifications),
          ],
        },
      ],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
        { name: "data", persistentVolumeClaim: { claimName: refs.dataClaimName } },
        { name: "files", configMap: { name: refs.filesConfigMapName, defaultMode: 0o444 } },
        ...keyVolumes,
        ...stagingVolumes(config.staging),
        ...notificationsVolumes(config.notifications),
      ],
    },
  };
}
