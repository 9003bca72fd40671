// The gateway and the airlock reach the pod the orchestrator identified itself (its Deployment, by uid, its
// ReplicaSet, by uid), not whatever carries the right labels — against the real API server, as the
// orchestrator's own identity. There is no node here: the test writes the pods' status as a kubelet would.
import { createServer } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../../test/eventually";
import { applyObject } from "./apply";
import { ownedLabels } from "./owned-labels";
import { examplePermit, TEST_WORKSPACE_IDENTITIES, withPersons } from "../permits/test-fixtures";
import { desiredObjects } from "../environments/desired/index";
import { defaultEnvironmentConfig as config } from "../environments/environment-config";
import { ownedPodOrigin } from "./owned-pod-origin";

const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
const namespace = `spe-origin-${Date.now().toString(36)}`;
const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
const permit = examplePermit({
  authorisedPersons: [person("alice"), person("bob")],
  principalInvestigator: person("alice"),
});
const [alice, bob] = ["alice", "bob"].map((s) => TEST_WORKSPACE_IDENTITIES.personIdOf(namespace, s)) as [
  string,
  string,
];

describe("ownedPodOrigin, against the real API server", () => {
  let core: k8s.CoreV1Api;
  let orchestrator: k8s.KubeConfig;

  /** Marks a pod running and ready at `ip`, as the kubelet would. */
  const run = async (name: string, ip: string) => {
    const pod = await core.readNamespacedPod({ name, namespace });
    const now = new Date();
    await core.replaceNamespacedPodStatus({
      name,
      namespace,
      body: {
        ...pod,
        status: {
          phase: "Running",
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }],
        },
      },
    });
  };

  beforeAll(async () => {
    orchestrator = kubeconfig(inject("orchestratorKubeconfig"));
    core = kubeconfig(inject("kubeconfig")).makeApiClient(k8s.CoreV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(orchestrator);
    for (const object of desiredObjects(withPersons({ namespace, permit, desiredState: "active" }), config))
      await applyObject(objects, object);
  });
  afterAll(() => core.deleteNamespace({ name: namespace }).catch(() => {}));

  const podOf = (selector: string) =>
    eventually(`a pod of ${selector}`, async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
      return pods.items[0]?.metadata?.name;
    });

  it("says a person's workspace is not running until their own pod is ready, then leads there, and never to another's", async () => {
    const workspace = ownedPodOrigin(orchestrator, "workspace");
    await expect(workspace(namespace, alice)).rejects.toThrow(
      new RegExp(`No ready pod of the orchestrator's Deployment workspace-${alice}`),
    );
    await run(await podOf(`spe.ehds.eu/person=${alice}`), "10.244.0.10");
    expect(await ownedPodOrigin(orchestrator, "workspace")(namespace, alice)).toBe(
      `http://10.244.0.10:${config.workspacePort}`,
    );
    // bob's pod is not ready: alice's, which is, is not where bob goes.
    await expect(ownedPodOrigin(orchestrator, "workspace")(namespace, bob)).rejects.toThrow(/No ready pod/);
    await expect(ownedPodOrigin(orchestrator, "workspace")(namespace)).rejects.toThrow(/by its person's id/);
  });

  it("leads to a started pod that is not Ready yet as soon as its port accepts, not before", async () => {
    const pod = await podOf(`spe.ehds.eu/person=${bob}`);
    // A loopback address of its own stands for the pod's: nothing else here listens on the workspace port there.
    const ip = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const current = await core.readNamespacedPod({ name: pod, namespace });
    await core.replaceNamespacedPodStatus({
      name: pod,
      namespace,
      body: {
        ...current,
        status: {
          phase: "Running",
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [{ type: "Ready", status: "False", lastTransitionTime: new Date() }],
          containerStatuses: [
            {
              name: "jupyterlab",
              image: "x",
              imageID: "x",
              ready: false,
              restartCount: 0,
              state: { running: { startedAt: new Date() } },
            },
          ],
        },
      },
    });
    await expect(ownedPodOrigin(orchestrator, "workspace")(namespace, bob)).rejects.toThrow(/No ready pod/);
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(config.workspacePort, ip, resolve));
    try {
      expect(await ownedPodOrigin(orchestrator, "workspace")(namespace, bob)).toBe(
        `http://${ip}:${config.workspacePort}`,
      );
    } finally {
      server.close();
    }
  });

  it("leads the airlock to the agent's own pod, at its port", async () => {
    await run(await podOf("app.kubernetes.io/component=airlock"), "10.244.0.11");
    expect(await ownedPodOrigin(orchestrator, "airlock")(namespace)).toBe(`http://10.244.0.11:${config.airlockPort}`);
  });

  it("never leads to a ready pod with the workspace's labels that the orchestrator's ReplicaSet did not make", async () => {
    // A break-glass administrator (who alone may still put these labels on) makes an impostor, and our own
    // pod goes away: the impostor is never chosen.
    const spec: k8s.V1PodSpec = {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "jupyterlab",
          image: `${config.imageRegistry}/${config.images.jupyterlab}`,
          ports: [{ name: "http", containerPort: config.workspacePort }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    };
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "impostor", labels: { ...ownedLabels(namespace, "workspace"), "spe.ehds.eu/person": alice } },
        spec,
      },
    });
    await run("impostor", "10.244.9.9");
    await orchestrator
      .makeApiClient(k8s.AppsV1Api)
      .patchNamespacedDeployment(
        { name: `workspace-${alice}`, namespace, body: { spec: { replicas: 0 } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
    await eventually("only the impostor is left", async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `spe.ehds.eu/person=${alice}` });
      return pods.items.every((p) => p.metadata?.name === "impostor" || p.metadata?.deletionTimestamp) || undefined;
    });
    await expect(ownedPodOrigin(orchestrator, "workspace")(namespace, alice)).rejects.toThrow(
      new RegExp(
        `No ready pod of the orchestrator's Deployment workspace-${alice} in .* \\(\\d workspace pod\\(s\\) there\\)`,
      ),
    );
  });
});
