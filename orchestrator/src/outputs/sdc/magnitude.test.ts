import { describe, expect, it } from "vitest";
import { checkMagnitudeTable } from "./magnitude";
import { loadSdcProfile } from "./profile";
import { readTable } from "./read-table";

const rules = loadSdcProfile("default").magnitude;
/** One cell per argument: "value,n,max1,max2". */
const table = (...cells: string[]) =>
  readTable(["group,value,n,max1,max2", ...cells.map((c, i) => `g${i},${c}`)].join("\n"));
const statuses = (...cells: string[]) =>
  Object.fromEntries(checkMagnitudeTable(table(...cells), rules).checks.map((c) => [c.name, c.status]));

describe("magnitude tables, default profile", () => {
  it("a safe cell passes every check", () => {
    expect(statuses("1000,20,100,90")).toEqual({
      threshold: "pass",
      "nk-dominance": "pass",
      "p-ratio": "pass",
      "identical-values": "pass",
      "negative-values": "pass",
      values: "pass",
    });
  });

  it.each<[string, string]>([
    ["1000,9,100,90", "fail"],
    ["1000,10,100,90", "pass"],
    ["1000,0,0,0", "fail"],
  ])("contributors: %s → threshold %s (fewer than 10 fails, 10 passes)", (cell, expected) => {
    expect(statuses(cell).threshold).toBe(expected);
  });

  it.each<[string, string]>([
    ["100,10,60,30", "fail"], // exactly 90 %: fails (reference: ≥ k)
    ["100.01,10,60,30", "pass"], // just under 90 %
    ["1.0,10,0.6,0.3", "fail"], // exactly 90 % in decimals that doubles get wrong
    ["10,10,0.6,0.3", "pass"],
    ["99.99,10,60,30", "fail"],
  ])("NK (2, 0.90): %s → %s", (cell, expected) => {
    expect(statuses(cell)["nk-dominance"]).toBe(expected);
  });

  it("NK with n = 1 looks at the largest contribution only", () => {
    const one = { ...rules, nkDominance: { n: 1 as const, k: 0.5 } };
    const check = (cell: string) =>
      checkMagnitudeTable(table(cell), one).checks.find((c) => c.name === "nk-dominance")!.status;
    expect(check("100,10,50,40")).toBe("fail");
    expect(check("100,10,49.9,40")).toBe("pass");
  });

  it.each<[string, string]>([
    // value − max1 − max2 against 0.10 · max1
    ["210,10,100,100", "pass"], // rest 10 = 10 % of 100: exactly p passes
    ["209.99,10,100,100", "fail"],
    ["0.32,10,0.2,0.1", "pass"], // rest 0.02 = 10 % of 0.2 exactly in decimals; doubles say 0.0199… < 0.0200…
    ["0.31999,10,0.2,0.1", "fail"],
  ])("p-ratio 0.10: %s → %s (below p fails, exactly p passes)", (cell, expected) => {
    expect(statuses(cell)["p-ratio"]).toBe(expected);
  });

  it("the p-ratio decides alone where NK is set looser", () => {
    const loose = { ...rules, nkDominance: { n: 2 as const, k: 0.99 } };
    const report = checkMagnitudeTable(table("209.99,10,100,100", "210,10,100,100"), loose);
    expect(report.checks.find((c) => c.name === "nk-dominance")!.status).toBe("pass");
    expect(report.cells).toMatchObject([
      {
        row: 1,
        column: "value",
        status: "fail",
        reasons: [expect.stringContaining("less than 10 % of the largest contribution")],
      },
    ]);
  });

  it("all-identical contributions fail", () => {
    expect(statuses("500,10,50,50")["identical-values"]).toBe("fail");
    expect(statuses("0,12,0,0")["identical-values"]).toBe("fail");
    expect(statuses("501,10,50,50")["identical-values"]).toBe("pass");
    expect(checkMagnitudeTable(table("500,10,50,50"), rules).cells[0]!.reasons).toEqual([
      "all 10 contributions are the same (50)",
    ]);
  });

  it.each(["-100,20,10,5", "100,20,-10,-20", "100,20,50,-1"])(
    "negative values %s → review, dominance skipped for the cell",
    (cell) => {
      const report = checkMagnitudeTable(table(cell), rules);
      expect(report.checks.find((c) => c.name === "negative-values")!.status).toBe("review");
      expect(report.checks.find((c) => c.name === "nk-dominance")!.status).toBe("pass");
      expect(report.cells).toMatchObject([
        {
          row: 1,
          column: "value",
          status: "review",
          reasons: ["a negative value or contribution: dominance is undefined"],
        },
      ]);
    },
  );

  it("a negative cell below the threshold still fails", () => {
    expect(statuses("-100,3,10,5")).toMatchObject({ threshold: "fail", "negative-values": "review" });
  });

  it.each(["100,20,30,60", "100,20,60,50", "NA,20,10,5", "100,20,10,"])(
    "inconsistent or unreadable %s → review",
    (cell) => {
      expect(statuses(cell).values).toBe("review");
    },
  );

  it("a single contributor may leave max2 empty, and fails", () => {
    expect(statuses("100,1,100,")).toMatchObject({ threshold: "fail", values: "pass", "nk-dominance": "fail" });
  });

  it("without max1 and max2 dominance cannot run: review, the threshold still runs", () => {
    const report = checkMagnitudeTable(readTable("group,value,n\na,100,4\n"), rules);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["threshold", "fail"],
      ["nk-dominance", "review"],
      ["p-ratio", "review"],
      ["identical-values", "review"],
      ["negative-values", "review"],
      ["values", "review"],
    ]);
    expect(report.checks[1]!.message).toMatch(/Needs the columns max1, max2/);
  });

  it("without n the threshold cannot run", () => {
    const report = checkMagnitudeTable(readTable("group,value,max1,max2\na,100,10,5\n"), rules);
    expect(report.checks[0]).toMatchObject({
      name: "threshold",
      status: "review",
      message: expect.stringContaining("Needs the column n"),
    });
  });

  it("lists every reason of a cell once, with the row", () => {
    const report = checkMagnitudeTable(table("1000,20,100,90", "100,2,60,40"), rules);
    expect(report.cells).toMatchObject([
      {
        row: 2,
        column: "value",
        status: "fail",
        reasons: [
          "2 contributors, below the threshold 10",
          "the largest two contributions make up 100 % of the total, at least 90 %",
          "the rest of the total (value − max1 − max2) is less than 10 % of the largest contribution",
        ],
      },
    ]);
  });
});

describe("magnitude tables with the smallest contribution (min)", () => {
  const withMin = (...cells: string[]) =>
    checkMagnitudeTable(
      readTable(["group,value,n,max1,max2,min", ...cells.map((c, i) => `g${i},${c}`)].join("\n")),
      rules,
    );
  const statusesWithMin = (...cells: string[]) =>
    Object.fromEntries(withMin(...cells).checks.map((c) => [c.name, c.status]));

  it.each<[string, string, string]>([
    // A negative contribution below max2: the total hides how large the two largest really are.
    ["1000,20,100,90,-400", "review", "pass"],
    ["1000,20,100,90,0", "pass", "pass"],
    ["1000,20,100,90,3.5", "pass", "pass"],
    ["1000,20,100,90,", "pass", "pass"], // empty: not given for this cell
    ["1000,20,100,90,x", "pass", "review"],
    ["1000,20,100,90,101", "pass", "review"], // min above max1 contradicts itself
  ])("%s → negative-values %s, values %s", (cell, negative, values) => {
    expect(statusesWithMin(cell)).toMatchObject({ "negative-values": negative, values });
  });

  it("says why the negative min goes to review, and skips dominance for that cell", () => {
    const { cells } = withMin("1000,20,950,30,-900");
    expect(cells).toMatchObject([{ row: 1, column: "value", status: "review" }]);
    expect(cells[0]!.reasons).toEqual([
      "a negative smallest contribution (min): the largest contributions can exceed what the total shows, so dominance is undefined",
    ]);
  });

  it("without min, the same table passes where the rules say review (the gap the column closes)", () => {
    expect(statuses("1000,20,100,90")["negative-values"]).toBe("pass");
  });
});
