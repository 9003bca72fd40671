// Service → pod address, as the gateway of `npm start` finds a workspace on the local node, against the
// shared control plane (no node needed: the pod's status is written as a kubelet would).
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { serviceUpstream } from "./pod-upstream";

describe("serviceUpstream", () => {
  const namespace = `upstream-${randomBytes(3).toString("hex")}`;
  let admin: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  const pod = (name: string, labels: Record<string, string>): k8s.V1Pod => ({
    metadata: { name, labels },
    spec: {
      containers: [
        {
          name: "tool",
          image: "registry.spe.internal/spe/none:1",
          ports: [
            { name: "http", containerPort: 8888 },
            { name: "other", containerPort: 9999 },
          ],
        },
      ],
    },
  });
  /** What the kubelet would report: an address and whether the pod is ready. */
  const setStatus = async (name: string, podIP: string, ready: boolean) => {
    const current = await core.readNamespacedPod({ namespace, name });
    const status = {
      phase: "Running",
      podIP,
      podIPs: [{ ip: podIP }],
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    };
    await core.replaceNamespacedPodStatus({ namespace, name, body: { ...current, status } });
  };

  beforeAll(async () => {
    admin = new k8s.KubeConfig();
    admin.loadFromFile(inject("kubeconfig"));
    core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "workspace" },
        spec: { selector: { component: "workspace" }, ports: [{ port: 80, targetPort: "http" }] },
      },
    });
    await core.createNamespacedPod({ namespace, body: pod("other-app", { component: "other" }) });
    await core.createNamespacedPod({ namespace, body: pod("workspace-1", { component: "workspace" }) });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("refuses a Service that does not exist, and one whose pod is not ready, with stable codes", async () => {
    const resolve = serviceUpstream(admin);
    await expect(resolve(namespace, "airlock")).rejects.toMatchObject({ code: "UPSTREAM_NOT_FOUND" });
    await setStatus("other-app", "10.244.0.7", true);
    await setStatus("workspace-1", "10.244.0.9", false);
    await expect(resolve(namespace, "workspace")).rejects.toMatchObject({
      code: "UPSTREAM_NOT_READY",
      message: expect.stringContaining("(1 pod(s) selected)"),
    });
  });

  it("answers the selected ready pod's address at the container port the Service's targetPort names", async () => {
    await setStatus("workspace-1", "10.244.0.9", true);
    expect(await serviceUpstream(admin)(namespace, "workspace")).toBe("http://10.244.0.9:8888");
  });
});
