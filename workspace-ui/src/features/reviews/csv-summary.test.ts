import { describe, expect, it } from "vitest";
import { summariseCsv } from "./csv-summary";
import { parseCsv } from "./parse-csv";

const summary = (text: string) => summariseCsv(parseCsv(text));

describe("summariseCsv", () => {
  it.each([
    ["an empty file", "", { rows: 0, columns: 0, numeric: [] }],
    ["a header alone", "region,count\n", { rows: 0, columns: 2, numeric: [] }],
    ["text only", "region,note\nNorr,few\nSyd,many\n", { rows: 2, columns: 2, numeric: [] }],
  ])("summarises %s", (_name, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it("gives min, min above zero, max, sum and the counts divisible by 5 of each numeric column", () => {
    const s = summary("region,count,mean\nNorr,0,1.5\nSyd,15,2.5\nÖst,7,-3\nVäst,20,\n");
    expect(s.rows).toBe(4);
    expect(s.columns).toBe(3);
    expect(s.numeric).toEqual([
      { column: "count", numbers: 4, other: 0, min: 0, minAboveZero: 7, max: 20, sum: 42, divisibleBy5: 3 },
      { column: "mean", numbers: 3, other: 0, min: -3, minAboveZero: 1.5, max: 2.5, sum: 1, divisibleBy5: 0 },
    ]);
  });

  it("counts redaction markers and other texts in a numeric column without reading them as numbers", () => {
    const [count] = summary("region,count\nNorr,[REDACTED]\nSyd,NA\nÖst,1,5\nVäst,10\n").numeric;
    // "1,5" in a comma-separated file is two cells; the stray "5" has no header and is a column of its own.
    expect(count).toMatchObject({ column: "count", numbers: 2, other: 2, min: 1, max: 10, divisibleBy5: 1 });
  });

  it("reads decimals with a comma as text, as the checks do", () => {
    const { numeric } = summary("region;share;n\nNorr;0,5;10\n");
    expect(numeric.map((c) => c.column)).toEqual(["n"]);
  });

  it("has no minimum above zero when every value is zero or negative", () => {
    expect(summary("n\n0\n-5\n").numeric[0]).toMatchObject({ min: -5, max: 0, minAboveZero: null, divisibleBy5: 2 });
  });

  it("keeps values too large for exact arithmetic apart from those it cannot read", () => {
    const [n] = summary("n\n1e308\n1e308\n1e999\n").numeric;
    expect(n).toMatchObject({ numbers: 2, other: 1, max: 1e308, sum: Infinity });
  });

  it("summarises a file at the airlock's row limit", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i * 5}`).join("\n");
    const [, fives] = summary(`id,n\n${rows}\n`).numeric;
    expect(fives).toMatchObject({ numbers: 5000, min: 0, minAboveZero: 5, max: 24995, divisibleBy5: 5000 });
    expect(fives!.sum).toBe((5 * 4999 * 5000) / 2);
  });
});
