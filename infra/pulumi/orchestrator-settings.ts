import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { ORCHESTRATOR_POD_LABELS } from "./names";
import { webhooksFileContent } from "./notifications";
import type { StackConfig } from "./stack-config";

export interface OrchestratorSettingsArgs {
  namespace: pulumi.Input<string>;
  config: StackConfig;
}

/** Keys of the credentials Secret; the Deployment refers to them with env `valueFrom.secretKeyRef`. */
export const CREDENTIAL_KEYS = { databaseUrl: "database-url", oidcClientSecret: "oidc-client-secret" } as const;
/** Keys of the files ConfigMap, mounted under /etc/spe/config (not nested with the key volumes). */
export const FILE_KEYS = {
  trustedIssuers: "trusted-issuers.json",
  kubeconfig: "kubeconfig",
  webhooks: "notification-webhooks.json",
} as const;

const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The orchestrator reads its cluster from KUBECONFIG (it has no in-cluster mode: without one it would
 * start a local control plane). This kubeconfig points it at the API server with its own projected
 * ServiceAccount token; client-node's "tokenFile" provider re-reads the file, so rotated tokens are used.
 */
export const inClusterKubeconfig = stringify({
  apiVersion: "v1",
  kind: "Config",
  clusters: [
    {
      name: "in-cluster",
      cluster: { server: "https://kubernetes.default.svc", "certificate-authority": `${serviceAccountDir}/ca.crt` },
    },
  ],
  users: [
    {
      name: "spe-orchestrator",
      user: { "auth-provider": { name: "tokenFile", config: { tokenFile: `${serviceAccountDir}/token` } } },
    },
  ],
  contexts: [{ name: "in-cluster", context: { cluster: "in-cluster", user: "spe-orchestrator" } }],
  "current-context": "in-cluster",
});

/**
 * What the orchestrator reads besides plain settings: a Secret with the credentials from the stack's
 * secret config (never a plain env value, so they stay out of the Deployment and of `kubectl describe`),
 * and a ConfigMap with the trusted HDABs' public keys and the in-cluster kubeconfig.
 */
export class OrchestratorSettings extends pulumi.ComponentResource {
  readonly credentialsSecretName: pulumi.Output<string>;
  readonly filesConfigMapName: pulumi.Output<string>;

  constructor(name: string, args: OrchestratorSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:OrchestratorSettings", name, {}, opts);
    const labels = { ...ORCHESTRATOR_POD_LABELS };
    const { secrets, trustedIssuers } = args.config;
    const webhooks = webhooksFileContent(args.config.notifications);

    const credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: "spe-orchestrator-credentials", namespace: args.namespace, labels },
        type: "Opaque",
        stringData: {
          [CREDENTIAL_KEYS.databaseUrl]: secrets.databaseUrl,
          [CREDENTIAL_KEYS.oidcClientSecret]: secrets.oidcClientSecret,
        },
      },
      { parent: this, additionalSecretOutputs: ["data", "stringData"] },
    );
    const files = new k8s.core.v1.ConfigMap(
      `${name}-files`,
      {
        metadata: { name: "spe-orchestrator-files", namespace: args.namespace, labels },
        data: {
          [FILE_KEYS.trustedIssuers]: JSON.stringify(trustedIssuers, null, 2),
          [FILE_KEYS.kubeconfig]: inClusterKubeconfig,
          ...(webhooks ? { [FILE_KEYS.webhooks]: webhooks } : {}),
        },
      },
      { parent: this },
    );
    this.credentialsSecretName = credentials.metadata.name;
    this.filesConfigMapName = files.metadata.name;
    this.registerOutputs({
      credentialsSecretName: this.credentialsSecretName,
      filesConfigMapName: this.filesConfigMapName,
    });
  }
}
