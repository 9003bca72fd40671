import { dirname, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { nodeComponentTokens } from "./identities";

function client(kubeconfig: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

const refusal = (request: Promise<unknown>) =>
  request.then(
    () => "allowed",
    (err: unknown) => (err instanceof k8s.ApiException ? err.code : err),
  );

// Against the shared control plane: the node's identities are roles and bindings, no node needs to run.
describe("the local node's identities", () => {
  let core: k8s.CoreV1Api;
  let asKubelet: k8s.CoreV1Api;

  beforeAll(async () => {
    const admin = client(inject("kubeconfig"));
    core = admin.makeApiClient(k8s.CoreV1Api);
    asKubelet = client(join(dirname(inject("kubeconfig")), "kubelet.kubeconfig")).makeApiClient(k8s.CoreV1Api);
    await nodeComponentTokens(admin);
  });

  it("let the kubelet read a claim before any pod of its node uses it, and still no Secret", async () => {
    const namespace = `node-volumes-${Math.random().toString(36).slice(2, 8)}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    try {
      await core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: {
          metadata: { name: "home" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      });
      await core.createNamespacedSecret({ namespace, body: { metadata: { name: "s" }, stringData: { k: "v" } } });
      // What the kubelet asks for when its pod watch is ahead of the Node authorizer's graph.
      const claim = await asKubelet.readNamespacedPersistentVolumeClaim({ namespace, name: "home" });
      expect(claim.metadata?.name).toBe("home");
      // Get only: no listing, no change, and Secrets and pods are still the Node authorizer's alone.
      expect(await refusal(asKubelet.listNamespacedPersistentVolumeClaim({ namespace }))).toBe(403);
      expect(await refusal(asKubelet.deleteNamespacedPersistentVolumeClaim({ namespace, name: "home" }))).toBe(403);
      expect(await refusal(asKubelet.readNamespacedSecret({ namespace, name: "s" }))).toBe(403);
      expect(await refusal(asKubelet.listNamespacedPod({ namespace }))).toBe(403);
    } finally {
      await core.deleteNamespace({ name: namespace });
    }
  });
});
