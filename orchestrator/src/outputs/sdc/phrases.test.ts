import { describe, expect, it } from "vitest";
import { checkOutputFile } from "./check-file";
import { english, SDC_PHRASES, say } from "./phrases";

describe("english", () => {
  it.each([
    [say("no-rows"), "The table has no data rows."],
    [say("frequency-cell-below", { threshold: 10 }), "a count below the threshold 10"],
    [say("magnitude-nk-failed", { n: 2, k: "90 %" }), "dominated (NK 2, 90 %)"],
    // A value the caller forgot stays visible rather than reading as an empty word.
    [say("frequency-cell-below"), "a count below the threshold {{threshold}}"],
  ])("fills the slots of %o", (phrase, text) => {
    expect(english(phrase)).toBe(text);
  });

  it("has a template for every key with only word-character slots", () => {
    for (const template of Object.values(SDC_PHRASES))
      expect(template.replace(/\{\{\w+\}\}/g, "")).not.toMatch(/[{}]{2}/);
  });
});

const text = (s: string) => new TextEncoder().encode(s);
const failing = {
  type: "frequency",
  bytes: text("region,count\nA,3\nB,0\nC,NA\nD,4\nE,5\nF,6\nG,7\nH,8\nTotal,99\n"),
  profile: "redact7-round5",
} as const;

// The UI's tests hold that these keys, said in English, read exactly as each message (workspace-ui sdc-words).
describe("a report's message keys", () => {
  it("say each cell's reasons as its English does", async () => {
    const report = await checkOutputFile(failing);
    for (const cell of report.cells) expect(cell.says.map(english)).toEqual(cell.reasons);
  });

  it("carry the key of each finding: a total over an unreadable cell goes to review, not fail", async () => {
    const report = await checkOutputFile(failing);
    const keys = [
      ...report.checks.flatMap((c) => ("flagged" in c.says ? c.says.flagged.map((f) => f.label.key) : [])),
      ...report.cells.flatMap((c) => c.says.map((p) => p.key)),
    ];
    expect(new Set(keys)).toEqual(
      new Set([
        "frequency-threshold-failed",
        "frequency-threshold-reviewed",
        "frequency-zeros-failed",
        "frequency-rounding-failed",
        "totals-reviewed",
        "frequency-cell-below",
        "frequency-cell-zero",
        "frequency-cell-not-whole",
        "frequency-cell-not-rounded",
        "totals-cell-unreadable",
      ]),
    );
  });
});
