import * as k8s from "@kubernetes/client-node";
import { inject } from "vitest";
import { LOADER_SERVICE_ACCOUNT, STAGING_AUDIENCE } from "../src/staging/loader-identity";
import { eventually } from "./eventually";

/**
 * A real projected token of an environment's data-loader ServiceAccount for the staging audience, bound to
 * the pod the reconciler's loader Job made (it never runs: there is no node), issued by the API server as
 * the kubelet would have it issued for that pod. Waits for the pod.
 */
export async function loaderTokenFor(namespace: string): Promise<string> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject("kubeconfig"));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pod = await eventually(
    `the data loader's pod in ${namespace} exists`,
    async () =>
      (
        await core.listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/component=data-loader" })
      ).items.find((p) => !p.metadata?.deletionTimestamp),
    60_000,
  );
  const request = await core.createNamespacedServiceAccountToken({
    name: LOADER_SERVICE_ACCOUNT,
    namespace,
    body: {
      spec: {
        audiences: [STAGING_AUDIENCE],
        expirationSeconds: 600,
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata!.name, uid: pod.metadata!.uid },
      },
    },
  });
  return request.status!.token;
}
