import type { Period } from "./cost-of-periods";

/** The audit events that say when an environment's workspaces ran and when it was paused or ended. */
export const COST_ACTIONS = [
  "workspace.started",
  "workspace.stopped-idle",
  "workspace.stopped-by-operator",
  "environment.suspended",
  "environment.resumed",
  "environment.torn-down",
] as const;

const STOPS = new Set<string>(["workspace.stopped-idle", "workspace.stopped-by-operator"]);

export interface CostEvent {
  action: string;
  time: Date;
  /** The person whose workspace started or stopped (the event's details.person). */
  person?: string;
}

export interface EventPeriods {
  /** Each person's runs, by subject. */
  runs: Map<string, Period[]>;
  suspended: Period[];
  /** When the environment was torn down, if it was. */
  tornDownAt?: number;
}

/**
 * When each workspace ran and when the environment was paused, from the audit log's events in time order.
 * A run or a pause that has not ended lasts until `now`. A second start without a stop between says nothing
 * new (the log records only the first), and a stop of a workspace that was not running likewise.
 */
export function periodsFromEvents(events: readonly CostEvent[], now: number): EventPeriods {
  const runs = new Map<string, Period[]>();
  const open = new Map<string, number>();
  const suspended: Period[] = [];
  let pausedSince: number | undefined;
  let tornDownAt: number | undefined;
  for (const e of [...events].sort((a, b) => a.time.getTime() - b.time.getTime())) {
    const at = e.time.getTime();
    if (e.action === "workspace.started" && e.person && !open.has(e.person)) open.set(e.person, at);
    else if (STOPS.has(e.action) && e.person && open.has(e.person)) {
      runs.set(e.person, [...(runs.get(e.person) ?? []), { from: open.get(e.person)!, until: at }]);
      open.delete(e.person);
    } else if (e.action === "environment.suspended" && pausedSince === undefined) pausedSince = at;
    else if (e.action === "environment.resumed" && pausedSince !== undefined) {
      suspended.push({ from: pausedSince, until: at });
      pausedSince = undefined;
    } else if (e.action === "environment.torn-down") tornDownAt ??= at;
  }
  const end = tornDownAt ?? now;
  for (const [person, from] of open) runs.set(person, [...(runs.get(person) ?? []), { from, until: end }]);
  if (pausedSince !== undefined) suspended.push({ from: pausedSince, until: end });
  return { runs, suspended, ...(tornDownAt !== undefined ? { tornDownAt } : {}) };
}
