import type { SdcProfile } from "./profile";
import { quoted, say } from "./phrases";
import type { Table } from "./read-table";
import { CellFindings, CheckTally, cannotRun, type TableFindings } from "./report";

/**
 * The names a survival table's columns go by: ours first, then R's `summary(survfit)` (`n.risk`,
 * `n.event`) and lifelines' event table (`at_risk`, `observed`).
 */
export const SURVIVAL_COLUMNS = {
  time: ["time"],
  risk: ["n_risk", "n.risk", "at_risk"],
  events: ["n_event", "n.event", "events", "observed"],
} as const;

const WHOLE = /^\d+(?:\.0*)?$/;

/** The column a survival table uses for a role, or -1. */
export function survivalColumn(columns: readonly string[], role: keyof typeof SURVIVAL_COLUMNS): number {
  return columns.findIndex((c) => (SURVIVAL_COLUMNS[role] as readonly string[]).includes(c.toLowerCase()));
}

/**
 * Checks a survival (Kaplan–Meier or life) table, one row per step: the threshold of the profile's
 * frequency rules applies to both the risk set and the events of every step (ACRO's rule for survival
 * tables, which it states but never passes). A risk set below the threshold fails; so do events between
 * 1 and the threshold (a step made by a few people shows when they had the event); a step with no events
 * passes, since the curve does not move there. Group time into intervals to reach the threshold.
 * Counts that are not whole numbers go to review.
 */
export function checkSurvival(table: Table, rules: SdcProfile["frequency"]): TableFindings {
  const riskAt = survivalColumn(table.columns, "risk");
  const eventsAt = survivalColumn(table.columns, "events");
  if (riskAt === -1 || eventsAt === -1)
    return { checks: [cannotRun("risk-set", say("survival-needs-columns"))], cells: [] };
  if (table.rowCount === 0) return { checks: [cannotRun("risk-set", say("no-rows"))], cells: [] };
  const [risks, events] = table.select([riskAt, eventsAt]) as [string[], string[]];
  const cells = new CellFindings();
  const risk = new CheckTally("risk-set", cells);
  const event = new CheckTally("events", cells);
  const limit = { threshold: rules.threshold };
  const judge = (texts: string[], column: string, tally: CheckTally, zeroPasses: boolean) =>
    texts.forEach((raw, i) => {
      const text = raw.trim();
      if (!WHOLE.test(text))
        return tally.review(i + 1, column, say("frequency-cell-not-whole", undefined, { text: quoted(text) }));
      const count = Number(text);
      if (count === 0 && zeroPasses) return;
      if (count < rules.threshold) tally.fail(i + 1, column, say("frequency-cell-below", limit, { count }));
    });
  judge(risks, table.columns[riskAt]!, risk, false);
  judge(events, table.columns[eventsAt]!, event, true);
  return {
    checks: [
      risk.result({
        passed: say("survival-risk-passed", limit),
        failed: say("survival-risk-failed", limit),
        reviewed: say("frequency-threshold-reviewed"),
      }),
      event.result({
        passed: say("survival-events-passed", limit),
        failed: say("survival-events-failed", limit),
        reviewed: say("frequency-threshold-reviewed"),
      }),
    ],
    cells: cells.list(),
  };
}
