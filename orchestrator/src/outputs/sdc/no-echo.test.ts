import { describe, expect, it } from "vitest";
import { SpeError } from "../../errors";
import { checkOutputFile, type SdcOutputType } from "./check-file";
import { researcherReport } from "./researcher-report";

/**
 * A researcher sees the report on a file before anyone reviews it (the precheck, their request's page), so
 * nothing of the file may come back in it: not a cell's text, not a number, not a header, not a JSON key.
 * Each file below hides a personnummer (or its digits) where a check looks; the report and any error must
 * name places only. The output checkers' report on the same file (`detail`) does say what was found, and
 * cut down for the researcher it is the researcher's report again.
 */
const SECRET = "199001011234";
const text = (s: string) => new TextEncoder().encode(s);

const REPORTED: Array<[string, SdcOutputType, string, string?]> = [
  ["text in a count cell", "frequency", `group,count\na,${SECRET} diabetes E11\nb,12\n`],
  ["a count that fails the threshold", "frequency", "group,count\na,3\nb,12\n"],
  ["an unrounded count", "frequency", `group,count\na,${SECRET}\nb,15\n`, "redact7-round5"],
  [
    "a total that is not the sum of its cells",
    "frequency",
    `group,count\na,15\nb,20\nTotal,${SECRET}\n`,
    "redact7-round5",
  ],
  ["a header instead of a count column", "frequency", `group,${SECRET} HIV B20\na,12\n`],
  ["text in n of a magnitude table", "magnitude", `g,value,n,max1,max2\nA,100,${SECRET} x,60,40\n`],
  ["a magnitude cell with too few contributors", "magnitude", "g,value,n,max1,max2\nA,100,3,60,40\n"],
  ["identical contributions", "magnitude", `g,value,n,max1,max2\nA,${Number(SECRET) * 20},20,${SECRET},${SECRET}\n`],
  ["a dominated cell", "magnitude", `g,value,n,max1,max2\nA,${SECRET}0,20,${SECRET}9,1\n`],
  ["a regression row with text in df_resid", "regression", `term,df_resid\nage,${SECRET} x\n`],
  [
    "JSON keys and values",
    "regression",
    JSON.stringify({ [SECRET]: { df_resid: 3 }, other: { df_resid: `${SECRET} HIV` } }),
  ],
];

REPORTED.push(
  ["a formula cell", "frequency", `group,count\n"=HYPERLINK(""https://x.example/?${SECRET}"")",12\n`],
  ["a table declared other", "other", `group,count\n${SECRET} diabetes,3\n`],
);

const REFUSED: Array<[string, SdcOutputType, string]> = [
  ["a header that names a column twice", "frequency", `${SECRET},${SECRET}\n1,2\n`],
  ["a field that opens a quote in the middle", "frequency", `group,count\n"a",x"${SECRET}"\n"b\n`],
  ["a field with text after its closing quote", "frequency", `group,count\n"${SECRET}"x,1\n`],
  ["JSON that does not parse", "regression", `{"df_resid": ${SECRET} HIV}`],
];

describe("a report quotes nothing from the file", () => {
  it.each(REPORTED)("%s", async (_, type, content, profile = "default") => {
    const report = await checkOutputFile({ type, bytes: text(content), profile });
    expect(report.status).not.toBe("pass");
    const said = JSON.stringify(report);
    expect(said).not.toContain(SECRET);
    expect(said).not.toMatch(/HIV|diabetes|\b3 contributors|count 3\b|\b60\b/);
  });

  it.each(REPORTED)(
    "nor does the checkers' report on %s once cut down for the researcher",
    async (_, type, content, profile = "default") => {
      const forCheckers = await checkOutputFile({ type, bytes: text(content), profile, detail: true });
      // Stored and read back as the request's page reads it.
      const cutDown = researcherReport(JSON.parse(JSON.stringify(forCheckers)));
      expect(JSON.stringify(cutDown)).not.toMatch(
        new RegExp(`${SECRET}|HIV|diabetes|\\b3 contributors|count 3\\b|\\b60\\b`),
      );
      expect(cutDown).toEqual(await checkOutputFile({ type, bytes: text(content), profile }));
    },
  );

  it("while the checkers' report says what the checks found", async () => {
    const found = async (type: SdcOutputType, content: string, profile = "default") =>
      JSON.stringify(await checkOutputFile({ type, bytes: text(content), profile, detail: true }));
    expect(await found("frequency", "group,count\na,3\nb,12\n")).toContain("count 3 is below the threshold 10");
    expect(await found("frequency", `group,count\na,${SECRET} diabetes E11\nb,12\n`)).toContain(
      `\\"${SECRET} diabetes E11\\" is not a whole-number count`,
    );
    expect(await found("magnitude", "g,value,n,max1,max2\nA,100,3,60,40\n")).toContain(
      "3 contributors, below the threshold 10",
    );
    expect(await found("magnitude", "g,value,n,max1,max2\nA,1000,20,900,62.5\n")).toContain(
      "the largest two contributions make up 96.3 % of the total, at least 90 %",
    );
    expect(await found("frequency", "group,count\na,15\nb,20\nTotal,40\n", "redact7-round5")).toContain(
      "total 40 is not the sum of its 2 cells (35)",
    );
    expect(await found("regression", JSON.stringify({ models: [{ fit: { df_resid: 3 } }] }))).toContain(
      "$.models[0].fit.df_resid: 3 residual degrees of freedom, below 10",
    );
  });

  it.each(REFUSED)("nor does the refusal of %s", async (_, type, content) => {
    const refusal = await checkOutputFile({ type, bytes: text(content), profile: "default" }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(SpeError);
    expect((refusal as SpeError).code).toBe("OUTPUT_FILE_UNREADABLE");
    expect((refusal as SpeError).message).not.toContain(SECRET);
  });
});
