import { describe, expect, it } from "vitest";
import { checkFrequencyTable } from "./frequency";
import { loadSdcProfile } from "./profile";
import { readTable } from "./read-table";

const defaults = loadSdcProfile("default").frequency;
const redact7 = loadSdcProfile("redact7-round5").frequency;
const counts = (...values: string[]) => readTable(["group,count", ...values.map((v, i) => `g${i},${v}`)].join("\n"));
const status = (name: string, findings: ReturnType<typeof checkFrequencyTable>) =>
  findings.checks.find((c) => c.name === name)?.status;

describe("frequency tables, default profile", () => {
  it.each<[string, "pass" | "fail"]>([
    ["9", "fail"],
    ["10", "pass"],
    ["11", "pass"],
    ["1", "fail"],
    ["10.0", "pass"],
  ])("count %s → threshold %s (fails below 10, 10 passes)", (count, expected) => {
    const findings = checkFrequencyTable(counts(count), defaults);
    expect(status("threshold", findings)).toBe(expected);
    expect(findings.cells).toMatchObject(
      expected === "fail"
        ? [{ row: 1, column: "count", status: "fail", reasons: [`count ${Number(count)} is below the threshold 10`] }]
        : [],
    );
  });

  it("follows the profile's threshold", () => {
    expect(status("threshold", checkFrequencyTable(counts("19"), { ...defaults, threshold: 20 }))).toBe("fail");
    expect(status("threshold", checkFrequencyTable(counts("20"), { ...defaults, threshold: 20 }))).toBe("pass");
  });

  it("a zero cell fails when zeros are disclosive, and passes (not held to the threshold) when not", () => {
    const disclosive = checkFrequencyTable(counts("10", "0"), defaults);
    expect(disclosive.checks).toMatchObject([
      { name: "threshold", status: "pass", message: "Every count is at least 10." },
      { name: "zeros", status: "fail", message: "Zero count (disclosive): 1 cell (row 2)." },
    ]);
    expect(disclosive.cells).toMatchObject([
      { row: 2, column: "count", status: "fail", reasons: [expect.stringContaining("nobody in this group")] },
    ]);
    const harmless = checkFrequencyTable(counts("10", "0"), { ...defaults, zerosDisclosive: false });
    expect(harmless.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    expect(harmless.cells).toEqual([]);
  });

  it("names rows by data row (1 = first line after the header) and collects every reason of a cell", () => {
    const findings = checkFrequencyTable(counts("12", "12", "3", "40", "7"), { ...defaults, roundingBase: 5 });
    expect(findings.cells.map((c) => c.row)).toEqual([1, 2, 3, 5]);
    expect(findings.cells[2]).toMatchObject({
      row: 3,
      column: "count",
      status: "fail",
      reasons: ["count 3 is below the threshold 10", "count 3 is not a multiple of 5"],
    });
    expect(findings.checks[0]!.message).toBe("Count below 10: 2 cells (rows 3, 5).");
  });

  it.each(["", "NA", "12.5", "-3", "1 200"])("a count of %j is left to review", (text) => {
    const findings = checkFrequencyTable(counts("10", text), defaults);
    expect(status("threshold", findings)).toBe("review");
    expect(findings.cells).toMatchObject([
      { row: 2, column: "count", status: "review", reasons: [`"${text}" is not a whole-number count`] },
    ]);
  });

  it("[REDACTED] is not a count in the default profile", () => {
    expect(status("threshold", checkFrequencyTable(counts("[REDACTED]"), defaults))).toBe("review");
  });

  it("uses the named count column; without it the file goes to review", () => {
    const table = readTable("region,n_patients\nA,4\n");
    expect(checkFrequencyTable(table, defaults).checks).toMatchObject([
      { name: "threshold", status: "review", message: expect.stringContaining('No column named "count"') },
    ]);
    expect(status("threshold", checkFrequencyTable(table, defaults, "n_patients"))).toBe("fail");
  });

  it("a table without rows goes to review", () => {
    expect(checkFrequencyTable(readTable("group,count\n"), defaults).checks).toMatchObject([
      { name: "threshold", status: "review", message: "The table has no data rows." },
    ]);
  });
});

describe("frequency tables, redact7-round5", () => {
  it.each<[string, string, string, string]>([
    // count, threshold, zeros, rounding
    ["[REDACTED]", "pass", "pass", "pass"],
    ["REDACTED", "pass", "pass", "pass"],
    ["10", "pass", "pass", "pass"],
    ["15", "pass", "pass", "pass"],
    ["5", "fail", "pass", "pass"], // a rounded 3–7: should have been redacted
    ["7", "fail", "pass", "fail"],
    ["8", "pass", "pass", "fail"], // above 7 but not rounded
    ["12", "pass", "pass", "fail"],
    ["0", "pass", "fail", "pass"], // a rounded 0–2: should have been redacted
  ])("count %s → threshold %s, zeros %s, rounding %s", (count, threshold, zeros, rounding) => {
    const findings = checkFrequencyTable(counts(count), redact7);
    expect(findings.checks.map((c) => [c.name, c.status])).toEqual([
      ["threshold", threshold],
      ["zeros", zeros],
      ["rounding", rounding],
      ["totals", "pass"],
    ]);
  });

  it("says how many cells were redacted", () => {
    expect(checkFrequencyTable(counts("[REDACTED]", "20"), redact7).checks[0]!.message).toBe(
      "Every count is at least 8 (1 redacted).",
    );
  });
});
