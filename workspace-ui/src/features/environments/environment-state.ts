import type { AppRouter } from "@spe/orchestrator/api";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { TFunction } from "i18next";

/** An environment as operators' list shows it (a researcher's own list shows the same fields and more). */
export type EnvironmentSummary = inferOutput<TRPCOptionsProxy<AppRouter>["environments"]["list"]>[number];

/** What an environment's state is read from: the same in operators' and researchers' lists. */
export type EnvironmentState = Pick<EnvironmentSummary, "desiredState" | "conditions">;

export type Tone = "ok" | "working" | "paused" | "problem" | "gone";

const REASON_TONES = {
  ApplyFailed: "problem",
  LoadFailed: "problem",
  Loading: "working",
  AwaitingDelivery: "working",
  Starting: "working",
  NotYetValid: "paused",
} as const satisfies Record<string, Tone>;

type KnownReason = keyof typeof REASON_TONES;
const isKnownReason = (reason: string): reason is KnownReason => reason in REASON_TONES;

/** Which words an environment's state takes, and its tone: pure, so it is table-tested without a language. */
export function stateOf(e: EnvironmentState): {
  key: "tornDown" | "tearingDown" | "suspended" | "notCreated" | "ready" | KnownReason | "other";
  tone: Tone;
  message?: string;
} {
  const ready = e.conditions.find((c) => c.type === "Ready");
  if (e.desiredState === "torn-down")
    return ready?.reason === "TornDown" ? { key: "tornDown", tone: "gone" } : { key: "tearingDown", tone: "working" };
  if (e.desiredState === "suspended") return { key: "suspended", tone: "paused" };
  if (!ready) return { key: "notCreated", tone: "working" };
  if (ready.status === "True") return { key: "ready", tone: "ok" };
  if (isKnownReason(ready.reason))
    return { key: ready.reason, tone: REASON_TONES[ready.reason], message: ready.message };
  return { key: "other", tone: "working", message: ready.message };
}

/** An environment's state in words people use, not in condition jargon. */
export function describeState(e: EnvironmentState, t: TFunction): { label: string; detail: string; tone: Tone } {
  const state = stateOf(e);
  switch (state.key) {
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
