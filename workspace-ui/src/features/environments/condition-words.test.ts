import type { TFunction } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { CONDITION_SENTENCES } from "../../../../orchestrator/src/environments/condition-sentences";
import {
  inactiveConditions,
  observeConditions,
  type Observation,
} from "../../../../orchestrator/src/environments/observe";
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
  metadata: { name: "workspace" },
  status: { availableReplicas },
});
const observed = (o: Partial<Observation> & { applied: object[] }) =>
  observeConditions({ desiredState: "active", anythingStaged: true, ...o, applied: o.applied as never });

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
    "read in English as the reconciler's message when %s (but for validFrom, which is a date)",
    (_, conditions) => {
      const received = asReceived(conditions);
      for (const c of received.filter((c) => c.type !== "Ready" && c.reason !== "NotYetValid"))
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
