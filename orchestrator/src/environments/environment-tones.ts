import { isStuckReason, STUCK_REASONS } from "./condition-sentences";

/**
 * How an environment's state reads at a glance, in five tones: one registry for the operators' filter (in SQL,
 * environment-table.ts) and the UI's badges (workspace-ui's environment-state.ts), so that "with problems" on
 * the server and in the browser are the same environments.
 */
export const TONES = ["ok", "working", "paused", "problem", "gone"] as const;
export type Tone = (typeof TONES)[number];

/**
 * The tone of an active environment whose Ready is not True, by Ready's reason (the first condition that is
 * not met); a stuck reason (condition-sentences.ts) not listed here is a problem, any other work in progress.
 */
export const REASON_TONES = {
  ApplyFailed: "problem",
  LoadFailed: "problem",
  Loading: "working",
  AwaitingDelivery: "working",
  Starting: "working",
  NotYetValid: "paused",
} as const satisfies Record<string, Tone>;

/** What a row's tone is read from. */
export interface ToneInput {
  desiredState: "active" | "suspended" | "torn-down";
  /** The Ready condition, when the reconciler has written one. */
  ready?: { status: string; reason: string };
}

/** The tone of one environment; environment-table.ts says the same in SQL. */
export function toneOf({ desiredState, ready }: ToneInput): Tone {
  if (desiredState === "torn-down") return ready?.reason === "TornDown" ? "gone" : "working";
  if (desiredState === "suspended") return "paused";
  if (!ready) return "working";
  if (ready.status === "True") return "ok";
  if (Object.hasOwn(REASON_TONES, ready.reason)) return REASON_TONES[ready.reason as keyof typeof REASON_TONES];
  return isStuckReason(ready.reason) ? "problem" : "working";
}

/** Every Ready reason of each tone but "working" (the rest), as toneOf reads them: for the SQL of the filter. */
export function reasonsByTone(): Array<[Tone, string[]]> {
  const listed = Object.entries(REASON_TONES) as Array<[string, Tone]>;
  const stuck = STUCK_REASONS.filter((reason) => !Object.hasOwn(REASON_TONES, reason));
  return TONES.filter((tone) => tone !== "working")
    .map((tone): [Tone, string[]] => [
      tone,
      [...listed.filter(([, t]) => t === tone).map(([reason]) => reason), ...(tone === "problem" ? stuck : [])],
    ])
    .filter(([, reasons]) => reasons.length > 0);
}
