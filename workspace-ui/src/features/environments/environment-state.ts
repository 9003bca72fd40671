import type { AppRouter } from "@spe/orchestrator/api";
import { REASON_TONES, type Tone } from "@spe/orchestrator/environment-tones";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { TFunction } from "i18next";
import { isStuckReason } from "@spe/orchestrator/condition-sentences";
import { conditionSaid } from "./condition-words";

/** An environment as a row of the operators' table shows it. */
export type EnvironmentSummary = inferOutput<TRPCOptionsProxy<AppRouter>["environments"]["list"]>["rows"][number];

/** What an environment's state is read from: the same in operators' and researchers' lists. */
export type EnvironmentState = Pick<EnvironmentSummary, "desiredState" | "conditions">;

export type { Tone };

type KnownReason = keyof typeof REASON_TONES;
const isKnownReason = (reason: string): reason is KnownReason => reason in REASON_TONES;

/** The conditions that can be stuck, each with what it means for a researcher (locales: environmentState.stuck). */
const STUCK_TYPES = ["Provisioned", "DataStaged", "WorkspaceReady"] as const;
type StuckType = (typeof STUCK_TYPES)[number];
type Condition = EnvironmentSummary["conditions"][number];

/** Which words an environment's state takes, and its tone: pure, so it is table-tested without a language. */
export function stateOf(e: EnvironmentState): {
  key: "tornDown" | "tearingDown" | "suspended" | "notCreated" | "ready" | "stuck" | KnownReason | "other";
  tone: Tone;
  message?: string;
  /** For a stuck environment: the condition that is stuck (Ready carries its reason). */
  stuck?: Condition & { type: StuckType };
} {
  const ready = e.conditions.find((c) => c.type === "Ready");
  if (e.desiredState === "torn-down")
    return ready?.reason === "TornDown" ? { key: "tornDown", tone: "gone" } : { key: "tearingDown", tone: "working" };
  if (e.desiredState === "suspended") return { key: "suspended", tone: "paused" };
  if (!ready) return { key: "notCreated", tone: "working" };
  if (ready.status === "True") return { key: "ready", tone: "ok" };
  if (isKnownReason(ready.reason))
    return { key: ready.reason, tone: REASON_TONES[ready.reason], message: ready.message };
  const stuck = e.conditions.find(
    (c): c is Condition & { type: StuckType } =>
      (STUCK_TYPES as readonly string[]).includes(c.type) && c.status !== "True" && c.reason === ready.reason,
  );
  if (isStuckReason(ready.reason) && stuck) return { key: "stuck", tone: "problem", message: ready.message, stuck };
  return { key: "other", tone: "working", message: ready.message };
}

/**
 * An environment's state in words people use, not in condition jargon. A stuck one says, to operators, what
 * Kubernetes reports (the stuck condition's sentence, in their language), and to the researcher what it means
 * for her and that the operators see it.
 */
export function describeState(
  e: EnvironmentState,
  t: TFunction,
  audience: "operator" | "researcher" = "operator",
): { label: string; detail: string; tone: Tone } {
  const state = stateOf(e);
  switch (state.key) {
    case "stuck":
      return {
        label: t("environmentState.stuck.label"),
        detail:
          audience === "researcher"
            ? t(`environmentState.stuck.researcher.${state.stuck!.type}`)
            : conditionSaid(state.stuck!, e.conditions, t).text,
        tone: state.tone,
      };
    case "tornDown":
    case "tearingDown":
    case "suspended":
    case "notCreated":
    case "ready":
      return {
        label: t(`environmentState.${state.key}.label`),
        detail: t(`environmentState.${state.key}.detail`),
        tone: state.tone,
      };
    default: {
      const detail = t(`environmentState.reasonDetails.${state.key}`);
      // For a problem, the reconciler's own sentence (in English: it names objects) helps whoever reports it.
      return {
        label: t(`environmentState.reasons.${state.key}`),
        detail: state.tone === "problem" && state.message ? `${detail} ${state.message}` : detail,
        tone: state.tone,
      };
    }
  }
}
