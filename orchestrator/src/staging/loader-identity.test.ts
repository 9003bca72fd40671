// The data loader's identity, as the real API server's TokenReview tells it to the orchestrator's own identity:
// a projected token of the namespace's data-loader ServiceAccount, for the staging audience, bound to a pod
// that exists. Tokens are issued here by the administrator with a TokenRequest, as the kubelet does for a pod.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LOADER_SERVICE_ACCOUNT, STAGING_AUDIENCE, tokenReviewLoaderIdentity } from "./loader-identity";

const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
const namespace = `spe-loader-id-${Date.now().toString(36)}`;

describe("tokenReviewLoaderIdentity, against the real API server", () => {
  let core: k8s.CoreV1Api;
  let pod: k8s.V1Pod;
  const tokenFor = async (serviceAccount: string, audiences: string[], boundTo?: k8s.V1Pod) =>
    (
      await core.createNamespacedServiceAccountToken({
        name: serviceAccount,
        namespace,
        body: {
          spec: {
            audiences,
            expirationSeconds: 600,
            boundObjectRef: boundTo
              ? { apiVersion: "v1", kind: "Pod", name: boundTo.metadata!.name, uid: boundTo.metadata!.uid }
              : undefined,
          },
        },
      })
    ).status!.token;

  beforeAll(async () => {
    core = kubeconfig(inject("kubeconfig")).makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    for (const name of [LOADER_SERVICE_ACCOUNT, "workspace"])
      await core.createNamespacedServiceAccount({
        namespace,
        body: { metadata: { name }, automountServiceAccountToken: false },
      });
    pod = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "data-loader-abc12" },
        spec: {
          serviceAccountName: LOADER_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          containers: [{ name: "loader", image: "registry.spe.internal/spe/data-loader:1.0.0" }],
        },
      },
    });
  });
  afterAll(() => core.deleteNamespace({ name: namespace }).catch(() => {}));

  it("knows the loader's pod by its token, for its own namespace only", async () => {
    const identity = tokenReviewLoaderIdentity(kubeconfig(inject("orchestratorKubeconfig")));
    const token = await tokenFor(LOADER_SERVICE_ACCOUNT, [STAGING_AUDIENCE], pod);
    expect(await identity(token, namespace)).toEqual({ ok: true, pod: "data-loader-abc12" });
    expect(await identity(token, "spe-another-environment")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not this environment's data loader's/),
    });
  });

  it.each([
    ["another ServiceAccount's token", "workspace", [STAGING_AUDIENCE], false, /not this environment's data loader's/],
    ["a token for the Kubernetes API", LOADER_SERVICE_ACCOUNT, [], true, /./],
    ["a token bound to no pod", LOADER_SERVICE_ACCOUNT, [STAGING_AUDIENCE], false, /bound to no pod/],
  ])("refuses %s", async (_what, account, audiences, bound, reason) => {
    const identity = tokenReviewLoaderIdentity(kubeconfig(inject("orchestratorKubeconfig")));
    const token = await tokenFor(account, audiences, bound ? pod : undefined);
    expect(await identity(token, namespace)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("refuses the loader's token once its pod is gone (a copy outlives nothing)", async () => {
    const identity = tokenReviewLoaderIdentity(kubeconfig(inject("orchestratorKubeconfig")));
    const token = await tokenFor(LOADER_SERVICE_ACCOUNT, [STAGING_AUDIENCE], pod);
    await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace, gracePeriodSeconds: 0 });
    await expect
      .poll(async () => (await identity(token, namespace)).ok, { timeout: 15_000, interval: 200 })
      .toBe(false);
  });
});
