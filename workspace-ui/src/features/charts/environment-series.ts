/** One change of one environment's state, as `statistics.environmentTransitions` lists them (oldest first). */
export interface Transition {
  time: string | Date;
  namespace: string;
  action: string;
}

export type EnvironmentCountState = "active" | "suspended" | "tornDown";

/** How many environments were in each state at the end of one (UTC) day. */
export interface DayCount {
  /** YYYY-MM-DD */
  day: string;
  active: number;
  suspended: number;
  tornDown: number;
}

/** Where each audit action leaves an environment; actions not listed change nothing we count. */
const NEXT_STATE: Record<string, EnvironmentCountState> = {
  "environment.created": "active",
  "environment.resumed": "active",
  "environment.suspended": "suspended",
  "environment.teardown-requested": "tornDown",
  "environment.torn-down": "tornDown",
};

const DAY = 86_400_000;

/**
 * Environments by state at the end of each of the last `days` days up to `now`, from their transitions.
 * Level-based like the reconciler: each day's counts are the state every environment had reached by
 * then, so a missed day cannot skew the next one.
 */
export function environmentsByDay(
  transitions: readonly Transition[],
  { days, now }: { days: number; now: Date },
): DayCount[] {
  const sorted = [...transitions].map((t) => ({ ...t, at: new Date(t.time).getTime() })).sort((a, b) => a.at - b.at);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const state = new Map<string, EnvironmentCountState>();
  const out: DayCount[] = [];
  let next = 0;
  for (let d = days - 1; d >= 0; d--) {
    const start = today - d * DAY;
    const end = start + DAY;
    while (next < sorted.length && sorted[next]!.at < end) {
      const t = sorted[next++]!;
      const to = NEXT_STATE[t.action];
      if (to) state.set(t.namespace, to);
    }
    const count: DayCount = { day: new Date(start).toISOString().slice(0, 10), active: 0, suspended: 0, tornDown: 0 };
    for (const s of state.values()) count[s]++;
    out.push(count);
  }
  return out;
}
