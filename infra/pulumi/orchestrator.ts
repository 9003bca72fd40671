import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  MIRROR_PORT,
  MIRROR_SERVICE_NAME,
  ORCHESTRATOR_NAME,
  ORCHESTRATOR_POD_LABELS,
  ORCHESTRATOR_PORT,
  STAGING_PORT,
  STAGING_SERVICE_NAME,
} from "./names";
import { orchestratorPodTemplate } from "./orchestrator-pod";
import type { StackConfig } from "./stack-config";

export interface OrchestratorArgs {
  namespace: pulumi.Input<string>;
  config: StackConfig;
  serviceAccountName: pulumi.Input<string>;
  credentialsSecretName: pulumi.Input<string>;
  filesConfigMapName: pulumi.Input<string>;
}

/**
 * The orchestrator: API, reconciler, gateway and the UI in one image (it serves the built workspace-ui
 * itself, so there is no second web server to install). At least two replicas — one holds the reconciler's
 * Lease, the others serve the API and take the Lease over — a PodDisruptionBudget that keeps one up
 * through node drains, a ClusterIP Service for people (put your ingress in front of it), another under the
 * name data loaders expect for their staging listener alone (no ingress is to point at it), one at the fixed
 * address the stack gives the package mirror (workspaces have no DNS), and the data volume the replicas share.
 */
export class Orchestrator extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: OrchestratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spe:platform:Orchestrator", name, {}, opts);
    const { config } = args;
    const child = { parent: this };
    const labels = { ...ORCHESTRATOR_POD_LABELS };
    // Only for a test control plane without nodes: nothing would ever become ready there.
    const annotations = config.skipAwait ? { "pulumi.com/skipAwait": "true" } : undefined;

    const data = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-data`,
      {
        metadata: { name: "spe-orchestrator-data", namespace: args.namespace, labels, annotations },
        spec: {
          accessModes: ["ReadWriteMany"],
          storageClassName: config.dataVolume.storageClassName,
          resources: { requests: { storage: config.dataVolume.size } },
        },
      },
      // Deleting the stack must not delete staged extracts and quarantined outputs with it.
      { ...child, retainOnDelete: true },
    );

    const selector = { matchLabels: labels };
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: ORCHESTRATOR_NAME, namespace: args.namespace, labels, annotations },
        spec: {
          replicas: config.replicas,
          selector,
          // Never fewer ready replicas than asked for during a rollout: surge one, then retire one.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: orchestratorPodTemplate(config, { ...args, dataClaimName: data.metadata.name }),
        },
      },
      child,
    );
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name: ORCHESTRATOR_NAME, namespace: args.namespace, labels, annotations },
        spec: {
          type: "ClusterIP",
          selector: labels,
          // No session affinity: every replica signs sign-in cookies with the same key (COOKIE_SECRET_FILE)
          // and keeps sessions in PostgreSQL, so any replica may answer any request.
          ports: [{ name: "http", port: ORCHESTRATOR_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      child,
    );
    // The loaders' port alone, under a name of its own: an ingress for people names the Service above.
    new k8s.core.v1.Service(
      `${name}-staging`,
      {
        metadata: { name: STAGING_SERVICE_NAME, namespace: args.namespace, labels, annotations },
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [{ name: "staging", port: STAGING_PORT, targetPort: "staging", protocol: "TCP" }],
        },
      },
      child,
    );
    // The mirror's port alone, at the address workspaces' pip is given (packageMirror.clusterIP).
    if (config.packageMirror)
      new k8s.core.v1.Service(
        `${name}-mirror`,
        {
          metadata: { name: MIRROR_SERVICE_NAME, namespace: args.namespace, labels, annotations },
          spec: {
            type: "ClusterIP",
            clusterIP: config.packageMirror.clusterIP,
            selector: labels,
            ports: [{ name: "mirror", port: MIRROR_PORT, targetPort: "mirror", protocol: "TCP" }],
          },
        },
        child,
      );
    new k8s.policy.v1.PodDisruptionBudget(
      name,
      { metadata: { name: ORCHESTRATOR_NAME, namespace: args.namespace, labels }, spec: { minAvailable: 1, selector } },
      child,
    );
    this.serviceName = service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
