import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSpe } from "../../test/run-spe";
import { plainPng } from "../outputs/images/test-fixtures";

const dir = mkdtempSync(join(tmpdir(), "spe-output-check-"));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const check = (...args: string[]) => runSpe(["output", "check", ...args]);

describe("spe output check", () => {
  const passing = file("passing.csv", "region,sex,count\nA,F,10\nA,M,25\n");
  const failing = file("failing.csv", "region,sex,count\nA,F,10\nA,M,9\nB,F,0\nB,M,NA\n");

  it("exit 0 for a passing table, with a short report", async () => {
    const result = await check(passing, "--type", "frequency");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(
      /^PASS: .*passing\.csv \(frequency, profile default\)\n {2}pass {3}threshold: Every count is at least 10\./,
    );
  });

  it("exit 1 for a failing table; the report says what failed, where and why", async () => {
    const result = await check(failing, "--type", "frequency");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL: ");
    expect(result.stdout).toContain(
      "fail   threshold: Count below 10: 1 cell (row 2); not a whole-number count: 1 cell (row 4).",
    );
    expect(result.stdout).toContain("row 2, count: fail: a count below the threshold 10");
    expect(result.stdout).toContain(
      "row 3, count: fail: a zero count shows that nobody in this group has the attribute",
    );
  });

  it("--json prints { status, checks, cells } with 1-based data rows, each sentence also as a message key", async () => {
    const result = await check(failing, "--type", "frequency", "--json");
    expect(result.code).toBe(1);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed)).toEqual(["status", "checks", "cells"]);
    expect(printed.cells[0].says).toEqual([{ key: "frequency-cell-below", values: { threshold: 10 } }]);
    expect(printed).toMatchObject({
      status: "fail",
      checks: [
        {
          name: "threshold",
          status: "fail",
          message: "Count below 10: 1 cell (row 2); not a whole-number count: 1 cell (row 4).",
        },
        { name: "zeros", status: "fail", message: "Zero count (disclosive): 1 cell (row 3)." },
        { name: "formula-cells", status: "pass" },
      ],
      cells: [
        { row: 2, column: "count", status: "fail", reasons: ["a count below the threshold 10"] },
        {
          row: 3,
          column: "count",
          status: "fail",
          reasons: ["a zero count shows that nobody in this group has the attribute"],
        },
        { row: 4, column: "count", status: "review", reasons: ["not a whole-number count"] },
      ],
    });
  });

  it("exit 1 for review alone: a figure, a magnitude table without max1/max2", async () => {
    const figure = await check(file("plot.png", await plainPng()), "--type", "figure", "--json");
    expect(figure.code).toBe(1);
    expect(JSON.parse(figure.stdout)).toMatchObject({
      status: "review",
      checks: [
        { name: "image-content", status: "pass" },
        { name: "manual-review", status: "review", message: expect.any(String) },
      ],
      cells: [],
    });
    // An image that does not decode cannot be checked at all.
    const broken = await check(file("broken.png", Uint8Array.from([0x89, 0x50, 0x4e, 0x47])), "--type", "figure");
    expect(broken.code).toBe(2);
    const magnitude = await check(file("sums.csv", "g,value,n\na,1000,20\n"), "--type", "magnitude", "--json");
    expect(magnitude.code).toBe(1);
    expect(JSON.parse(magnitude.stdout).status).toBe("review");
  });

  it("--profile and --count-column", async () => {
    const rounded = file("rounded.csv", "region,patients\nA,[REDACTED]\nB,15\nC,12\n");
    const result = await check(
      rounded,
      "--type",
      "frequency",
      "--profile",
      "redact7-round5",
      "--count-column",
      "patients",
      "--json",
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).cells).toMatchObject([
      { row: 3, column: "patients", status: "fail", reasons: ["a count that is not a multiple of 5"] },
    ]);
    const fixed = file("fixed.csv", "region,patients\nA,[REDACTED]\nB,15\nC,10\n");
    expect(
      (await check(fixed, "--type", "frequency", "--profile", "redact7-round5", "--count-column", "patients")).code,
    ).toBe(0);
  });

  it("regression: df 10 passes, 9 fails", async () => {
    expect((await check(file("ok.json", '{"df_resid": 10}'), "--type", "regression")).code).toBe(0);
    expect((await check(file("small.csv", "term,df_resid\nage,9\n"), "--type", "regression")).code).toBe(1);
  });

  it("exit 2 for a malformed CSV, naming the problem, and no report", async () => {
    const result = await check(file("broken.csv", 'region,count\n"A,10\n'), "--type", "frequency", "--json");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^Cannot check .*broken\.csv as frequency: OUTPUT_FILE_UNREADABLE: The CSV cannot be read: Quote Not Closed/,
    );
    const ragged = await check(file("ragged.csv", "region,count\nA,10,3\n"), "--type", "frequency");
    expect(ragged.code).toBe(2);
    expect(ragged.stderr).toMatch(/Line 2 has 3 fields, the header 2/);
  });

  it.each<[string, string[], RegExp]>([
    ["no --type", [passing], /needs --type/],
    ["an unknown type", [passing, "--type", "pie"], /--type pie is not one of/],
    ["no FILE", ["--type", "frequency"], /exactly one FILE/],
    [
      "an unknown profile",
      [passing, "--type", "frequency", "--profile", "lenient"],
      /SDC_PROFILE_NOT_FOUND: There is no SDC profile "lenient"/,
    ],
    [
      "a FILE that does not exist",
      [join(dir, "absent.csv"), "--type", "frequency"],
      /Cannot read .*absent\.csv: ENOENT/,
    ],
    ["an unknown option", [passing, "--type", "frequency", "--strict"], /Unknown option '--strict'/],
  ])("exit 2 for %s, with the usage", async (_name, args, message) => {
    const result = await check(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("spe output check FILE --type TYPE");
    expect(result.stdout).toBe("");
  });
});
