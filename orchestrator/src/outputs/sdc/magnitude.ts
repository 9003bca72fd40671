import { parseNumber, signOfSum } from "./decimal";
import type { SdcProfile } from "./profile";
import { columnIndex, type Table } from "./read-table";
import { CellFindings, CheckTally, cannotRun, type SdcCheck, type TableFindings } from "./report";

/** The columns a magnitude table carries besides its categories. */
export const MAGNITUDE_COLUMNS = { value: "value", contributors: "n", largest: "max1", second: "max2" } as const;

type Rules = SdcProfile["magnitude"];

const WHOLE = /^\d+(?:\.0*)?$/;

/** The text of one cell, as read. */
interface Cell {
  row: number;
  n: string | undefined;
  value: string | undefined;
  max1: string | undefined;
  max2: string | undefined;
}

/**
 * Checks a magnitude table (category columns, `value` = the cell total, `n` = contributors, `max1` and
 * `max2` = the two largest contributions). Every boundary follows the reference (output-checking.md) and
 * is decided exactly, also for decimals:
 * - threshold: fewer than `threshold` contributors fails; exactly `threshold` passes (ACRO: count < t).
 * - nk-dominance: fails when the largest n contributions make up k of the total or more
 *   ((max1 + max2) ≥ k·value); exactly k fails. The reference says "≥ k"; ACRO's code fails only "> k".
 *   We take the reference's side: at exactly 90 % the two largest units know the rest to within 10 %, which
 *   a checker should see.
 * - p-ratio: fails when (value − max1 − max2) < p·max1, i.e. the second largest would learn the largest to
 *   within p; exactly p passes (reference and ACRO: ratio < p). With n = 2, k = 0.9 and p = 0.1 every
 *   p-ratio failure is also an NK failure; both are reported because profiles may set them apart.
 * - identical-values: n ≥ 2 contributions all equal (max1 = max2 and value = n·max1) fails: each unit's
 *   value is then known.
 * - negative-values: a negative value, max1 or max2 makes dominance undefined → review, and the dominance
 *   checks are skipped for that cell.
 * Missing columns make the checks that need them `review`; unreadable or inconsistent numbers
 * (max2 > max1, max1 + max2 > value) make the cell `review`.
 */
export function checkMagnitudeTable(table: Table, rules: Rules): TableFindings {
  const index = {
    value: columnIndex(table, MAGNITUDE_COLUMNS.value),
    n: columnIndex(table, MAGNITUDE_COLUMNS.contributors),
    max1: columnIndex(table, MAGNITUDE_COLUMNS.largest),
    max2: columnIndex(table, MAGNITUDE_COLUMNS.second),
  };
  if (table.rows.length === 0) return { checks: [cannotRun("threshold", "The table has no data rows.")], cells: [] };
  const at = (record: string[], i: number) => (i === -1 ? undefined : record[i]!.trim());
  const rows: Cell[] = table.rows.map((r, i) => ({ row: i + 1, n: at(r, index.n), value: at(r, index.value), max1: at(r, index.max1), max2: at(r, index.max2) }));

  const cells = new CellFindings();
  const checks: SdcCheck[] = [checkThreshold(rows, rules, index.n !== -1, cells)];
  const missing = (["value", "n", "max1", "max2"] as const).filter((c) => index[c] === -1);
  if (missing.length) {
    const message = `Needs the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (cell total, contributors, two largest contributions); without ${missing.length > 1 ? "them" : "it"} dominance cannot be checked.`;
    checks.push(...["nk-dominance", "p-ratio", "identical-values", "negative-values", "values"].map((name) => cannotRun(name, message)));
  } else checks.push(...checkDominance(rows, rules, cells));
  return { checks, cells: cells.list() };
}

function checkThreshold(rows: Cell[], rules: Rules, present: boolean, cells: CellFindings): SdcCheck {
  if (!present) return cannotRun("threshold", `Needs the column n (the number of contributors to each cell) to check the threshold of ${rules.threshold}.`);
  const tally = new CheckTally("threshold", cells);
  for (const { row, n } of rows) {
    if (!WHOLE.test(n!)) tally.review(row, MAGNITUDE_COLUMNS.value, `n "${n}" is not a whole number of contributors`);
    else if (Number(n) < rules.threshold) tally.fail(row, MAGNITUDE_COLUMNS.value, `${Number(n)} contributors, below the threshold ${rules.threshold}`);
  }
  return tally.result({ passed: `Every cell has at least ${rules.threshold} contributors.`, failed: `fewer than ${rules.threshold} contributors`, reviewed: "unreadable n" });
}

function checkDominance(rows: Cell[], rules: Rules, cells: CellFindings): SdcCheck[] {
  const nk = new CheckTally("nk-dominance", cells);
  const pRatio = new CheckTally("p-ratio", cells);
  const identical = new CheckTally("identical-values", cells);
  const negative = new CheckTally("negative-values", cells);
  const values = new CheckTally("values", cells);
  const { n: nkN, k } = rules.nkDominance;
  const p = rules.pRatio;
  const column = MAGNITUDE_COLUMNS.value;

  for (const cell of rows) {
    const n = WHOLE.test(cell.n!) ? Number(cell.n) : undefined;
    // A single contributor has no second largest; an empty max2 then means 0.
    const max2Text = cell.max2 === "" && n === 1 ? "0" : cell.max2!;
    const [value, max1, max2] = [parseNumber(cell.value!), parseNumber(cell.max1!), parseNumber(max2Text)];
    if (value === undefined || max1 === undefined || max2 === undefined) {
      values.review(cell.row, column, "value, max1 and max2 must be numbers");
      continue;
    }
    if (value < 0 || max1 < 0 || max2 < 0) {
      negative.review(cell.row, column, "a negative value or contribution: dominance is undefined");
      continue;
    }
    const v = cell.value!;
    const m1 = cell.max1!;
    const m2 = max2Text;
    const inconsistent = signOfSum([{ sign: 1, factors: [m2] }, { sign: -1, factors: [m1] }]) > 0 || signOfSum([{ sign: 1, factors: [m1] }, { sign: 1, factors: [m2] }, { sign: -1, factors: [v] }]) > 0;
    if (inconsistent) {
      values.review(cell.row, column, "max1, max2 and value do not fit together (max2 > max1 or max1 + max2 > value)");
      continue;
    }
    if (n !== undefined && n >= 2 && signOfSum([{ sign: 1, factors: [m1] }, { sign: -1, factors: [m2] }]) === 0 && signOfSum([{ sign: 1, factors: [v] }, { sign: -1, factors: [n, m1] }]) === 0)
      identical.fail(cell.row, column, `all ${n} contributions are the same (${m1})`);
    // A total of 0 with no negative contributions means every contribution is 0: dominance says nothing
    // there (identical-values or the threshold decide).
    if (value === 0) continue;
    // NK: the largest nkN contributions reach k of the total or more → fail (≥ k, see above).
    const top: string[] = nkN === 2 ? [m1, m2] : [m1];
    if (signOfSum([...top.map((t) => ({ sign: 1 as const, factors: [t] })), { sign: -1, factors: [k, v] }]) >= 0)
      nk.fail(cell.row, column, `the largest ${nkN === 2 ? "two contributions make" : "contribution makes"} up ${percent(top, v)} of the total, at least ${percentOf(k)}`);
    // p-ratio: the rest, value − max1 − max2, below p·max1 → fail; exactly p·max1 passes.
    if (signOfSum([{ sign: 1, factors: [v] }, { sign: -1, factors: [m1] }, { sign: -1, factors: [m2] }, { sign: -1, factors: [p, m1] }]) < 0)
      pRatio.fail(cell.row, column, `the rest of the total (value − max1 − max2) is less than ${percentOf(p)} of the largest contribution`);
  }
  return [
    nk.result({ passed: `No cell is dominated by its ${nkN === 2 ? "two largest contributors" : "largest contributor"} (${percentOf(k)}).`, failed: `dominated (NK ${nkN}, ${percentOf(k)})` }),
    pRatio.result({ passed: `Every cell's largest contribution is protected by at least ${percentOf(p)}.`, failed: `p-ratio below ${percentOf(p)}` }),
    identical.result({ passed: "No cell whose contributions are all the same.", failed: "all contributions the same" }),
    negative.result({ passed: "No negative values.", reviewed: "negative values (dominance undefined)" }),
    values.result({ passed: "Every cell's value, max1 and max2 are numbers that fit together.", reviewed: "unreadable or inconsistent value, max1, max2" }),
  ];
}

/** 0.9 → "90 %", without binary noise (0.07 × 100 is 7.000000000000001). */
function percentOf(fraction: number): string {
  return `${Math.round(fraction * 1e8) / 1e6} %`;
}

function percent(top: string[], value: string): string {
  const share = top.reduce((sum, t) => sum + Number(t), 0) / Number(value);
  return `${Math.round(share * 1000) / 10} %`;
}
