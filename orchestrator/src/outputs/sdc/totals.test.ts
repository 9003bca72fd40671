import { describe, expect, it } from "vitest";
import { checkFrequencyTable } from "./frequency";
import { loadSdcProfile } from "./profile";
import { readTable } from "./read-table";

const redact7 = loadSdcProfile("redact7-round5").frequency;
const totals = (csv: string, rules = redact7) => {
  const findings = checkFrequencyTable(readTable(csv), rules);
  return { check: findings.checks.find((c) => c.name === "totals"), cells: findings.cells };
};

describe("totals computed from the published cells (redact7-round5)", () => {
  it("a total row that is the sum of its cells passes; redacted cells count as 0", () => {
    expect(totals("region,count\nA,15\nB,[REDACTED]\nC,20\nTotal,35\n").check).toMatchObject({
      name: "totals",
      status: "pass",
      message: expect.stringContaining("equals the sum"),
    });
  });

  it("a total computed before redaction or rounding fails, naming the row", () => {
    const { check, cells } = totals("region,count\nA,15\nB,[REDACTED]\nC,20\nTotal,40\n");
    expect(check).toMatchObject({
      name: "totals",
      status: "fail",
      message: "Total not the sum of its cells: 1 cell (row 4).",
    });
    expect(cells).toMatchObject([
      {
        row: 4,
        column: "count",
        status: "fail",
        reasons: ["total 40 is not the sum of its 3 cells (35); compute totals from the published cells"],
      },
    ]);
  });

  it("two-way margins: each row and column total and the grand total", () => {
    const table = [
      "region,sex,count",
      "A,F,10",
      "A,M,15",
      "B,F,20",
      "B,M,[REDACTED]",
      "A,all,25",
      "B,All,20",
      "TOTAL,F,30",
      "Total,M,15",
      "Total,All,45",
    ].join("\n");
    expect(totals(table).check!.status).toBe("pass");
    const wrong = table.replace("B,All,20", "B,All,25").replace("Total,All,45", "Total,All,50");
    expect(totals(wrong).cells.map((c) => c.row)).toEqual([6, 9]);
  });

  it("a table without total rows passes, and a total over unreadable cells goes to review", () => {
    expect(totals("region,count\nA,15\n").check).toMatchObject({
      name: "totals",
      status: "pass",
      message: "No total rows (labelled Total, All, Totalt).",
    });
    expect(totals("region,count\nA,15\nB,NA\nTotal,15\n").check!.status).toBe("review");
  });

  it("is not checked by profiles without total labels", () => {
    expect(totals("region,count\nA,15\nTotal,40\n", loadSdcProfile("default").frequency).check).toBeUndefined();
  });
});
