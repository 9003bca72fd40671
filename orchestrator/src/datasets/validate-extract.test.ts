import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDescriptor } from "./descriptor";
import { luhnCheckDigit } from "./personnummer";
import { validateExtract } from "./validate-extract";

const dir = mkdtempSync(join(tmpdir(), "spe-validate-"));
const REF = new Date("2026-11-22T00:00:00Z");
const descriptor = parseDescriptor(
  JSON.stringify({
    id: "test-register",
    version: "1",
    title: "A register for tests",
    columns: [
      { name: "PNR", type: "personnummer", role: "direct-identifier" },
      { name: "NAMN", type: "string", role: "drop", nullable: true },
      { name: "KON", type: "string", role: "quasi-identifier", values: ["1", "2"] },
      { name: "ALDER", type: "integer", role: "quasi-identifier", min: 0, max: 130 },
      { name: "INDATUM", type: "date", role: "attribute" },
      { name: "UTDATUM", type: "date", format: "YYYY-MM-DD", role: "attribute", nullable: true },
      { name: "HDIA", type: "string", role: "attribute", pattern: "[A-Z][0-9]{2}(\\.[0-9])?" },
      { name: "VIKT", type: "decimal", role: "attribute", nullable: true },
    ],
    primaryKey: ["PNR", "INDATUM"],
  }),
  "test.json",
);
const HEADER = "PNR;NAMN;KON;ALDER;INDATUM;UTDATUM;HDIA;VIKT";

/** A valid personnummer for person i (12 digits, born 1950 + i % 60). */
function pnr(i: number): string {
  const nine = `${String(50 + (i % 50)).padStart(2, "0")}0101${String(i % 1000).padStart(3, "0")}`;
  return `19${nine}${luhnCheckDigit(nine)}`;
}
/** A valid row; each row a different person, so that the key is unique. */
function row(
  i: number,
  change: Partial<Record<"PNR" | "NAMN" | "KON" | "ALDER" | "INDATUM" | "UTDATUM" | "HDIA" | "VIKT", string>> = {},
): string {
  const values = {
    PNR: pnr(i),
    NAMN: "Anna Andersson",
    KON: "2",
    ALDER: "71",
    INDATUM: "20240105",
    UTDATUM: "2024-01-09",
    HDIA: "I63.9",
    VIKT: "71.5",
    ...change,
  };
  return Object.values(values).join(";");
}
function file(name: string, rows: string[], header = HEADER): string {
  const path = join(dir, name);
  writeFileSync(path, [header, ...rows].join("\n") + "\n");
  return path;
}
const validate = (input: string, firstRows?: number) =>
  validateExtract({ input, descriptor, referenceDate: REF, firstRows });
const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => row(i));

describe("validateExtract", () => {
  it("accepts a valid extract, empty nullable values included", async () => {
    const rows = [...rowsOf(20), row(20, { UTDATUM: "", VIKT: "", NAMN: "" })];
    expect(await validate(file("valid.csv", rows))).toEqual({
      valid: true,
      format: "csv",
      bytes: expect.any(Number),
      rows: 21,
      identifiers: { distinct: 21, invalid: 0 },
      issues: [],
    });
  });

  it("names missing, unexpected and repeated columns and reads no row", async () => {
    const report = await validate(file("columns.csv", ["x;1;2;3;4;5;6"], "PNR;NAMN;KON;INDATUM;HDIA;VIKT;EXTRA;EXTRA"));
    expect(report).toMatchObject({ valid: false, rows: null });
    expect(report.issues.map((i) => [i.code, i.column])).toEqual([
      ["COLUMN_DUPLICATE", "EXTRA"],
      ["COLUMN_MISSING", "ALDER"],
      ["COLUMN_MISSING", "UTDATUM"],
      ["COLUMN_UNEXPECTED", "EXTRA"],
    ]);
  });

  it("lists the first N row numbers of a problem and counts the rest", async () => {
    const rows = rowsOf(40).map((r, i) => (i % 3 === 1 ? row(i, { ALDER: "abc" }) : r));
    const report = await validate(file("many.csv", rows), 5);
    expect(report.issues).toEqual([
      {
        code: "VALUE_INVALID",
        column: "ALDER",
        message: "is not a whole number from 0 to 130.",
        count: 13,
        rows: [2, 5, 8, 11, 14],
      },
    ]);
  });

  it.each<[string, string[], object]>([
    ["a required value missing", [row(0), row(1, { KON: "" })], { code: "VALUE_MISSING", column: "KON", rows: [2] }],
    [
      "a value outside its list",
      [row(0), row(1), row(2, { KON: "M" })],
      { code: "VALUE_INVALID", column: "KON", message: "is not one of 1, 2.", rows: [3] },
    ],
    [
      "a fraction in an integer column",
      [row(0, { ALDER: "1.5" })],
      { code: "VALUE_INVALID", column: "ALDER", rows: [1] },
    ],
    [
      "an integer out of range",
      [row(0), row(1, { ALDER: "131" })],
      { code: "VALUE_INVALID", column: "ALDER", rows: [2] },
    ],
    [
      "an impossible date",
      [row(0, { INDATUM: "20250229" })],
      { code: "VALUE_INVALID", column: "INDATUM", message: "is not a real date written YYYYMMDD.", rows: [1] },
    ],
    [
      "a date of seven digits",
      [row(0, { INDATUM: "2025011" })],
      { code: "VALUE_INVALID", column: "INDATUM", rows: [1] },
    ],
    [
      "a date with a sign",
      [row(0), row(1, { INDATUM: "+2025011" })],
      { code: "VALUE_INVALID", column: "INDATUM", rows: [2] },
    ],
    [
      "a date with digit separators",
      [row(0, { INDATUM: "2_025011" })],
      { code: "VALUE_INVALID", column: "INDATUM", rows: [1] },
    ],
    [
      "a date in the other format",
      [row(0, { UTDATUM: "20240109" })],
      { code: "VALUE_INVALID", column: "UTDATUM", rows: [1] },
    ],
    [
      "a code that does not match its pattern",
      [row(0, { HDIA: "i63" })],
      { code: "VALUE_INVALID", column: "HDIA", rows: [1] },
    ],
    ["text in a decimal column", [row(0, { VIKT: "71,5" })], { code: "VALUE_INVALID", column: "VIKT", rows: [1] }],
    ["a missing personnummer", [row(0), row(1, { PNR: "" })], { code: "VALUE_MISSING", column: "PNR", rows: [2] }],
    [
      "a wrong check digit",
      [row(0), row(1, { PNR: pnr(1).slice(0, 11) + ((Number(pnr(1)[11]) + 1) % 10) })],
      { code: "IDENTIFIER_INVALID", column: "PNR", message: "has a wrong check digit (Luhn).", rows: [2] },
    ],
    [
      "a personnummer that is no number",
      [row(0, { PNR: "19500101-XXXX" })],
      { code: "IDENTIFIER_INVALID", column: "PNR", rows: [1] },
    ],
    [
      "a personnummer of 30 February",
      [row(0, { PNR: `19500230123${luhnCheckDigit("500230123")}` })],
      { code: "IDENTIFIER_INVALID", column: "PNR", message: expect.stringContaining("no real date"), rows: [1] },
    ],
    [
      "a repeated key, the person written in two forms",
      [row(0), row(1), row(2, { PNR: `${pnr(0).slice(2, 8)}-${pnr(0).slice(8)}` })],
      { code: "PRIMARY_KEY_DUPLICATE", column: "PNR, INDATUM", rows: [3] },
    ],
    [
      "a row with a field too many",
      [row(0), `${row(1)};extra`],
      { code: "ROW_MALFORMED", message: "has more fields than the header.", rows: [2] },
    ],
    [
      "a row with a field too few",
      [row(0), row(1), "1;2"],
      { code: "ROW_MALFORMED", message: "has fewer fields than the header.", rows: [3] },
    ],
  ])("finds %s, with its row number", async (name, rows, issue) => {
    const report = await validate(file(`${name.replaceAll(" ", "-")}.csv`, rows));
    expect(report.valid).toBe(false);
    expect(report.issues).toEqual([{ count: 1, message: expect.any(String), ...issue }]);
  });

  it("counts each kind of invalid personnummer apart, by row not by value", async () => {
    const bad = `19500230123${luhnCheckDigit("500230123")}`;
    const rows = rowsOf(12).map((r, i) =>
      i >= 4 ? row(i, { PNR: i % 2 === 0 ? bad : "12345", INDATUM: `202401${String(i + 10)}` }) : r,
    );
    const report = await validate(file("identifiers.csv", rows), 3);
    expect(report.identifiers).toEqual({ distinct: 6, invalid: 2 });
    expect(report.issues).toEqual([
      {
        code: "IDENTIFIER_INVALID",
        column: "PNR",
        message: expect.stringContaining("no real date"),
        count: 4,
        rows: [5, 7, 9],
      },
      {
        code: "IDENTIFIER_INVALID",
        column: "PNR",
        message: expect.stringContaining("not 10 or 12 digits"),
        count: 4,
        rows: [6, 8, 10],
      },
    ]);
  });

  it("refuses a file over the size limit before reading it", async () => {
    await expect(
      validateExtract({ input: file("big.csv", rowsOf(50)), descriptor, maxBytes: 100 }),
    ).rejects.toMatchObject({ code: "DELIVERY_TOO_LARGE" });
  });

  it("reports a file that is not there as unreadable", async () => {
    await expect(validate(join(dir, "absent.csv"))).rejects.toMatchObject({ code: "DELIVERY_UNREADABLE" });
  });
});
