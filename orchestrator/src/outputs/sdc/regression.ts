import { SpeError } from "../../errors";
import { combineStatus } from "./combine-status";
import { parseNumber } from "./decimal";
import type { SdcProfile } from "./profile";
import { english, say, type SdcPhrase } from "./phrases";
import { columnIndex, readTable } from "./read-table";
import { CellFindings, CheckTally, cannotRun, type TableFindings } from "./report";

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
  if (column === -1 || table.rowCount === 0) return { checks: [cannotRun("residual-df", say("regression-missing"))], cells: [] };
  const cells = new CellFindings();
  const tally = new CheckTally("residual-df", cells);
  table.select([column])[0]!.forEach((text, i) => {
    const verdict = judge(text, rules);
    if (verdict.status === "fail") tally.fail(i + 1, RESIDUAL_DF, verdict.reason);
    if (verdict.status === "review") tally.review(i + 1, RESIDUAL_DF, verdict.reason);
  });
  const minimum = { minimum: rules.minResidualDf };
  const check = tally.result({ passed: say("regression-passed", minimum), failed: say("regression-failed", minimum), reviewed: say("regression-reviewed") });
  return { checks: [check], cells: cells.list() };
}

function checkJson(text: string, rules: Rules): TableFindings {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SpeError("OUTPUT_FILE_UNREADABLE", `The regression summary is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const found = residualDfs(data, "$");
  if (found.length === 0) return { checks: [cannotRun("residual-df", say("regression-missing"))], cells: [] };
  // JSON has no rows, so no cells: the check's message names the paths that do not pass.
  const verdicts = found.map(({ path, value }) => ({ path, ...judge(value, rules) }));
  const failing = verdicts.filter((v) => v.status !== "pass");
  if (failing.length === 0) {
    const passed = say("regression-passed", { minimum: rules.minResidualDf });
    return { checks: [{ name: "residual-df", status: "pass", message: english(passed), says: { phrase: passed } }], cells: [] };
  }
  const status = combineStatus(failing.map((v) => v.status));
  const models = failing.map((v) => ({ path: v.path, reason: v.reason! }));
  return { checks: [{ name: "residual-df", status, message: `${models.map((m) => `${m.path}: ${english(m.reason)}`).join("; ")}.`, says: { models } }], cells: [] };
}

type Verdict = { status: "pass"; reason?: undefined } | { status: "fail" | "review"; reason: SdcPhrase };

function judge(raw: unknown, rules: Rules): Verdict {
  const df = typeof raw === "number" ? raw : typeof raw === "string" ? parseNumber(raw) : undefined;
  if (df === undefined || !Number.isFinite(df) || df < 0) return { status: "review", reason: say("regression-model-unreadable", { value: JSON.stringify(raw) ?? String(raw) }) };
  if (df < rules.minResidualDf) return { status: "fail", reason: say("regression-model-below", { df, minimum: rules.minResidualDf }) };
  return { status: "pass" };
}

/** Every `df_resid` in a JSON document, with its path ($.models[1].df_resid). */
function residualDfs(data: unknown, path: string): { path: string; value: unknown }[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => residualDfs(item, `${path}[${i}]`));
  if (data === null || typeof data !== "object") return [];
  return Object.entries(data).flatMap(([key, value]) =>
    key === RESIDUAL_DF ? [{ path: `${path}.${key}`, value }] : residualDfs(value, `${path}.${key}`),
  );
}
