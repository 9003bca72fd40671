import { exactSign, nearZero, parseNumber } from "./decimal";
import type { SdcProfile } from "./profile";
import { quoted, say } from "./phrases";
import { columnIndex, type Table } from "./read-table";
import { CellFindings, CheckTally, cannotRun, type SdcCheck, type TableFindings } from "./report";

/** The columns a magnitude table carries besides its categories. */
export const MAGNITUDE_COLUMNS = {
  value: "value",
  contributors: "n",
  largest: "max1",
  second: "max2",
  smallest: "min",
} as const;

type Rules = SdcProfile["magnitude"];

const WHOLE = /^\d+(?:\.0*)?$/;
const COLUMN = MAGNITUDE_COLUMNS.value;

/**
 * Checks a magnitude table (category columns, `value` = the cell total, `n` = contributors, `max1` and
 * `max2` = the two largest contributions). Every boundary follows the rules as SDC guidance states them and
 * is decided exactly, also for decimals:
 * - threshold: fewer than `threshold` contributors fails; exactly `threshold` passes (ACRO: count < t).
 * - nk-dominance: fails when the largest n contributions make up k of the total or more
 *   ((max1 + max2) ≥ k·value); exactly k fails. The rule is stated "≥ k"; ACRO's code fails only "> k".
 *   We take the rule's side: at exactly 90 % the two largest units know the rest to within 10 %, which
 *   a checker should see.
 * - p-ratio: fails when (value − max1 − max2) < p·max1, i.e. the second largest would learn the largest to
 *   within p; exactly p passes (the rule and ACRO: ratio < p). With n = 2, k = 0.9 and p = 0.1 every
 *   p-ratio failure is also an NK failure; both are reported because profiles may set them apart.
 * - identical-values: n ≥ 2 contributions all equal (max1 = max2 and value = n·max1) fails: each unit's
 *   value is then known.
 * - negative-values: a negative value, max1 or max2 makes dominance undefined → review, and the dominance
 *   checks are skipped for that cell. So does a negative `min` (the optional smallest contribution): a
 *   negative contribution below max2 lets the largest ones exceed what the total suggests, and without
 *   `min` it is invisible (ACRO checks every contribution; a table of aggregates must say it).
 * Missing columns make the checks that need them `review`; unreadable or inconsistent numbers
 * (max2 > max1, max1 + max2 > value) make the cell `review`.
 */
export function checkMagnitudeTable(table: Table, rules: Rules): TableFindings {
  if (table.rowCount === 0) return { checks: [cannotRun("threshold", say("no-rows"))], cells: [] };
  const index = {
    value: columnIndex(table, MAGNITUDE_COLUMNS.value),
    n: columnIndex(table, MAGNITUDE_COLUMNS.contributors),
    max1: columnIndex(table, MAGNITUDE_COLUMNS.largest),
    max2: columnIndex(table, MAGNITUDE_COLUMNS.second),
    min: columnIndex(table, MAGNITUDE_COLUMNS.smallest),
  };
  const cells = new CellFindings();
  const present = (["n", "value", "max1", "max2", "min"] as const).filter((c) => index[c] !== -1);
  const selected = table.select(present.map((c) => index[c]));
  const column = (name: (typeof present)[number]) => selected[present.indexOf(name)];

  const contributors = column("n");
  const threshold = contributors && checkThreshold(contributors, rules, cells);
  const checks: SdcCheck[] = [
    threshold ? threshold.check : cannotRun("threshold", say("magnitude-needs-n", { threshold: rules.threshold })),
  ];
  const [values, max1s, max2s] = [column("value"), column("max1"), column("max2")];
  if (threshold && values && max1s && max2s)
    checks.push(
      ...checkDominance(
        { counts: threshold.counts, value: values, max1: max1s, max2: max2s, min: column("min") },
        rules,
        cells,
      ),
    );
  else {
    const missing = (["value", "n", "max1", "max2"] as const).filter((c) => index[c] === -1);
    const reason = say(missing.length > 1 ? "magnitude-needs-columns" : "magnitude-needs-column", {
      columns: missing.join(", "),
    });
    checks.push(
      ...["nk-dominance", "p-ratio", "identical-values", "negative-values", "values"].map((name) =>
        cannotRun(name, reason),
      ),
    );
  }
  return { checks, cells: cells.list() };
}

/** The threshold on contributors; also returns each cell's n (undefined where unreadable). */
function checkThreshold(
  contributors: string[],
  rules: Rules,
  cells: CellFindings,
): { check: SdcCheck; counts: (number | undefined)[] } {
  const tally = new CheckTally("threshold", cells);
  const counts = contributors.map((raw, i) => {
    const text = raw.trim();
    if (!WHOLE.test(text))
      return void tally.review(i + 1, COLUMN, say("magnitude-cell-n-unreadable", undefined, { text: quoted(text) }));
    const n = Number(text);
    if (n < rules.threshold)
      tally.fail(i + 1, COLUMN, say("magnitude-cell-few", { threshold: rules.threshold }, { n }));
    return n;
  });
  const limit = { threshold: rules.threshold };
  return {
    counts,
    check: tally.result({
      passed: say("magnitude-threshold-passed", limit),
      failed: say("magnitude-threshold-failed", limit),
      reviewed: say("magnitude-threshold-reviewed"),
    }),
  };
}

interface Columns {
  counts: (number | undefined)[];
  value: string[];
  max1: string[];
  max2: string[];
  /** The smallest contribution of each cell, when the table has the optional `min` column. */
  min?: string[];
}

/**
 * Each comparison is made in doubles and, only when the result is too close to the boundary to trust
 * (nearZero), again exactly on the decimal texts.
 */
function checkDominance(columns: Columns, rules: Rules, cells: CellFindings): SdcCheck[] {
  const nk = new CheckTally("nk-dominance", cells);
  const pRatio = new CheckTally("p-ratio", cells);
  const identical = new CheckTally("identical-values", cells);
  const negative = new CheckTally("negative-values", cells);
  const unusable = new CheckTally("values", cells);
  const { n: nkN, k } = rules.nkDominance;
  const p = rules.pRatio;

  for (let i = 0; i < columns.value.length; i++) {
    const row = i + 1;
    const n = columns.counts[i];
    const vText = columns.value[i]!.trim();
    const m1Text = columns.max1[i]!.trim();
    // A single contributor has no second largest; an empty max2 then means 0.
    let m2Text = columns.max2[i]!.trim();
    if (m2Text === "" && n === 1) m2Text = "0";
    const v = parseNumber(vText);
    const m1 = parseNumber(m1Text);
    const m2 = parseNumber(m2Text);
    if (v === undefined || m1 === undefined || m2 === undefined) {
      unusable.review(row, COLUMN, say("magnitude-cell-not-numbers"));
      continue;
    }
    if (v < 0 || m1 < 0 || m2 < 0) {
      negative.review(row, COLUMN, say("magnitude-cell-negative"));
      continue;
    }
    const minText = columns.min?.[i]!.trim() ?? "";
    const smallest = minText === "" ? undefined : parseNumber(minText);
    if (minText !== "" && smallest === undefined) {
      unusable.review(row, COLUMN, say("magnitude-cell-not-numbers"));
      continue;
    }
    if (smallest !== undefined && smallest < 0) {
      negative.review(row, COLUMN, say("magnitude-cell-negative-min"));
      continue;
    }
    if (
      smallest !== undefined &&
      (fastSign(smallest - m1, smallest + m1) ?? exactSign([plus(minText), minus(m1Text)])) > 0
    ) {
      unusable.review(row, COLUMN, say("magnitude-cell-inconsistent"));
      continue;
    }
    // max2 ≤ max1 and max1 + max2 ≤ value, or the numbers contradict each other.
    const m2OverM1 = fastSign(m2 - m1, m2 + m1) ?? exactSign([plus(m2Text), minus(m1Text)]);
    const topOverValue = fastSign(m1 + m2 - v, m1 + m2 + v) ?? exactSign([plus(m1Text), plus(m2Text), minus(vText)]);
    if (m2OverM1 > 0 || topOverValue > 0) {
      unusable.review(row, COLUMN, say("magnitude-cell-inconsistent"));
      continue;
    }
    if (
      n !== undefined &&
      n >= 2 &&
      m2OverM1 === 0 &&
      (fastSign(v - n * m1, v + n * m1) ?? exactSign([plus(vText), minus(n, m1Text)])) === 0
    )
      identical.fail(row, COLUMN, say("magnitude-cell-identical", undefined, { n, value: quoted(m1Text) }));
    // A total of 0 with no negative contributions means every contribution is 0: dominance says nothing
    // there (identical-values or the threshold decide).
    if (v === 0) continue;
    // NK: the largest nkN contributions reach k of the total or more → fail (≥ k, see above).
    const top = nkN === 2 ? m1 + m2 : m1;
    const nkSign =
      fastSign(top - k * v, top + k * v) ?? exactSign([plus(m1Text), plus(nkN === 2 ? m2Text : "0"), minus(k, vText)]);
    if (nkSign >= 0)
      nk.fail(
        row,
        COLUMN,
        say(
          nkN === 2 ? "magnitude-cell-dominated-2" : "magnitude-cell-dominated-1",
          { k: percentOf(k) },
          { share: share(top, v) },
        ),
      );
    // p-ratio: the rest, value − max1 − max2, below p·max1 → fail; exactly p·max1 passes.
    const pSign =
      fastSign(v - m1 - m2 - p * m1, v + m1 + m2 + p * m1) ??
      exactSign([plus(vText), minus(m1Text), minus(m2Text), minus(p, m1Text)]);
    if (pSign < 0) pRatio.fail(row, COLUMN, say("magnitude-cell-p-ratio", { p: percentOf(p) }));
  }
  return [
    nk.result({
      passed: say(nkN === 2 ? "magnitude-nk-passed-2" : "magnitude-nk-passed-1", { k: percentOf(k) }),
      failed: say("magnitude-nk-failed", { n: nkN, k: percentOf(k) }),
    }),
    pRatio.result({
      passed: say("magnitude-p-ratio-passed", { p: percentOf(p) }),
      failed: say("magnitude-p-ratio-failed", { p: percentOf(p) }),
    }),
    identical.result({ passed: say("magnitude-identical-passed"), failed: say("magnitude-identical-failed") }),
    negative.result({ passed: say("magnitude-negative-passed"), reviewed: say("magnitude-negative-reviewed") }),
    unusable.result({ passed: say("magnitude-values-passed"), reviewed: say("magnitude-values-reviewed") }),
  ];
}

const plus = (...factors: (string | number)[]) => ({ sign: 1 as const, factors });
const minus = (...factors: (string | number)[]) => ({ sign: -1 as const, factors });

/** The sign of a difference computed in doubles, or undefined when it is too close to 0 to trust. */
function fastSign(difference: number, size: number): -1 | 1 | undefined {
  if (Number.isFinite(difference) && !nearZero(difference, size)) return difference > 0 ? 1 : -1;
  return undefined;
}

/** What share of the total the largest contributions make up, to one decimal: for output checkers only. */
function share(part: number, whole: number): string {
  return `${Math.round((part / whole) * 1000) / 10} %`;
}

/** 0.9 → "90 %", without binary noise (0.07 × 100 is 7.000000000000001). */
function percentOf(fraction: number): string {
  return `${Math.round(fraction * 1e8) / 1e6} %`;
}
