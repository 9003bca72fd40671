import type { SdcProfile } from "./profile";
import type { Table } from "./read-table";
import { columnIndex } from "./read-table";
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
export function checkFrequencyTable(table: Table, rules: SdcProfile["frequency"], countColumn = DEFAULT_COUNT_COLUMN): TableFindings {
  const column = columnIndex(table, countColumn);
  if (column === -1) {
    const message = `No column named "${countColumn}" (the columns are ${table.columns.map((c) => `"${c}"`).join(", ")}); name the count column (CLI: --count-column).`;
    return { checks: [cannotRun("threshold", message)], cells: [] };
  }
  if (table.rowCount === 0) return { checks: [cannotRun("threshold", "The table has no data rows.")], cells: [] };

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
      threshold.review(row, name, `"${text}" is not a whole-number count`);
      return undefined;
    }
    const count = Number(text);
    if (count === 0) {
      zeroCells++;
      if (rules.zerosDisclosive) zeros.fail(row, name, "a zero count shows that nobody in this group has the attribute");
    } else if (count < rules.threshold) threshold.fail(row, name, `count ${count} is below the threshold ${rules.threshold}`);
    if (base !== null && count % base !== 0) rounding.fail(row, name, `count ${count} is not a multiple of ${base}`);
    return count;
  });

  const redactedNote = redacted ? ` (${redacted} redacted)` : "";
  const checks = [
    threshold.result({ passed: `Every count is at least ${rules.threshold}${redactedNote}.`, failed: `count below ${rules.threshold}`, reviewed: "not a whole-number count" }),
    zeros.result({ passed: zeroCells ? `${zeroCells} zero cells; zeros are not disclosive in this profile.` : "No zero cells.", failed: "zero count (disclosive)" }),
  ];
  if (base !== null) checks.push(rounding.result({ passed: `Every count is a multiple of ${base}.`, failed: `count not a multiple of ${base}` }));
  if (rules.totalLabels.length) checks.push(checkTotals(table, column, counts, rules.totalLabels, cells));
  return { checks, cells: cells.list() };
}
