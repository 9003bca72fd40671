import type { SdcProfile } from "./profile";
import type { Table } from "./read-table";
import { columnIndex } from "./read-table";
import { quoted, say } from "./phrases";
import { CellFindings, CheckTally, cannotRun, type TableFindings } from "./report";
import { checkTotals, type CountCell } from "./totals";

/** The count column's name when the caller does not say. */
export const DEFAULT_COUNT_COLUMN = "count";

/** A count as written by R, pandas or Stata: a whole number, possibly as "12.0". */
const WHOLE = /^\d+(?:\.0*)?$/;

/**
 * Checks a frequency table (category columns and one count column, one row per cell):
 * - threshold: a count below the profile's threshold fails; a count equal to it passes. The reference
 *   (ACRO `safe_threshold`, the SDC Handbook) fails "count < threshold", so 9 fails and 10 passes at 10.
 * - zeros: with `zerosDisclosive` a 0 fails, because it shows that nobody in that group has the attribute
 *   (class disclosure); without it a 0 passes and is not held to the threshold.
 * - rounding (profiles with `roundingBase`): a count that is not a multiple of the base fails.
 * - totals (profiles with `totalLabels`): a total row must equal the sum of its cells (totals.ts).
 * A cell holding one of the profile's redaction markers passes every check; a cell that is not a whole
 * number (empty, "NA", "12.5", a weighted count) is left to review.
 */
export function checkFrequencyTable(
  table: Table,
  rules: SdcProfile["frequency"],
  countColumn = DEFAULT_COUNT_COLUMN,
): TableFindings {
  const column = columnIndex(table, countColumn);
  if (column === -1) {
    const columns = table.columns.map((c) => `"${quoted(c)}"`).join(", ");
    return {
      checks: [cannotRun("threshold", say("frequency-no-count-column", { column: countColumn }, { columns }))],
      cells: [],
    };
  }
  if (table.rowCount === 0) return { checks: [cannotRun("threshold", say("no-rows"))], cells: [] };

  const name = table.columns[column]!;
  const cells = new CellFindings();
  const threshold = new CheckTally("threshold", cells);
  const zeros = new CheckTally("zeros", cells);
  const rounding = new CheckTally("rounding", cells);
  const markers = new Set(rules.redactedMarkers);
  const base = rules.roundingBase;
  let redacted = 0;
  let zeroCells = 0;

  const [texts] = table.select([column]);
  const counts = texts!.map((raw, index): CountCell => {
    const row = index + 1;
    const text = raw.trim();
    if (markers.has(text)) {
      redacted++;
      return null;
    }
    if (!WHOLE.test(text)) {
      threshold.review(row, name, say("frequency-cell-not-whole", undefined, { text: quoted(text) }));
      return undefined;
    }
    const count = Number(text);
    if (count === 0) {
      zeroCells++;
      if (rules.zerosDisclosive) zeros.fail(row, name, say("frequency-cell-zero"));
    } else if (count < rules.threshold)
      threshold.fail(row, name, say("frequency-cell-below", { threshold: rules.threshold }, { count }));
    if (base !== null && count % base !== 0)
      rounding.fail(row, name, say("frequency-cell-not-rounded", { base }, { count }));
    return count;
  });

  const limit = { threshold: rules.threshold };
  const checks = [
    threshold.result({
      passed: redacted
        ? say("frequency-threshold-passed-redacted", { ...limit, redacted })
        : say("frequency-threshold-passed", limit),
      failed: say("frequency-threshold-failed", limit),
      reviewed: say("frequency-threshold-reviewed"),
    }),
    zeros.result({
      passed: zeroCells ? say("frequency-zeros-allowed", { zeros: zeroCells }) : say("frequency-zeros-none"),
      failed: say("frequency-zeros-failed"),
    }),
  ];
  if (base !== null)
    checks.push(
      rounding.result({
        passed: say("frequency-rounding-passed", { base }),
        failed: say("frequency-rounding-failed", { base }),
      }),
    );
  if (rules.totalLabels.length) checks.push(checkTotals(table, column, counts, rules.totalLabels, cells));
  return { checks, cells: cells.list() };
}
