import { describe, expect, it } from "vitest";
import { checkHistogram } from "./histogram";
import { loadSdcProfile } from "./profile";
import { readTable } from "./read-table";

const rules = loadSdcProfile("default").frequency;
const check = (...rows: string[]) => checkHistogram(readTable(["lower,upper,count", ...rows].join("\n")), rules);
const statuses = (...rows: string[]) => Object.fromEntries(check(...rows).checks.map((c) => [c.name, c.status]));

describe("histograms, default profile", () => {
  it("open-ended bins of at least 10 pass", () => {
    expect(statuses(",20,14", "20,30,52", "30,,11")).toEqual({
      threshold: "pass",
      zeros: "pass",
      "extreme-edges": "pass",
    });
    expect(statuses("-Inf,20,14", "20,30,52", "30,Inf,11")["extreme-edges"]).toBe("pass");
  });

  it.each<[string, string, string]>([
    ["9", "fail", "pass"],
    ["10", "pass", "pass"],
    ["0", "pass", "fail"],
    ["12.5", "review", "pass"],
  ])("a middle bin of %s → threshold %s, zeros %s", (count, threshold, zeros) => {
    expect(statuses(",20,14", `20,30,${count}`, "30,,11")).toMatchObject({ threshold, zeros });
  });

  it("sends closed outermost edges to review: they may be the smallest and largest values", () => {
    const { checks, cells } = check("18,20,14", "20,30,52", "30,97,11");
    expect(checks.find((c) => c.name === "extreme-edges")!.status).toBe("review");
    expect(cells.map((c) => [c.row, c.column])).toEqual([
      [1, "lower"],
      [3, "upper"],
    ]);
  });

  it("finds the outermost edges by value, not by row order", () => {
    const { cells } = check("30,97,11", "18,20,14", "20,30,52");
    expect(cells.map((c) => [c.row, c.column])).toEqual([
      [1, "upper"],
      [2, "lower"],
    ]);
  });

  it("goes to review without its columns", () => {
    const report = checkHistogram(readTable("bin,count\na,12\n"), rules);
    expect(report.checks).toMatchObject([{ name: "threshold", status: "review" }]);
  });
});
