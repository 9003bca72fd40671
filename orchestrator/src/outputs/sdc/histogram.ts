import { parseNumber } from "./decimal";
import { DEFAULT_COUNT_COLUMN } from "./frequency";
import type { SdcProfile } from "./profile";
import { quoted, say } from "./phrases";
import { columnIndex, type Table } from "./read-table";
import { CellFindings, CheckTally, cannotRun, type TableFindings } from "./report";

/** The columns of a histogram: each bin's edges and its count. */
export const HISTOGRAM_COLUMNS = { lower: "lower", upper: "upper", count: DEFAULT_COUNT_COLUMN } as const;

/** How an open end is written: no edge, or an infinite one (R's and numpy's spelling). */
const OPEN = new Set(["", "-inf", "inf", "+inf", "-infinity", "infinity"]);
const WHOLE = /^\d+(?:\.0*)?$/;

/**
 * Checks a histogram written as a table (`lower`, `upper`, `count`, one row per bin), with the frequency
 * rules of the profile (ACRO: histograms are frequency tables of their bins):
 * - threshold: a bin with fewer units than the threshold fails (equal passes);
 * - zeros: with `zerosDisclosive` an empty bin fails: it shows that no one has a value in that range;
 * - extreme-edges: the lowest bin's lower edge and the highest bin's upper edge are often the smallest
 *   and largest values in the data, which are unsafe statistics (SDC Handbook): a closed outermost edge
 *   goes to review; an open one (empty, `-Inf`, `Inf`) passes.
 * A count that is not a whole number, or an edge that is not a number, is left to review.
 */
export function checkHistogram(table: Table, rules: SdcProfile["frequency"]): TableFindings {
  const index = {
    lower: columnIndex(table, HISTOGRAM_COLUMNS.lower),
    upper: columnIndex(table, HISTOGRAM_COLUMNS.upper),
    count: columnIndex(table, HISTOGRAM_COLUMNS.count),
  };
  if (index.lower === -1 || index.upper === -1 || index.count === -1)
    return { checks: [cannotRun("threshold", say("histogram-needs-columns"))], cells: [] };
  if (table.rowCount === 0) return { checks: [cannotRun("threshold", say("no-rows"))], cells: [] };
  const [lowers, uppers, counts] = table.select([index.lower, index.upper, index.count]) as [
    string[],
    string[],
    string[],
  ];
  const cells = new CellFindings();
  const threshold = new CheckTally("threshold", cells);
  const zeros = new CheckTally("zeros", cells);
  const edges = new CheckTally("extreme-edges", cells);
  counts.forEach((raw, i) => {
    const text = raw.trim();
    if (!WHOLE.test(text))
      return threshold.review(i + 1, "count", say("frequency-cell-not-whole", undefined, { text: quoted(text) }));
    const count = Number(text);
    if (count === 0) {
      if (rules.zerosDisclosive) zeros.fail(i + 1, "count", say("histogram-bin-empty"));
    } else if (count < rules.threshold)
      threshold.fail(i + 1, "count", say("frequency-cell-below", { threshold: rules.threshold }, { count }));
  });
  judgeExtremes(lowers, uppers, edges);
  const limit = { threshold: rules.threshold };
  return {
    checks: [
      threshold.result({
        passed: say("histogram-threshold-passed", limit),
        failed: say("frequency-threshold-failed", limit),
        reviewed: say("frequency-threshold-reviewed"),
      }),
      zeros.result({
        passed: rules.zerosDisclosive ? say("frequency-zeros-none") : say("histogram-zeros-allowed"),
        failed: say("frequency-zeros-failed"),
      }),
      edges.result({ passed: say("histogram-edges-open"), reviewed: say("histogram-edges-closed") }),
    ],
    cells: cells.list(),
  };
}

/** Flags the outermost closed edges (the lowest lower edge, the highest upper edge) and edges that are not numbers. */
function judgeExtremes(lowers: string[], uppers: string[], edges: CheckTally): void {
  const read = (texts: string[], column: string) =>
    texts.map((raw, i) => {
      const text = raw.trim();
      if (OPEN.has(text.toLowerCase())) return undefined;
      const value = parseNumber(text);
      if (value === undefined) edges.review(i + 1, column, say("histogram-edge-unreadable"));
      return value;
    });
  const low = read(lowers, HISTOGRAM_COLUMNS.lower);
  const high = read(uppers, HISTOGRAM_COLUMNS.upper);
  // An open lower end anywhere means the lowest bin reaches -∞; otherwise the smallest lower edge is closed.
  if (!lowers.some((t) => OPEN.has(t.trim().toLowerCase()))) {
    const at = argExtreme(low, (a, b) => a < b);
    if (at !== -1) edges.review(at + 1, HISTOGRAM_COLUMNS.lower, say("histogram-edge-lowest"));
  }
  if (!uppers.some((t) => OPEN.has(t.trim().toLowerCase()))) {
    const at = argExtreme(high, (a, b) => a > b);
    if (at !== -1) edges.review(at + 1, HISTOGRAM_COLUMNS.upper, say("histogram-edge-highest"));
  }
}

function argExtreme(values: (number | undefined)[], better: (a: number, b: number) => boolean): number {
  let at = -1;
  values.forEach((v, i) => {
    if (v !== undefined && (at === -1 || better(v, values[at]!))) at = i;
  });
  return at;
}
