import { combineStatus, type SdcStatus } from "../sdc/combine-status";
import { checkFrequencyTable } from "../sdc/frequency";
import type { SdcProfile } from "../sdc/profile";
import { readTable } from "../sdc/read-table";
import { checkRegression } from "../sdc/regression";
import type { AcroOutput } from "./acro-results";

/**
 * Our own verdict on one ACRO output, from its files alone: a crosstab (ACRO writes it wide, one column per
 * category) is made long and checked as a frequency table, cells ACRO suppressed (empty) counted as
 * redacted; a regression's residual df is read from its summary (`Df Residuals:`). Anything else goes to a
 * person. ACRO's verdict is not an input.
 */
export function recheckAcroOutput(
  output: AcroOutput,
  files: ReadonlyMap<string, Uint8Array>,
  profile: SdcProfile,
): { status: SdcStatus; how: string } {
  const texts = output.files.map((f) => new TextDecoder().decode(files.get(f.name)));
  try {
    if (output.type === "table" && output.properties.method === "crosstab") {
      const statuses = texts.map((text) => {
        const long = longFromWide(text);
        const rules = { ...profile.frequency, redactedMarkers: [...profile.frequency.redactedMarkers, "suppressed"] };
        const checks = checkFrequencyTable(readTable(long), rules, "count").checks;
        return combineStatus(checks.map((c) => c.status));
      });
      return { status: combineStatus(statuses), how: "crosstab made long, checked as a frequency table" };
    }
    if (output.type === "regression") {
      const dfs = texts.flatMap((text) => [...text.matchAll(/^Df Residuals:,\s*([^,\n]*)/gm)].map((m) => m[1]!.trim()));
      if (dfs.length === 0) return { status: "review", how: "no residual df found in the regression's files" };
      const findings = checkRegression(JSON.stringify(dfs.map((df) => ({ df_resid: Number(df) }))), profile.regression);
      return { status: combineStatus(findings.checks.map((c) => c.status)), how: "residual df read from the summary" };
    }
  } catch {
    return { status: "review", how: "its files could not be read as a table" };
  }
  return { status: "review", how: `an ACRO ${output.type} output is reviewed by a person` };
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
