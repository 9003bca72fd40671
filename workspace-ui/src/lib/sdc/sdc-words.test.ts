import type { TFunction } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { checkOutputFile, type CheckOutputFileInput } from "../../../../orchestrator/src/outputs/sdc/check-file";
import { loadSdcProfile } from "../../../../orchestrator/src/outputs/sdc/profile";
import { testTranslators } from "../../locales/test-translators";
import { readSdcReport, type SdcReport } from "./sdc-report";
import { checkSaid, reasonsSaid } from "./sdc-words";

const text = (s: string) => new TextEncoder().encode(s);
const FILES = {
  "a failing frequency table": {
    type: "frequency",
    bytes: text("region,count\nA,3\nB,0\nC,NA\nD,4\nE,5\nF,6\nG,7\nH,8\nTotal,99\n"),
    profile: "redact7-round5",
  },
  "a passing frequency table": {
    type: "frequency",
    bytes: text("region,count\nA,30\nB,[REDACTED]\n"),
    profile: "redact7-round5",
  },
  "a magnitude table": {
    type: "magnitude",
    bytes: text(
      "g,value,n,max1,max2\nA,100,2,60,40\nB,100,20,5,5\nC,-1,20,1,1\nD,x,20,1,1\nE,1000,20,100,90\nF,1000,20,900,62.5\n",
    ),
    profile: "default",
  },
  "a magnitude table without its columns": { type: "magnitude", bytes: text("g,value\nA,100\n"), profile: "default" },
  "a regression summary in JSON": {
    type: "regression",
    bytes: text('{"models":[{"df_resid":4},{"df_resid":"many"}]}'),
    profile: "default",
  },
  "a regression summary in CSV": { type: "regression", bytes: text("term,df_resid\nx,3\ny,12\n"), profile: "default" },
  "a figure": { type: "figure", bytes: text(""), profile: "default" },
} as const;

/** A report as the UI receives it: made by the orchestrator's checks, through JSON (with `detail`, as a checker gets it). */
async function reportOf(file: CheckOutputFileInput): Promise<SdcReport> {
  const report = readSdcReport(JSON.parse(JSON.stringify(await checkOutputFile(file))));
  if (!report) throw new Error("the UI cannot read the report");
  return report;
}

let inEnglish: TFunction;
let inSwedish: TFunction;
beforeAll(async () => {
  ({ inEnglish, inSwedish } = await testTranslators());
});

/** Every file as a researcher's report and as an output checker's. */
const READERS = Object.entries(FILES).flatMap(([name, file]) => [
  [`${name}, as the researcher reads it`, file] as const,
  [`${name}, as an output checker reads it`, { ...file, detail: true }] as const,
]);

describe("the disclosure checks' words", () => {
  it.each(READERS)("in English read exactly as the orchestrator's message for %s", async (_, file) => {
    const report = await reportOf(file);
    for (const check of report.checks) expect(checkSaid(check, inEnglish)).toEqual({ text: check.message });
    for (const cell of report.cells) expect(reasonsSaid(cell, inEnglish)).toEqual({ text: cell.reasons.join("; ") });
  });

  it.each(READERS)("in Swedish leave no English and no empty slot for %s", async (_, file) => {
    const report = await reportOf(file);
    const said = [
      ...report.checks.map((c) => checkSaid(c, inSwedish)),
      ...report.cells.map((c) => reasonsSaid(c, inSwedish)),
    ];
    for (const words of said) {
      expect(words.lang).toBeUndefined();
      expect(words.text).not.toMatch(/\{\{|\b(count|rows?|below|threshold|the|every|contributors?|cannot)\b/);
    }
  });

  it("say a failing count in Swedish with its cells and rows", async () => {
    const report = await reportOf(FILES["a failing frequency table"]);
    const threshold = report.checks.find((c) => c.name === "threshold")!;
    expect(checkSaid(threshold, inSwedish).text).toBe(
      "Antal under 8: 5 celler (rader 1, 4, 5, 6, 7); antal som inte är heltal: 1 cell (rad 3).",
    );
  });

  it("say to an output checker what the checks read, and to the researcher only where", async () => {
    const forChecker = await reportOf({ ...FILES["a failing frequency table"], detail: true });
    const forResearcher = await reportOf(FILES["a failing frequency table"]);
    const row1 = (r: SdcReport) =>
      reasonsSaid(
        r.cells.find((c) => c.row === 1)!,
        inSwedish,
      ).text;
    expect(row1(forChecker)).toBe("antalet 3 är under tröskeln 8; antalet 3 är inte en multipel av 5");
    expect(row1(forResearcher)).toBe("ett antal under tröskeln 8; ett antal som inte är en multipel av 5");
    const total = (r: SdcReport) =>
      reasonsSaid(
        r.cells.find((c) => c.row === 9)!,
        inSwedish,
      ).text;
    expect(total(forChecker)).toBe("antalet 99 är inte en multipel av 5; en total över celler som inte alla är heltal");
    const json = await reportOf({ ...FILES["a regression summary in JSON"], detail: true });
    expect(checkSaid(json.checks[0]!, inSwedish).text).toBe(
      '$.models[0].df_resid: 4 residualfrihetsgrader, under 10; $.models[1].df_resid: df_resid "many" är inte ett antal frihetsgrader.',
    );
  });

  it("write a share with the reader's decimal point", async () => {
    const checkers = await reportOf({ ...FILES["a magnitude table"], detail: true });
    expect(
      reasonsSaid(
        checkers.cells.find((c) => c.row === 6)!,
        inSwedish,
      ).text,
    ).toContain("96,3 % av summan, minst 90 %");
    const profile = loadSdcProfile("default");
    const report = await reportOf({
      ...FILES["a magnitude table"],
      profile: { ...profile, magnitude: { ...profile.magnitude, nkDominance: { n: 2, k: 0.875 } } },
    });
    const dominated = report.cells.find((c) => c.row === 6)!;
    expect(reasonsSaid(dominated, inSwedish).text).toContain("87,5 %");
    expect(reasonsSaid(dominated, inEnglish).text).toContain("87.5 %");
  });

  it("fall back to the English, marked as English, for a key this UI does not know or a report without keys", () => {
    const newer = { message: "Something new.", says: { phrase: { key: "a-check-from-a-newer-server" } } };
    expect(checkSaid(newer, inSwedish)).toEqual({ text: "Something new.", lang: "en" });
    expect(checkSaid({ message: "Every count is at least 10." }, inSwedish)).toEqual({
      text: "Every count is at least 10.",
      lang: "en",
    });
    expect(reasonsSaid({ reasons: ["count 3 is below the threshold 10"], says: [{ key: "nope" }] }, inSwedish)).toEqual(
      { text: "count 3 is below the threshold 10", lang: "en" },
    );
  });

  it("are read from a stored report only in the shapes the orchestrator writes", () => {
    const stored = {
      status: "fail",
      checks: [
        {
          name: "a",
          status: "fail",
          message: "A.",
          says: { phrase: { key: "no-rows", values: { x: { nested: true } } } },
        },
        {
          name: "b",
          status: "fail",
          message: "B.",
          says: { flagged: [{ status: "fail", label: { key: "cells-failed" }, count: 1, rows: ["1"] }] },
        },
        { name: "c", status: "pass", message: "C.", says: { phrase: { key: "no-rows" } } },
      ],
      cells: [{ row: 1, column: "count", status: "fail", reasons: ["one", "two"], says: [{ key: "no-rows" }] }],
    };
    const report = readSdcReport(stored)!;
    expect(report.checks.map((c) => c.says)).toEqual([undefined, undefined, { phrase: { key: "no-rows" } }]);
    expect(report.cells[0]!.says).toBeUndefined();
  });
});
