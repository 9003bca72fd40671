// Class 4 of the attack suite, placement and priority: pods that pick their node (by name, by a
// control-plane or host label, by tolerating a control-plane taint) or take a system priority class. The
// orchestrator's own tolerations for GPU nodes stay allowed.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  attackEnvironment,
  expectRefused,
  goodSpec,
  insidersOf,
  refusal,
  unique,
  workload,
  type AttackEnvironment,
} from "./attack-environment";

const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
const required = (term: k8s.V1NodeSelectorTerm): k8s.V1Affinity => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
});

const PLACEMENT_CASES: Array<[string, Partial<k8s.V1PodSpec>, RegExp]> = [
  ["nodeName", { nodeName: "control-plane-1" }, /it picks its node \(nodeName control-plane-1\)/],
  [
    "a control-plane nodeSelector",
    { nodeSelector: { [CONTROL_PLANE]: "" } },
    /it picks its node \(node label node-role\.kubernetes\.io\/control-plane\)/,
  ],
  [
    "node affinity to a host name",
    {
      affinity: required({
        matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["control-plane-1"] }],
      }),
    },
    /it picks its node \(node label kubernetes\.io\/hostname\)/,
  ],
  [
    "preferred affinity to control-plane nodes",
    {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, preference: { matchExpressions: [{ key: CONTROL_PLANE, operator: "Exists" }] } },
          ],
        },
      },
    },
    /it picks its node \(node label node-role\.kubernetes\.io\/control-plane\)/,
  ],
  [
    "node affinity to a node's name field",
    { affinity: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["control-plane-1"] }] }) },
    /it picks its node \(node label field metadata\.name\)/,
  ],
  [
    "a toleration of the control-plane taint",
    { tolerations: [{ key: CONTROL_PLANE, operator: "Exists", effect: "NoSchedule" }] },
    /it tolerates node-role\.kubernetes\.io\/control-plane, which would let it onto nodes kept for the control plane/,
  ],
  ["a toleration of every taint", { tolerations: [{ operator: "Exists" }] }, /it tolerates every taint/],
  [
    "a system priority class",
    { priorityClassName: "system-node-critical" },
    /it takes the priority class system-node-critical, kept for the cluster's own components/,
  ],
];

describe("placement and priority in an environment, against the real API server", () => {
  let env: AttackEnvironment;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
  });
  afterAll(() => env.remove());

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);
    const objects = () => k8s.KubernetesObjectApi.makeApiClient(env.as(user()));

    describe.each(["Deployment", "Job", "CronJob"] as const)("a %s whose pod template has", (kind) => {
      it.each(PLACEMENT_CASES)("%s: refused", async (_case, change, message) => {
        await expectRefused(
          objects().create(workload(kind, env.namespace, `placed-${unique()}`, { ...goodSpec(), ...change })),
          "spe-environment-pods",
          message,
        );
      });
    });

    it.each(PLACEMENT_CASES)("a Pod with %s: refused", async (_case, change, message) => {
      const r = await refusal(
        objects().create(workload("Pod", env.namespace, `placed-${unique()}`, { ...goodSpec(), ...change })),
      );
      expect(r.code).toBe(403);
      expect(r.message).toMatch(message);
    });

    it("a toleration of GPU nodes' taint is accepted (a permit may ask for a GPU)", async () => {
      const created = await objects().create(
        workload("Deployment", env.namespace, `gpu-${unique()}`, {
          ...goodSpec(),
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        }),
      );
      expect(created.metadata?.uid).toBeDefined();
    });
  });
});
