import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ColumnDescriptor } from "../descriptor";
import { withDuckDb } from "../duckdb-session";
import { buildIdentifierTable, buildIdentifierTableFromCsv, IDENTIFIER_TABLE } from "./identifier-table";
import { luhnCheckDigit, parseIdentifier } from "../personnummer";
import { pseudonymOf } from "../pseudonym-key";

const REF = new Date("2026-11-22T00:00:00Z");
const KEY = Buffer.alloc(32, 3);
const column: ColumnDescriptor = { name: "PNR", type: "personnummer", role: "direct-identifier", nullable: true };

/** `count` distinct identifiers in mixed forms, every 997th with a wrong check digit. */
function identifiers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const yymmdd = `${String(40 + (i % 50)).padStart(2, "0")}${String(1 + (i % 12)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}`;
    const nnn = String(Math.floor(i / 600) % 1000).padStart(3, "0");
    const check = (luhnCheckDigit(yymmdd + nnn) + (i % 997 === 5 ? 1 : 0)) % 10;
    return i % 3 === 0
      ? `19${yymmdd}${nnn}${check}`
      : i % 3 === 1
        ? `${yymmdd}-${nnn}${check}`
        : `${yymmdd}${nnn}${check}`;
  });
}

async function table(values: string[], permitKey?: Buffer, fromBytes = false) {
  const file = join(mkdtempSync(join(tmpdir(), "spe-identifiers-")), "ids.csv");
  writeFileSync(file, ["PNR", ...values, ""].join("\n"));
  return withDuckDb(async (conn, instance) => {
    const source = `read_csv('${file}', header=true, auto_detect=false, columns={'PNR': 'VARCHAR'})`;
    const options = { referenceDate: REF, permitKey };
    const counts = fromBytes
      ? (await buildIdentifierTableFromCsv(conn, file, { delimiter: ";", encoding: "utf-8", columns: [0] }, options))!
      : await buildIdentifierTable({ instance, conn }, source, [column], options);
    const rows = (await conn.runAndReadAll(`SELECT raw, person, problem FROM ${IDENTIFIER_TABLE}`)).getRowsJS() as [
      string,
      string | null,
      string | null,
    ][];
    const tables = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() ORDER BY 1")).getRowsJS().flat();
    return { counts, rows: new Map(rows.map(([raw, person, problem]) => [raw, { person, problem }])), tables };
  });
}

describe("buildIdentifierTable", () => {
  // More than two batches of distinct values, so that each batch's persons must land on its own values.
  const values = identifiers(20_000);
  const expected = (raw: string, person: (canonical: string) => string) => {
    const parsed = parseIdentifier(raw, REF);
    return parsed.ok ? { person: person(parsed.canonical), problem: null } : { person: null, problem: parsed.problem };
  };

  it("maps every distinct value to its pseudonym, and an invalid one to its problem", async () => {
    const { counts, rows, tables } = await table([...values, ...values.slice(0, 100)], KEY);
    const invalid = values.filter((v) => !parseIdentifier(v, REF).ok).length;
    expect(invalid).toBeGreaterThan(10);
    expect(counts).toEqual({ distinct: values.length, invalid });
    expect(rows.size).toBe(values.length);
    for (const raw of values)
      expect(rows.get(raw), raw).toEqual(expected(raw, (canonical) => pseudonymOf(KEY, canonical)));
    expect(tables).toEqual([IDENTIFIER_TABLE]);
  });

  it("maps the same way from values read straight from the file's bytes, odd ones included", async () => {
    const odd = ["Åsa", "8112189876 ", "81121898761234", "811218+98-76", "-", "0x1A"];
    const { counts, rows, tables } = await table([...values, ...odd, ...values.slice(0, 100)], KEY, true);
    const invalid = [...values, ...odd].filter((v) => !parseIdentifier(v, REF).ok).length;
    expect(counts).toEqual({ distinct: values.length + odd.length, invalid });
    expect(rows.size).toBe(values.length + odd.length);
    for (const raw of [...values, ...odd])
      expect(rows.get(raw), raw).toEqual(expected(raw, (canonical) => pseudonymOf(KEY, canonical)));
    expect(tables).toEqual([IDENTIFIER_TABLE]);
    expect((await table(values, undefined, true)).rows.get(values[1]!)).toEqual(
      expected(values[1]!, (canonical) => canonical),
    );
  });

  it("hashes values while reading a large file, and leaves nothing when a late quote hands the file to DuckDB", async () => {
    const many = identifiers(450_000);
    const { counts, rows } = await table(many, KEY, true);
    expect(counts.distinct).toBe(new Set(many).size);
    for (const raw of many.slice(-50))
      expect(rows.get(raw), raw).toEqual(expected(raw, (canonical) => pseudonymOf(KEY, canonical)));

    const file = join(mkdtempSync(join(tmpdir(), "spe-identifiers-")), "late-quote.csv");
    writeFileSync(file, ["PNR", ...many, '"8112189876"', ""].join("\n"));
    const left = await withDuckDb(async (conn) => {
      const found = await buildIdentifierTableFromCsv(
        conn,
        file,
        { delimiter: ";", encoding: "utf-8", columns: [0] },
        { referenceDate: REF, permitKey: KEY },
      );
      return { found, tables: (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables()")).getRowsJS().flat() };
    });
    expect(left).toEqual({ found: undefined, tables: [] });
  });

  it("maps every value to its canonical form when only validating", async () => {
    const { rows } = await table(values);
    for (const raw of values) expect(rows.get(raw), raw).toEqual(expected(raw, (canonical) => canonical));
  });

  it("leaves an empty table when reading the file fails, so the rejection's diagnosis runs and reports the failure's own cause", async () => {
    const folder = mkdtempSync(join(tmpdir(), "spe-identifiers-"));
    await withDuckDb(async (conn) => {
      // A folder where the file should be: opening works, reading fails half-way into the step.
      await expect(
        buildIdentifierTableFromCsv(
          conn,
          folder,
          { delimiter: ";", encoding: "utf-8", columns: [0] },
          { referenceDate: REF, permitKey: KEY },
        ),
      ).rejects.toThrow(/EISDIR|directory/);
      expect((await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM ${IDENTIFIER_TABLE}`)).getRowsJS()).toEqual([
        [0],
      ]);
    });
  });
});
