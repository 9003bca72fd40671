import { describe, expect, it } from "vitest";
import { checkOutputFile } from "./check-file";
import { english, SDC_PHRASES, say } from "./phrases";
import type { SdcCheck } from "./report";

describe("english", () => {
  it.each([
    [say("no-rows"), "The table has no data rows."],
    [say("frequency-cell-below", { count: 3, threshold: 10 }), "count 3 is below the threshold 10"],
    [say("magnitude-nk-failed", { n: 2, k: "90 %" }), "dominated (NK 2, 90 %)"],
    // A value the caller forgot stays visible rather than reading as an empty word.
    [say("frequency-cell-below", { count: 3 }), "count 3 is below the threshold {{threshold}}"],
  ])("fills the slots of %o", (phrase, text) => {
    expect(english(phrase)).toBe(text);
  });

  it("has a template for every key with only word-character slots", () => {
    for (const template of Object.values(SDC_PHRASES)) expect(template.replace(/\{\{\w+\}\}/g, "")).not.toMatch(/[{}]{2}/);
  });
});

/** The English a check's message is made of, rebuilt from its keys alone. */
function rebuilt(check: SdcCheck): string {
  const says = check.says;
  if ("phrase" in says) return english(says.phrase);
  const cells = (n: number) => (n === 1 ? "1 cell" : `${n} cells`);
  const rows = (named: number[], n: number) => `${n === 1 ? "row" : "rows"} ${named.join(", ")}${n > named.length ? ` and ${n - named.length} more` : ""}`;
  const parts = "flagged" in says ? says.flagged.map((f) => `${english(f.label)}: ${cells(f.count)} (${rows(f.rows, f.count)})`) : says.models.map((m) => `${m.path}: ${english(m.reason)}`);
  const text = parts.join("; ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

const text = (s: string) => new TextEncoder().encode(s);
const reports = {
  "a failing frequency table": { type: "frequency", bytes: text("region,count\nA,3\nB,0\nC,NA\nD,4\nE,5\nF,6\nG,7\nH,8\nTotal,99\n"), profile: "redact7-round5" },
  "a passing frequency table": { type: "frequency", bytes: text("region,count\nA,30\nB,[REDACTED]\n"), profile: "redact7-round5" },
  "a magnitude table with every kind of finding": { type: "magnitude", bytes: text("g,value,n,max1,max2\nA,100,2,60,40\nB,100,20,5,5\nC,-1,20,1,1\nD,x,20,1,1\nE,1000,20,100,90\n"), profile: "default" },
  "a magnitude table without its columns": { type: "magnitude", bytes: text("g,value\nA,100\n"), profile: "default" },
  "a regression summary in JSON": { type: "regression", bytes: text('{"models":[{"df_resid":4},{"df_resid":"many"},{"df_resid":40}]}'), profile: "default" },
  "a regression summary in CSV": { type: "regression", bytes: text("term,df_resid\nx,3\n"), profile: "default" },
  "a figure": { type: "figure", bytes: text(""), profile: "default" },
} as const;

describe("a report's message keys", () => {
  it.each(Object.entries(reports))("say the same as its English in %s", async (_, input) => {
    const report = await checkOutputFile(input);
    expect(report.checks.length).toBeGreaterThan(0);
    for (const check of report.checks) expect(rebuilt(check)).toBe(check.message);
    for (const cell of report.cells) expect(cell.says.map(english)).toEqual(cell.reasons);
  });

  it("carry the key of each finding: a total over an unreadable cell goes to review, not fail", async () => {
    const report = await checkOutputFile(reports["a failing frequency table"]);
    const keys = [...report.checks.flatMap((c) => ("flagged" in c.says ? c.says.flagged.map((f) => f.label.key) : [])), ...report.cells.flatMap((c) => c.says.map((p) => p.key))];
    expect(new Set(keys)).toEqual(new Set(["frequency-threshold-failed", "frequency-threshold-reviewed", "frequency-zeros-failed", "frequency-rounding-failed", "totals-reviewed", "frequency-cell-below", "frequency-cell-zero", "frequency-cell-not-whole", "frequency-cell-not-rounded", "totals-cell-unreadable"]));
  });
});
