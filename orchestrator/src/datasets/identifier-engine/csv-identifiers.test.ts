import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { distinctCsvValues, identifierKey, keyText } from "./csv-identifiers";

const dir = mkdtempSync(join(tmpdir(), "spe-csv-identifiers-"));
let files = 0;

function csv(content: string | Buffer): string {
  const path = join(dir, `extract-${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** Every distinct value found, keys written back as text, sorted. */
async function found(
  content: string | Buffer,
  columns = [0],
  options: { delimiter?: string; encoding?: "utf-8" | "latin-1" } = {},
): Promise<string[] | undefined> {
  const values = await distinctCsvValues(csv(content), {
    delimiter: options.delimiter ?? ";",
    encoding: options.encoding ?? "utf-8",
    columns,
  });
  if (!values) return undefined;
  const out = new Uint8Array(13);
  const keys = [...values.keys].map((k) => Buffer.from(out.subarray(0, keyText(k, out, 0))).toString("latin1"));
  return [...keys, ...values.others].sort();
}

describe("identifierKey and keyText", () => {
  it.each([
    "198112189876",
    "8112189876",
    "811218-9876",
    "121212+1212",
    "19811218-9876",
    "0000000000",
    "0012",
    "1",
    "-",
    "+",
    "12-",
    "-12",
    "0000000000000",
    "9999999999999",
    "99999999999-9",
  ])("gives %j back from its key", (text) => {
    const key = identifierKey(Buffer.from(text), 0, text.length);
    expect(key).toBeGreaterThanOrEqual(0);
    expect(Number.isSafeInteger(key)).toBe(true);
    const out = new Uint8Array(13);
    expect(Buffer.from(out.subarray(0, keyText(key, out, 0))).toString()).toBe(text);
  });

  it("gives different texts different keys", () => {
    const texts = [
      "8112189876",
      "08112189876",
      "811218-9876",
      "811218+9876",
      "81121-89876",
      "198112189876",
      "19811218-9876",
      "1",
      "01",
      "001",
    ];
    expect(new Set(texts.map((t) => identifierKey(Buffer.from(t), 0, t.length))).size).toBe(texts.length);
  });

  it.each(["", "81121898761234", "811218 9876", "8112-18-9876", "811218--9876", "ÅÄÖ", "811218_9876", "-+"])(
    "has no key for %j",
    (text) => {
      const bytes = Buffer.from(text);
      expect(identifierKey(bytes, 0, bytes.length)).toBe(-1);
    },
  );
});

describe("distinctCsvValues", () => {
  it("finds each distinct value of the column once, empty fields being NULL", async () => {
    expect(
      await found("PNR;X\n8112189876;a\n8112189876;b\n;c\n811218-9876;d\n  8112189876;e\nabc;f\n81121898761234;g\n"),
    ).toEqual(["  8112189876", "8112189876", "81121898761234", "811218-9876", "abc"].sort());
  });

  it("gives the keys in the order the file first names them", async () => {
    const values = await distinctCsvValues(csv("PNR\n333\n111\n333\n222\n111\n"), {
      delimiter: ";",
      encoding: "utf-8",
      columns: [0],
    });
    expect([...values!.keys]).toEqual(["333", "111", "222"].map((t) => identifierKey(Buffer.from(t), 0, 3)));
  });

  it("reads the column wherever it is, and several columns into one set", async () => {
    expect(await found("A;PNR;B;PNR2\nx;111;y;222\nx;333;y;111\n", [1, 3])).toEqual(["111", "222", "333"]);
    expect(await found("A;B;PNR\nx;y;111\nx;y;222", [2])).toEqual(["111", "222"]);
  });

  it("takes a last line without a line end, CRLF line ends, and another delimiter", async () => {
    expect(await found("PNR;X\r\n111;a\r\n222;b")).toEqual(["111", "222"]);
    expect(await found("A;PNR\r\nx;111\r\nx;222\r\n", [1])).toEqual(["111", "222"]);
    expect(await found("PNR,X\n111,a\n222,b\n", [0], { delimiter: "," })).toEqual(["111", "222"]);
  });

  it("gives no value for a line too short to hold the column", async () => {
    expect(await found("A;PNR\nx;111\nx\n\nx;222\n", [1])).toEqual(["111", "222"]);
  });

  it("decodes other values in the descriptor's encoding", async () => {
    expect(await found(Buffer.from("PNR;X\nÅsa;a\n", "latin1"), [0], { encoding: "latin-1" })).toEqual(["Åsa"]);
    expect(await found("PNR;X\nÅsa;a\n")).toEqual(["Åsa"]);
  });

  it("reads values across its reads of the file, keys in first-seen order", async () => {
    const lines = Array.from(
      { length: 400_000 },
      (_, i) => `${String((i * 7) % 150_000).padStart(10, "0")};${"x".repeat(i % 40)}`,
    );
    const values = await distinctCsvValues(csv(["PNR;X", ...lines].join("\n")), {
      delimiter: ";",
      encoding: "utf-8",
      columns: [0],
    });
    expect(values?.others.size).toBe(0);
    const firstSeen = [...new Set(lines.map((l) => l.slice(0, 10)))].map((t) => identifierKey(Buffer.from(t), 0, 10));
    expect([...values!.keys]).toEqual(firstSeen);
  });

  it.each([
    ["a quote", 'PNR;X\n"8112189876";a\n'],
    ["a quote in another column", 'PNR;X\n8112189876;"a"\n'],
    ["a carriage return alone", "PNR;X\r8112189876;a\r"],
    ["a carriage return inside a line", "PNR;X\n811218\r9876;a\n"],
    ["a carriage return at the very end", "PNR;X\n8112189876;a\r"],
  ])("leaves a file with %s to DuckDB", async (_name, content) => {
    expect(await found(content)).toBeUndefined();
  });

  it.each(['"', "\n", "§"])("leaves the delimiter %j to DuckDB", async (delimiter) => {
    expect(await found("PNR\n111\n", [0], { delimiter })).toBeUndefined();
  });
});
