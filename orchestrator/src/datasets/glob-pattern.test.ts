import { DuckDBInstance, listValue } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { sqlString } from "./extract-file";
import { regexToGlobs } from "./glob-pattern";

const SAMPLES = [
  "",
  "0",
  "01",
  "012",
  "0123",
  "01234",
  "A",
  "I63",
  "I63.9",
  "I63.91",
  "I63.912",
  "I63.",
  "I6",
  "i63",
  "I63-9",
  "I63x9",
  "C10",
  "FNG05",
  "FN05",
  "FNGX05",
  "ABCD123",
  "AB123",
  "AB1234",
  "a-b",
  "123",
  "AB12",
  "*",
  "?",
  "[",
  "1 2",
];

describe("regexToGlobs", () => {
  it.each([
    ["[0-9]{2}", ["[0-9][0-9]"]],
    [
      "[A-Z][0-9]{2}(\\.[0-9A-Z]{1,2})?",
      ["[A-Z][0-9][0-9]", "[A-Z][0-9][0-9].[0-9A-Z]", "[A-Z][0-9][0-9].[0-9A-Z][0-9A-Z]"],
    ],
    [
      "[A-Z]{2,3}[0-9]{2,3}",
      [
        "[A-Z][A-Z][0-9][0-9]",
        "[A-Z][A-Z][0-9][0-9][0-9]",
        "[A-Z][A-Z][A-Z][0-9][0-9]",
        "[A-Z][A-Z][A-Z][0-9][0-9][0-9]",
      ],
    ],
  ])("turns %s into %j", (regex, globs) => expect(regexToGlobs(regex)).toEqual(globs));

  it.each(["[0-9]+", "a|b", "[^0-9]", "^[0-9]$", ".", "\\d{2}", "[0-9]*", "[0-9]{1,20}[A-Z]{1,20}", "(a|b)", "[0-9"])(
    "keeps the regular expression for %s",
    (regex) => {
      expect(regexToGlobs(regex)).toBeUndefined();
    },
  );

  it.each([
    "[0-9]{2}",
    "[0-9]{4,5}",
    "[A-Z][0-9]{2}(\\.[0-9A-Z]{1,2})?",
    "[A-Z]{2,3}[0-9]{2,3}",
    "a\\-b",
    "1 2",
    "(AB)?[0-9]{3}",
  ])("matches what DuckDB's regexp_full_match matches, for %s", async (regex) => {
    const globs = regexToGlobs(regex)!;
    expect(globs).toBeDefined();
    const conn = await (await DuckDBInstance.create(":memory:")).connect();
    const glob = globs.map((g) => `x GLOB ${sqlString(g)}`).join(" OR ");
    const rows = (
      await conn.runAndReadAll(
        `SELECT x, regexp_full_match(x, ${sqlString(regex)}) = (${glob}) FROM unnest(?::VARCHAR[]) t(x)`,
        [listValue(SAMPLES)],
      )
    ).getRowsJS();
    expect(rows.filter(([, same]) => !same).map(([x]) => x)).toEqual([]);
  });
});
