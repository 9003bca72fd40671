import { say } from "./phrases";
import type { Table } from "./read-table";
import { CheckTally, type CellFindings, type SdcCheck } from "./report";

/** A count as the totals check reads it: a number, `null` for a redacted cell, undefined when unreadable. */
export type CountCell = number | null | undefined;

const TOTAL = "\u0001total";

/**
 * Totals must be computed from the published cells (OpenSAFELY: "round every count … totals computed from
 * the rounded cells", and recalculated after redaction). A total row is one with a total label ("Total",
 * "All", …, any case) in one or more category columns; its cells are the rows that agree with it on every
 * other category column and have no total label where it has one, so (Total, F) sums the F rows and
 * (Total, Total) the interior cells. Redacted cells count as 0. A total that differs from the sum of its
 * cells fails: the difference would reveal a redacted cell or unrounded counts. One level of margins only;
 * nested subtotals are not recognised.
 */
export function checkTotals(
  table: Table,
  countColumn: number,
  counts: readonly CountCell[],
  labels: readonly string[],
  cells: CellFindings,
): SdcCheck {
  const tally = new CheckTally("totals", cells);
  const name = table.columns[countColumn]!;
  const isLabel = new Set(labels.map((l) => l.trim().toLowerCase()));
  const categoryColumns = table.columns.map((_, i) => i).filter((i) => i !== countColumn);
  const values = table
    .select(categoryColumns)
    .map((column) => column.map((v) => (isLabel.has(v.trim().toLowerCase()) ? TOTAL : v.trim())));
  const pattern = (row: number) => values.map((column) => (column[row] === TOTAL ? "1" : "0")).join("");
  const patterns = Array.from({ length: table.rowCount }, (_, row) => pattern(row));
  const totalRows = patterns.flatMap((p, row) => (p.includes("1") ? [row] : []));
  if (totalRows.length === 0) return tally.result({ passed: say("totals-none", { labels: labels.join(", ") }) });

  for (const p of new Set(totalRows.map((row) => patterns[row]!))) {
    const summed = values.flatMap((_, c) => (p[c] === "1" ? [c] : []));
    const keyOf = (row: number) => values.map((column, c) => (p[c] === "1" ? "" : column[row])).join("\u0000");
    const sums = new Map<string, { sum: number; members: number; unreadable: boolean }>();
    patterns.forEach((q, row) => {
      if (summed.some((c) => q[c] === "1")) return;
      const entry = sums.get(keyOf(row)) ?? { sum: 0, members: 0, unreadable: false };
      const count = counts[row];
      if (count === undefined) entry.unreadable = true;
      else entry.sum += count ?? 0;
      entry.members++;
      sums.set(keyOf(row), entry);
    });
    for (const row of totalRows.filter((r) => patterns[r] === p)) {
      const entry = sums.get(keyOf(row));
      const total = counts[row];
      if (!entry || typeof total !== "number") continue; // nothing to add up, or the total itself redacted or unreadable
      if (entry.unreadable) tally.review(row + 1, name, say("totals-cell-unreadable"));
      else if (total !== entry.sum)
        tally.fail(
          row + 1,
          name,
          say("totals-cell-wrong", undefined, { total, members: entry.members, sum: entry.sum }),
        );
    }
  }
  return tally.result({ passed: say("totals-passed"), failed: say("totals-failed"), reviewed: say("totals-reviewed") });
}
