import { SpeError } from "../../errors";
import { combineStatus } from "./combine-status";
import { parseNumber } from "./decimal";
import type { SdcProfile } from "./profile";
import { quoted, say, type SdcPhrase } from "./phrases";
import { columnIndex, readTable } from "./read-table";
import { CellFindings, CheckTally, cannotRun, sayingEnglish, type SdcCheck, type TableFindings } from "./report";

/** The field that carries a model's residual degrees of freedom (statsmodels' name). */
export const RESIDUAL_DF = "df_resid";

type Rules = SdcProfile["regression"];

/**
 * Checks a regression summary: residual degrees of freedom below `minResidualDf` fail, exactly
 * `minResidualDf` passes (reference and ACRO `safe_dof_threshold`: df < threshold fails). JSON (text
 * starting with `{` or `[`) may carry `df_resid` at any depth, one per model; CSV carries a `df_resid`
 * column (one row per model or term). A summary without `df_resid`, or with one that is not a number, is
 * left to review.
 */
export function checkRegression(text: string, rules: Rules): TableFindings {
  return /^\s*[[{]/.test(text) ? checkJson(text, rules) : checkCsv(text, rules);
}

function checkCsv(text: string, rules: Rules): TableFindings {
  const table = readTable(text);
  const column = columnIndex(table, RESIDUAL_DF);
  if (column === -1 || table.rowCount === 0)
    return { checks: [cannotRun("residual-df", say("regression-missing"))], cells: [] };
  const cells = new CellFindings();
  const tally = new CheckTally("residual-df", cells);
  table.select([column])[0]!.forEach((text, i) => {
    const verdict = judge(text, rules);
    if (verdict.status === "fail") tally.fail(i + 1, RESIDUAL_DF, verdict.reason);
    if (verdict.status === "review") tally.review(i + 1, RESIDUAL_DF, verdict.reason);
  });
  const minimum = { minimum: rules.minResidualDf };
  const check = tally.result({
    passed: say("regression-passed", minimum),
    failed: say("regression-failed", minimum),
    reviewed: say("regression-reviewed"),
  });
  return { checks: [check], cells: cells.list() };
}

function checkJson(text: string, rules: Rules): TableFindings {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // Not the parser's message: it quotes the text around the error.
    throw new SpeError("OUTPUT_FILE_UNREADABLE", "The regression summary starts like JSON but is not valid JSON.", {
      cause: err,
    });
  }
  const found = residualDfs(data);
  if (found.length === 0) return { checks: [cannotRun("residual-df", say("regression-missing"))], cells: [] };
  // JSON has no rows, so no cells: the check's message names each df_resid that does not pass by its place
  // (and, for output checkers, by the keys on the way to it).
  const verdicts = found.map(({ path, jsonPath, value }) => ({ path, jsonPath, ...judge(value, rules) }));
  const failing = verdicts.filter((v) => v.status !== "pass");
  const check = (status: SdcCheck["status"], says: SdcCheck["says"]): SdcCheck => ({
    name: "residual-df",
    status,
    message: sayingEnglish(says),
    says,
  });
  if (failing.length === 0)
    return {
      checks: [check("pass", { phrase: say("regression-passed", { minimum: rules.minResidualDf }) })],
      cells: [],
    };
  const models = failing.map((v) => ({ path: v.path, jsonPath: v.jsonPath, reason: v.reason! }));
  return { checks: [check(combineStatus(failing.map((v) => v.status)), { models })], cells: [] };
}

type Verdict = { status: "pass"; reason?: undefined } | { status: "fail" | "review"; reason: SdcPhrase };

function judge(raw: unknown, rules: Rules): Verdict {
  const df = typeof raw === "number" ? raw : typeof raw === "string" ? parseNumber(raw) : undefined;
  if (df === undefined || !Number.isFinite(df) || df < 0)
    return {
      status: "review",
      reason: say("regression-model-unreadable", undefined, { value: quoted(JSON.stringify(raw) ?? String(raw)) }),
    };
  if (df < rules.minResidualDf)
    return { status: "fail", reason: say("regression-model-below", { minimum: rules.minResidualDf }, { df }) };
  return { status: "pass" };
}

/**
 * Every `df_resid` in a JSON document, in document order, each named by its position (`#2 df_resid`),
 * which a researcher may read, and by its JSON path (`$.models[1].df_resid`), whose keys are the file's
 * own text: for output checkers only.
 */
function residualDfs(data: unknown): { path: string; jsonPath: string; value: unknown }[] {
  const found: { jsonPath: string; value: unknown }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (node !== null && typeof node === "object")
      for (const [key, value] of Object.entries(node)) {
        if (key === RESIDUAL_DF) found.push({ jsonPath: `${path}.${key}`, value });
        else walk(value, `${path}.${key}`);
      }
  };
  walk(data, "$");
  return found.map(({ jsonPath, value }, i) => ({
    path: `#${i + 1} ${RESIDUAL_DF}`,
    jsonPath: quoted(jsonPath, 160),
    value,
  }));
}
