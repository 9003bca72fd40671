import { describe, expect, it } from "vitest";
import { typedValue } from "./column-sql";
import type { ColumnDescriptor } from "./descriptor";
import { withDuckDb } from "./duckdb-session";
import { sqlString } from "./extract-file";

type ValueColumn = Exclude<ColumnDescriptor, { type: "personnummer" }>;

/** typedValue of each text, as DuckDB computes it (dates as YYYY-MM-DD, numbers as text, NULL as null). */
function typed(column: ValueColumn, texts: string[]): Promise<(string | null)[]> {
  return withDuckDb(async (conn) => {
    const values = texts.map((t, i) => `(${i}, ${sqlString(t)})`).join(", ");
    const result = await conn.runAndReadAll(
      `SELECT CAST(${typedValue(column, "raw")} AS VARCHAR) FROM (VALUES ${values}) v(i, raw) ORDER BY i`,
    );
    return result.getRowsJS().map(([v]) => (v ?? null) as string | null);
  });
}

describe("typedValue", () => {
  const date: ValueColumn = { name: "D", type: "date", format: "YYYYMMDD", role: "attribute", nullable: false };
  it.each<[string, string | null]>([
    ["20260101", "2026-01-01"],
    ["19000228", "1900-02-28"],
    ["01230101", "0123-01-01"], // eight digits with a leading zero: a (strange) real date
    ["20240229", "2024-02-29"],
    ["20230229", null],
    ["20261301", null],
    ["20260100", null],
    ["2026111", null], // seven digits
    ["202601011", null], // nine digits: no year 20260
    ["+2026010", null],
    [" 2026010", null],
    ["2026010 ", null],
    ["0xF44D75", null], // hexadecimal 16010101
    ["2026e+04", null],
    ["1.6e7", null],
    ["2026_0101", null],
    ["-2026010", null],
    ["2026-01-01", null],
  ])("reads the YYYYMMDD date %j as %j", async (text, expected) => {
    expect(await typed(date, [text])).toEqual([expected]);
  });

  const integer: ValueColumn = { name: "I", type: "integer", role: "attribute", nullable: false };
  it.each<[string, string | null]>([
    ["12", "12"],
    ["0", "0"],
    ["-12", "-12"],
    ["+12", "12"],
    ["007", "7"],
    ["-0", "0"],
    ["9223372036854775807", "9223372036854775807"],
    ["9223372036854775808", null],
    ["1.5", null],
    [" 12", null],
    ["12 ", null],
    ["0x1A", null],
    ["1e3", null],
    ["1_000", null],
    ["+", null],
    ["--1", null],
  ])("reads the integer %j as %j", async (text, expected) => {
    expect(await typed(integer, [text])).toEqual([expected]);
  });
});
