import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDataset } from "./catalogue";
import { parseDescriptor } from "./descriptor";
import { ExtractRejectedError } from "./extract-issues";
import { parseIdentifier } from "./personnummer";
import { derivePermitKey, pseudonymOf } from "./pseudonym-key";
import { pseudonymiseExtract, type PseudonymiseExtractOptions } from "./pseudonymise-extract";
import { synthRegisterCsv } from "./synth-register";
import { validateExtract } from "./validate-extract";

const dir = mkdtempSync(join(tmpdir(), "spe-pseudonymise-"));
const MASTER = Buffer.alloc(32, 7);
const REF = new Date("2026-11-22T00:00:00Z");
const descriptor = findDataset("patientregistret", "2026-09");
const extract = join(dir, "extract.csv");
const text = [...synthRegisterCsv({ rows: 3000, seed: 11 })].join("");
const lines = text.trimEnd().split("\n");
const rawIdentifiers = [...new Set(lines.slice(1).map((l) => l.split(";")[0]!))];
const names = [...new Set(lines.slice(1).map((l) => l.split(";")[1]!))];

let db: DuckDBInstance;
beforeAll(async () => {
  writeFileSync(extract, text);
  db = await DuckDBInstance.create(":memory:");
});
afterAll(() => db.closeSync());

let outputs = 0;
const run = (options: Partial<PseudonymiseExtractOptions> = {}) =>
  pseudonymiseExtract({
    input: extract,
    outputDir: join(dir, `out-${++outputs}`),
    descriptor,
    permitId: "SE-TEST-1",
    masterKey: MASTER,
    referenceDate: REF,
    ...options,
  });

async function query(sql: string): Promise<unknown[][]> {
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowsJS();
  } finally {
    conn.closeSync();
  }
}

async function pseudonymsIn(outputDir: string): Promise<string[]> {
  return (await query(`SELECT DISTINCT LOPNR FROM '${join(outputDir, "patientregistret.parquet")}' ORDER BY 1`)).map(
    (r) => r[0] as string,
  );
}

describe("pseudonymiseExtract", () => {
  it("writes every row with HMAC-SHA-256(K_permit, canonical) pseudonyms, the drop column gone, and a manifest", async () => {
    const outputDir = join(dir, "first");
    const manifest = await run({ outputDir });
    expect(readdirSync(outputDir).sort()).toEqual(["manifest.json", "patientregistret.parquet"]);
    expect(manifest).toMatchObject({
      rows: 3000,
      dataset: { id: "patientregistret", version: "2026-09" },
      permitId: "SE-TEST-1",
    });
    expect(manifest.pseudonymisation).toMatchObject({
      distinctIdentifiers: rawIdentifiers.length,
      droppedColumns: ["NAMN"],
      keyInfo: "permit:SE-TEST-1",
    });
    expect(JSON.parse(readFileSync(join(outputDir, "manifest.json"), "utf8"))).toEqual(manifest);

    const key = derivePermitKey(MASTER, "SE-TEST-1");
    const expected = rawIdentifiers
      .map((raw) => pseudonymOf(key, (parseIdentifier(raw, REF) as { canonical: string }).canonical))
      .sort();
    expect(await pseudonymsIn(outputDir)).toEqual(expected);

    const columns = (await query(`DESCRIBE SELECT * FROM '${join(outputDir, "patientregistret.parquet")}'`)).map(
      (r) => `${r[0]} ${r[1]}`,
    );
    expect(columns).toEqual([
      "LOPNR VARCHAR",
      "KON VARCHAR",
      "FODELSEDATUM DATE",
      "ALDER BIGINT",
      "LAN VARCHAR",
      "KOMMUN VARCHAR",
      "SJUKHUS VARCHAR",
      "MVO VARCHAR",
      "INDATUM DATE",
      "UTDATUM DATE",
      "HDIA VARCHAR",
      "DIA1 VARCHAR",
      "DIA2 VARCHAR",
      "OP1 VARCHAR",
    ]);
    const [[rows, hash]] = (await query(
      `SELECT count(*), (SELECT count(*) FROM '${join(outputDir, "patientregistret.parquet")}' WHERE LAN = '01') FROM '${join(outputDir, "patientregistret.parquet")}'`,
    )) as [[bigint, bigint]];
    expect(Number(rows)).toBe(3000);
    expect(Number(hash)).toBeGreaterThan(0); // county codes keep their leading zero
    expect(manifest.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the same pseudonyms for the same permit, and disjoint ones for another", async () => {
    const [a, b, other] = [join(dir, "same-a"), join(dir, "same-b"), join(dir, "other")];
    await run({ outputDir: a });
    await run({ outputDir: b });
    await run({ outputDir: other, permitId: "SE-TEST-2" });
    expect(await pseudonymsIn(a)).toEqual(await pseudonymsIn(b));
    const mine = new Set(await pseudonymsIn(a));
    expect((await pseudonymsIn(other)).filter((p) => mine.has(p))).toEqual([]);
  });

  it("leaves no raw personnummer, in any form, and no dropped name in the output's bytes", async () => {
    const outputDir = join(dir, "bytes");
    await run({ outputDir, parquetCompression: "uncompressed" });
    const bytes = Buffer.concat(readdirSync(outputDir).map((f) => readFileSync(join(outputDir, f))));
    // The uncompressed file does hold the other values as plain text, so the search itself works.
    expect(bytes.includes("I63.9")).toBe(true);
    for (const raw of rawIdentifiers) {
      for (const form of [
        raw,
        raw.slice(2),
        `${raw.slice(2, 8)}-${raw.slice(8)}`,
        `${raw.slice(0, 8)}-${raw.slice(8)}`,
      ])
        expect(bytes.includes(form), form).toBe(false);
    }
    for (const name of names) expect(bytes.includes(name), name).toBe(false);
  });

  it("gives one pseudonym to the 10- and 12-digit forms of a number, with or without separator", async () => {
    const forms = ["198112189876", "8112189876", "811218-9876", "19811218-9876"];
    const input = join(dir, "forms.csv");
    writeFileSync(input, [lines[0], ...forms.map((f, i) => lines[i + 1]!.replace(/^\d+/, f))].join("\n") + "\n");
    const outputDir = join(dir, "forms");
    await run({ input, outputDir });
    expect(await pseudonymsIn(outputDir)).toEqual([pseudonymOf(derivePermitKey(MASTER, "SE-TEST-1"), "198112189876")]);
  });

  it("gives the same output whether a plain CSV's identifiers are read from its bytes or (quoted, CRLF) by DuckDB", async () => {
    const quoted = join(dir, "quoted.csv");
    writeFileSync(
      quoted,
      [lines[0], ...lines.slice(1).map((l) => l.replace(/^(\d+);([^;]*);/, '"$1";"$2";'))].join("\r\n") + "\r\n",
    );
    const [plain, viaDuckDb] = [join(dir, "plain"), join(dir, "via-duckdb")];
    const [a, b] = [await run({ outputDir: plain }), await run({ input: quoted, outputDir: viaDuckDb })];
    expect(b.pseudonymisation).toEqual(a.pseudonymisation);
    const rows = (outputDir: string) =>
      query(`SELECT * FROM '${join(outputDir, "patientregistret.parquet")}' ORDER BY ALL`);
    expect(await rows(viaDuckDb)).toEqual(await rows(plain));
  });

  it("names the invalid identifiers of a plain CSV, whatever their shape, with their rows", async () => {
    const input = join(dir, "odd-identifiers.csv");
    const odd = ["Åsa", "8112189876 ", "81121898761234", "811218+98-76", "0x1A"];
    writeFileSync(
      input,
      [lines[0], ...lines.slice(1, 20), ...odd.map((o, i) => lines[20 + i]!.replace(/^\d+/, o))].join("\n") + "\n",
    );
    const error = await run({ input, outputDir: join(dir, "odd") }).catch((e: unknown) => e);
    expect((error as ExtractRejectedError).report.issues).toEqual([
      {
        code: "IDENTIFIER_INVALID",
        column: "PERSONNR",
        message: "is not 10 or 12 digits with an optional - or + before the last four.",
        count: 5,
        rows: [20, 21, 22, 23, 24],
      },
    ]);
    expect((error as ExtractRejectedError).report.identifiers.invalid).toBe(5);
  });

  it("reads a Parquet extract, dates stored as dates, to the same pseudonyms", async () => {
    const input = join(dir, "extract.parquet");
    await query(
      `COPY (SELECT * REPLACE (strptime(INDATUM, '%Y%m%d')::DATE AS INDATUM)
             FROM read_csv('${extract}', delim=';', header=true, all_varchar=true)) TO '${input}' (FORMAT parquet)`,
    );
    const [fromCsv, fromParquet] = [join(dir, "from-csv"), join(dir, "from-parquet")];
    await run({ outputDir: fromCsv });
    expect(await run({ input, outputDir: fromParquet })).toMatchObject({ rows: 3000, input: { format: "parquet" } });
    expect(await pseudonymsIn(fromParquet)).toEqual(await pseudonymsIn(fromCsv));
  });

  it("refuses an extract with an invalid personnummer and leaves nothing behind", async () => {
    const input = join(dir, "bad.csv");
    writeFileSync(
      input,
      [
        lines[0],
        lines[1]!.replace(/^(\d{11})(\d)/, (_m, a: string, c: string) => a + ((Number(c) + 1) % 10)),
        ...lines.slice(2),
      ].join("\n") + "\n",
    );
    const outputDir = join(dir, "refused");
    const error = await run({ input, outputDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractRejectedError);
    expect((error as ExtractRejectedError).code).toBe("DELIVERY_INVALID");
    expect((error as ExtractRejectedError).report.issues).toEqual([
      {
        code: "IDENTIFIER_INVALID",
        column: "PERSONNR",
        message: "has a wrong check digit (Luhn).",
        count: 1,
        rows: [1],
      },
    ]);
    expect(existsSync(outputDir)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("refuses a bad value found only while writing, and leaves nothing behind", async () => {
    const input = join(dir, "bad-date.csv");
    const fields = lines[2999]!.split(";");
    fields[9] = "20250230"; // INDATUM
    writeFileSync(input, [...lines.slice(0, 2999), fields.join(";")].join("\n") + "\n");
    const outputDir = join(dir, "refused-date");
    const error = (await run({ input, outputDir }).catch((e: unknown) => e)) as ExtractRejectedError;
    expect(error.report.issues).toEqual([
      expect.objectContaining({ code: "VALUE_INVALID", column: "INDATUM", count: 1, rows: [2999] }),
    ]);
    expect(existsSync(outputDir)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("refuses a repeated primary key, one person written in two forms, and leaves nothing behind", async () => {
    const keyed = parseDescriptor(
      JSON.stringify({ ...descriptor, version: "keyed", primaryKey: ["PERSONNR", "INDATUM"] }),
      "keyed.json",
    );
    const input = join(dir, "keyed.csv");
    const again = lines[1]!.replace(/^\d{2}(\d{6})(\d{4})/, "$1-$2");
    writeFileSync(input, [...lines.slice(0, 40), again].join("\n") + "\n");
    const outputDir = join(dir, "refused-key");
    expect(
      await run({ input, outputDir, descriptor: keyed }).catch(
        (e: unknown) => (e as ExtractRejectedError).report.issues,
      ),
    ).toEqual([
      { code: "PRIMARY_KEY_DUPLICATE", column: "PERSONNR, INDATUM", message: expect.any(String), count: 1, rows: [40] },
    ]);
    expect(existsSync(outputDir)).toBe(false);
    const unique = join(dir, "keyed-ok.csv");
    writeFileSync(unique, lines.slice(0, 41).join("\n") + "\n");
    expect(await run({ input: unique, descriptor: keyed })).toMatchObject({ rows: 40 });
  });

  it("refuses a file over the size limit before reading it, an output folder in use, and a short master key", async () => {
    await expect(run({ maxBytes: 1000 })).rejects.toMatchObject({ code: "DELIVERY_TOO_LARGE" });
    const outputDir = join(dir, "taken");
    await run({ outputDir });
    await expect(run({ outputDir })).rejects.toMatchObject({ code: "DELIVERY_OUTPUT_EXISTS" });
    await expect(run({ masterKey: Buffer.alloc(16) })).rejects.toMatchObject({ code: "PSEUDONYM_KEY_INVALID" });
  });

  it("writes what validateExtract accepts: the synthetic extract is valid for its descriptor", async () => {
    expect(await validateExtract({ input: extract, descriptor, referenceDate: REF })).toMatchObject({
      valid: true,
      rows: 3000,
      issues: [],
    });
  });
});
