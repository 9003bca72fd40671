import { stateOf, type EnvironmentSummary, type Tone } from "./environment-state";

export const SORTS = ["newest", "oldest", "expiry", "permit"] as const;
export type SortKey = (typeof SORTS)[number];
export const TONES: readonly Tone[] = ["ok", "working", "paused", "problem", "gone"];

export interface EnvironmentFilter {
  /** Matched, ignoring case, against the permit id, the namespace and the purpose. */
  text: string;
  tone: Tone | "all";
  sort: SortKey;
}

const time = (d: string | Date) => new Date(d).getTime();
const DAY = 86_400_000;

const ORDER: Record<SortKey, (a: EnvironmentSummary, b: EnvironmentSummary) => number> = {
  newest: (a, b) => time(b.createdAt) - time(a.createdAt),
  oldest: (a, b) => time(a.createdAt) - time(b.createdAt),
  expiry: (a, b) => time(a.validUntil) - time(b.validUntil),
  permit: (a, b) => a.permitId.localeCompare(b.permitId, "sv"),
};

/** The environments an operator asked to see, in the order they asked for; ties keep the namespace order. */
export function filterEnvironments<T extends EnvironmentSummary>(
  environments: readonly T[],
  filter: EnvironmentFilter,
): T[] {
  const needle = filter.text.trim().toLowerCase();
  return environments
    .filter((e) => !needle || [e.permitId, e.namespace, e.purpose ?? ""].some((s) => s.toLowerCase().includes(needle)))
    .filter((e) => filter.tone === "all" || stateOf(e).tone === filter.tone)
    .sort((a, b) => ORDER[filter.sort](a, b) || a.namespace.localeCompare(b.namespace));
}

/** Hours since `from`, never negative (a clock a little ahead of ours). */
export const hoursSince = (from: string | Date, now: Date) => Math.max(0, (now.getTime() - time(from)) / 3_600_000);

/** Whole days left until `until`, rounded up (a permit ending later today has 1); negative once past. */
export const daysUntil = (until: string | Date, now: Date) => Math.ceil((time(until) - now.getTime()) / DAY);
