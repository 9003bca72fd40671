import type { TFunction } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { CONDITION_SENTENCES } from "../../../../orchestrator/src/environments/condition-sentences";
import {
  inactiveConditions,
  observeConditions,
  type Observation,
} from "../../../../orchestrator/src/environments/observe";
import type { ClusterView } from "../../../../orchestrator/src/environments/workload-health";
import { testTranslators } from "../../locales/test-translators";
import { conditionSaid } from "./condition-words";

const deny = {
  kind: "NetworkPolicy",
  metadata: { name: "deny-all" },
  spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
};
const job = (status: object) => ({ kind: "Job", metadata: { name: "data-loader" }, spec: { backoffLimit: 3 }, status });
const deployment = (availableReplicas: number) => ({
  kind: "Deployment",
  // A person's workspace, found by its component label (each person has one, named by an opaque id).
  metadata: { name: "workspace-0123456789abcdef0123", labels: { "app.kubernetes.io/component": "workspace" } },
  status: { availableReplicas },
});
const observed = (o: Partial<Observation> & { applied: object[] }) =>
  observeConditions({ desiredState: "active", anythingStaged: true, ...o, applied: o.applied as never });

// Pods as the cluster reports them, for the reasons an environment is stuck.
const t0 = new Date("2026-12-07T12:00:00Z");
const late = new Date("2026-12-07T14:00:00Z");
const workspacePod = (status: object, nodeName?: string, labels = { "app.kubernetes.io/component": "workspace" }) => ({
  metadata: {
    name: "workspace-1",
    creationTimestamp: t0,
    labels,
    ownerReferences: [{ kind: "Job", name: "data-loader" }],
  },
  spec: { nodeName, containers: [{ name: "workspace", image: "img:1" }] },
  status,
});
const waitingPod = (reason: string, message: string) =>
  workspacePod(
    {
      phase: "Pending",
      containerStatuses: [
        {
          name: "workspace",
          image: "img:1",
          state: { waiting: { reason, message } },
          lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } },
        },
      ],
    },
    "node-1",
  );
const cluster = (pods: object[], nodes = 1, refusals: object[] = []) =>
  ({ pods, nodes, refusals }) as unknown as ClusterView;
const refusedDeployment = (message: string) => ({
  ...deployment(0),
  status: { conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message }] },
});
const stuck = (cases: Partial<Observation> & { applied?: object[] }) =>
  observed({ applied: [deny, deployment(0)], now: late, ...cases });

/** Conditions as the reconciler makes them, through JSON as the UI receives them, for every reason it has. */
const CASES = {
  running: observed({ applied: [deny, job({ succeeded: 1 }), deployment(1)] }),
  loading: observed({ applied: [deny, job({}), deployment(0)] }),
  "load failed": observed({ applied: [deny, job({ failed: 4 }), deployment(0)] }),
  "awaiting two deliveries": observed({
    applied: [{ ...deny, spec: { ...deny.spec, ingress: [{}] } }, deployment(0)],
    awaitingDelivery: ["patientregistret@2026-09", "lakemedel@2026-06"],
  }),
  "no datasets, suspended": observed({
    applied: [deny, deployment(0)],
    anythingStaged: false,
    desiredState: "suspended",
  }),
  "apply failed": observed({ applied: [], applyError: "Namespace spe-x: 403: forbidden" }),
  "someone else's objects removed": observed({
    applied: [deny, job({ succeeded: 1 }), deployment(1)],
    foreignRemoved: ["Deployment/miner", "Pod/stray"],
  }),
  "waiting for the quota's usage": stuck({ quotaUncountedSince: new Date(late.getTime() - 1000) }),
  "the quota's usage never computed": stuck({ quotaUncountedSince: t0 }),
  "an image that cannot be pulled": stuck({ cluster: cluster([waitingPod("ImagePullBackOff", "Back-off pulling")]) }),
  "a crash loop": stuck({ cluster: cluster([waitingPod("CrashLoopBackOff", "back-off 40s")]) }),
  "a container that cannot be made": stuck({ cluster: cluster([waitingPod("CreateContainerError", "no such file")]) }),
  "a pod no node fits": stuck({
    cluster: cluster([
      workspacePod({
        conditions: [
          { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available" },
        ],
      }),
    ]),
  }),
  "no node at all": stuck({ cluster: cluster([workspacePod({})], 0) }),
  "no scheduler": stuck({ cluster: cluster([workspacePod({})], 2) }),
  "a pod the quota refused": stuck({ applied: [deny, refusedDeployment("exceeded quota: environment")] }),
  "a pod admission refused": stuck({ applied: [deny, refusedDeployment("violates PodSecurity")] }),
  "a loader that fails and retries": stuck({
    applied: [deny, job({ failed: 1 }), deployment(1)],
    cluster: cluster([
      workspacePod({ phase: "Failed", containerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }, "n", {
        "app.kubernetes.io/component": "data-loader",
      }),
    ]),
  }),
  "a slow start": stuck({ cluster: cluster([waitingPod("ContainerCreating", "")]) }),
  "a slow load": stuck({ applied: [deny, job({ startTime: t0 }), deployment(1)] }),
  "not yet valid": inactiveConditions("NotYetValid", { validFrom: "2027-01-01T00:00:00.000Z" }),
  "tearing down": inactiveConditions("TearingDown"),
  "torn down": inactiveConditions("TornDown"),
};
type Condition = Parameters<typeof conditionSaid>[0];
const asReceived = (conditions: unknown) =>
  JSON.parse(JSON.stringify(conditions)) as Parameters<typeof conditionSaid>[1];

let inEnglish: TFunction;
let inSwedish: TFunction;
beforeAll(async () => {
  ({ inEnglish, inSwedish } = await testTranslators());
});

describe("an environment's conditions in words", () => {
  it("cover every reason the reconciler gives", () => {
    const reasons = new Set(Object.values(CASES).flatMap((conditions) => conditions.map((c) => c.reason)));
    expect([...reasons].sort()).toEqual(Object.keys(CONDITION_SENTENCES).sort());
  });

  it.each(Object.entries(CASES))(
    "read in English as the reconciler's message when %s (but for validFrom and since, which are dates)",
    (_, conditions) => {
      const received = asReceived(conditions);
      for (const c of received.filter((c) => c.type !== "Ready" && c.reason !== "NotYetValid" && !c.values?.since))
        expect(conditionSaid(c, received, inEnglish)).toEqual({ text: c.message });
    },
  );

  it.each(Object.entries(CASES))("read in Swedish without English when %s", (_, conditions) => {
    const received = asReceived(conditions);
    for (const c of received.filter((c) => c.reason !== "ApplyFailed")) {
      const said = conditionSaid(c, received, inSwedish);
      expect(said.lang).toBeUndefined();
      expect(said.text).not.toMatch(/\{\{|\b(the|is|being|waiting|for)\b/i);
    }
  });

  it("say which datasets an environment waits for, and the date a permit starts", () => {
    const waiting = asReceived(CASES["awaiting two deliveries"]);
    expect(
      conditionSaid(
        waiting.find((c) => c.type === "DataStaged")!,
        waiting,
        inSwedish,
      ).text,
    ).toBe("Väntar på dataförvaltarens leverans av patientregistret@2026-09, lakemedel@2026-06.");
    const notYet = asReceived(CASES["not yet valid"]);
    expect(conditionSaid(notYet[0]!, notYet, inSwedish).text).toMatch(/^Beslutet gäller från .*2027/);
  });

  it("let a Ready that is not True name what it waits for", () => {
    const waiting = asReceived(CASES["awaiting two deliveries"]);
    expect(
      conditionSaid(
        waiting.find((c) => c.type === "Ready")!,
        waiting,
        inSwedish,
      ).text,
    ).toBe("väntar på: Nätverket är isolerat, Data är på plats, Arbetsytan är igång");
  });

  it("let the Ready of an environment that is off on purpose say why, not what it waits for", () => {
    for (const [name, said] of [
      ["torn down", "Miljön och allt i den är raderat."],
      ["tearing down", "Miljön raderas."],
    ] as const) {
      const off = asReceived(CASES[name]);
      expect(
        conditionSaid(
          off.find((c) => c.type === "Ready")!,
          off,
          inSwedish,
        ).text,
      ).toBe(said);
    }
  });

  it("keep the English, marked as such, for a reason this UI does not know or a condition saved without its values", () => {
    const unknown: Condition = {
      type: "DataStaged",
      status: "False",
      reason: "SomethingNew",
      message: "Something new.",
      observedGeneration: 1,
      lastTransitionTime: "",
    };
    expect(conditionSaid(unknown, [unknown], inSwedish)).toEqual({ text: "Something new.", lang: "en" });
    const older: Condition = {
      type: "DataStaged",
      status: "False",
      reason: "AwaitingDelivery",
      message: "Waiting for the data holder's delivery of x@1.",
      observedGeneration: 1,
      lastTransitionTime: "",
    };
    expect(conditionSaid(older, [older], inSwedish)).toEqual({ text: older.message, lang: "en" });
  });
});
