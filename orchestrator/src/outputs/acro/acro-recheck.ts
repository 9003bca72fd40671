import { combineStatus, type SdcStatus } from "../sdc/combine-status";
import { checkFrequencyTable } from "../sdc/frequency";
import { say } from "../sdc/phrases";
import type { SdcProfile } from "../sdc/profile";
import { readTable } from "../sdc/read-table";
import { checkRegression } from "../sdc/regression";
import { checkFormulaCells } from "../sdc/formula-cells";
import { CellFindings, cannotRun, sayingEnglish, type SdcCheck, type TableFindings } from "../sdc/report";
import type { AcroOutput } from "./acro-results";

/** Our own verdict on one ACRO output: how we read it, and per file what our checks found (in its own rows). */
export interface AcroRecheck {
  status: SdcStatus;
  /** What we read: a crosstab made long, a regression's residual df, or nothing (a person reviews it). */
  method: "crosstab" | "regression" | "none";
  how: string;
  /** By file name; a file we could not read has a single `acro-recheck` check to review. */
  findings: Record<string, TableFindings>;
}

/**
 * Our own verdict on one ACRO output, from its files alone: a crosstab (ACRO writes it wide, one column per
 * category) is made long and checked as a frequency table, cells ACRO suppressed (empty) counted as
 * redacted, and what the checks flag is named again by the wide file's row and column; a regression's
 * residual df is read from its summary (`Df Residuals:`). Anything else goes to a person. ACRO's verdict
 * is not an input.
 */
export function recheckAcroOutput(
  output: AcroOutput,
  files: ReadonlyMap<string, Uint8Array>,
  profile: SdcProfile,
): AcroRecheck {
  const recheck = recheckOutput(output, files, profile);
  // Every CSV of the session is also searched for cells a spreadsheet would run, as any table that leaves is.
  for (const [name, findings] of Object.entries(recheck.findings))
    if (name.toLowerCase().endsWith(".csv"))
      recheck.findings[name] = withFormulaCells(findings, new TextDecoder().decode(files.get(name)));
  recheck.status = combineStatus(Object.values(recheck.findings).flatMap((f) => f.checks.map((c) => c.status)));
  return recheck;
}

function withFormulaCells(findings: TableFindings, text: string): TableFindings {
  const cells = new CellFindings();
  findings.cells.forEach((cell) => cells.add(cell));
  let check: SdcCheck;
  try {
    check = checkFormulaCells(readTable(text), cells, text);
  } catch {
    check = cannotRun("formula-cells", say("acro-not-rechecked"));
  }
  return { checks: [...findings.checks, check], cells: cells.list() };
}

function recheckOutput(output: AcroOutput, files: ReadonlyMap<string, Uint8Array>, profile: SdcProfile): AcroRecheck {
  const names = output.files.map((f) => f.name);
  const texts = names.map((name) => new TextDecoder().decode(files.get(name)));
  const toReview = (how: string): AcroRecheck => ({
    status: "review",
    method: "none",
    how,
    findings: Object.fromEntries(
      names.map((name) => [name, { checks: [cannotRun("acro-recheck", say("acro-not-rechecked"))], cells: [] }]),
    ),
  });
  try {
    if (output.type === "table" && output.properties.method === "crosstab") {
      const findings = texts.map((text) => recheckCrosstab(text, profile));
      return {
        status: combineStatus(findings.flatMap((f) => f.checks.map((c) => c.status))),
        method: "crosstab",
        how: "crosstab made long, checked as a frequency table",
        findings: Object.fromEntries(names.map((name, i) => [name, findings[i]!])),
      };
    }
    if (output.type === "regression") {
      const dfs = texts.flatMap((text) => [...text.matchAll(/^Df Residuals:,\s*([^,\n]*)/gm)].map((m) => m[1]!.trim()));
      if (dfs.length === 0) return toReview("no residual df found in the regression's files");
      const findings = checkRegression(JSON.stringify(dfs.map((df) => ({ df_resid: Number(df) }))), profile.regression);
      // The df is read across the output's files (ACRO writes one per table of the summary): the first holds it.
      const first = names.findIndex((_, i) => /^Df Residuals:/m.test(texts[i]!));
      return {
        status: combineStatus(findings.checks.map((c) => c.status)),
        method: "regression",
        how: "residual df read from the summary",
        findings: Object.fromEntries(
          names.map((name, i) => [
            name,
            i === first ? { checks: findings.checks, cells: [] } : { checks: [], cells: [] },
          ]),
        ),
      };
    }
  } catch {
    return toReview("its files could not be read as a table");
  }
  return toReview(`an ACRO ${output.type} output is reviewed by a person`);
}

/**
 * A wide crosstab checked as the long frequency table it is, its findings named by the wide file's rows
 * and columns, so that a checker sees them on the file that leaves.
 */
function recheckCrosstab(text: string, profile: SdcProfile): TableFindings {
  const categories = readTable(text).columns.slice(1);
  const rules = { ...profile.frequency, redactedMarkers: [...profile.frequency.redactedMarkers, "suppressed"] };
  const long = checkFrequencyTable(readTable(longFromWide(text)), rules, "count");
  // Long row r (1-based) is wide row ⌈r / categories⌉, in the column of its category.
  const wideRow = (row: number) => Math.ceil(row / categories.length);
  const checks = long.checks.map((check): SdcCheck => {
    if (!("flagged" in check.says)) return check;
    const flagged = check.says.flagged.map((f) => ({ ...f, rows: [...new Set(f.rows.map(wideRow))] }));
    return { ...check, message: sayingEnglish({ flagged }), says: { flagged } };
  });
  const cells = long.cells.map((cell) => ({
    ...cell,
    row: wideRow(cell.row),
    column: categories[(cell.row - 1) % categories.length]!,
  }));
  return { checks, cells };
}

/**
 * A wide crosstab (first column the row category, the other headers column categories) as a long table:
 * `row,column,count`, one line per cell, an empty cell (suppressed by ACRO) as `suppressed`. Margins
 * (`All`) stay rows like any other.
 */
export function longFromWide(text: string): string {
  const table = readTable(text);
  const records = table.records();
  const [, ...categories] = table.columns;
  const lines = ["row,column,count"];
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  for (const record of records)
    categories.forEach((category, i) => {
      const cell = record[i + 1]!.trim();
      lines.push(`${quote(record[0]!)},${quote(category)},${cell === "" || cell === "nan" ? "suppressed" : cell}`);
    });
  return `${lines.join("\n")}\n`;
}
