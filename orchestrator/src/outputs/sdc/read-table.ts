import { CsvError, parse } from "csv-parse/sync";
import { SpeError } from "../../errors";

/** A CSV file as text cells: the header, then the data rows (row 1 is the first line after the header). */
export interface Table {
  columns: string[];
  rows: string[][];
}

/**
 * Reads a CSV table: UTF-8 (a byte-order mark is dropped), comma-separated unless the header line has no
 * comma but a semicolon or tab (what spreadsheets in Swedish locales write), quotes as RFC 4180, blank
 * lines skipped, every row as wide as the header. Throws OUTPUT_FILE_UNREADABLE otherwise.
 */
export function readTable(input: Uint8Array | string): Table {
  const text = typeof input === "string" ? input.replace(/^\uFEFF/, "") : decodeText(input);
  const delimiter = delimiterOf(text);
  const records = isPlain(text) ? splitPlain(text, delimiter) : parseQuoted(text, delimiter);
  const [columns, ...rows] = records;
  if (!columns) throw unreadable("The file is empty: a table needs a header line.");
  const seen = new Set<string>();
  for (const name of columns.map((c) => c.trim())) {
    if (seen.has(name)) throw unreadable(`The header names the column "${name}" twice.`);
    seen.add(name);
  }
  return { columns: columns.map((c) => c.trim()), rows };
}

/** The index of a column by name (ignoring surrounding spaces), or -1. */
export function columnIndex(table: Table, name: string): number {
  return table.columns.indexOf(name.trim());
}

/** A file's bytes as UTF-8 text without a byte-order mark; anything else is OUTPUT_FILE_UNREADABLE. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    throw unreadable("The file is not UTF-8 text; a table or summary must be a CSV (or JSON) file.", err);
  }
}

function delimiterOf(text: string): string {
  const end = text.search(/\r|\n/);
  const header = end === -1 ? text : text.slice(0, end);
  if (header.includes(",")) return ",";
  if (header.includes(";")) return ";";
  return header.includes("\t") ? "\t" : ",";
}

/**
 * Without quotes, CSV is lines split at the delimiter, and splitting strings is several times faster than
 * a general parser. Only text without `"` and without a lone carriage return takes this path; anything
 * else goes to csv-parse. read-table.test.ts checks that both give the same records.
 */
function isPlain(text: string): boolean {
  return !text.includes('"') && !/\r(?!\n)/.test(text);
}

function splitPlain(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let width = -1;
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    const content = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (content === "") continue;
    const record = content.split(delimiter);
    if (width === -1) width = record.length;
    else if (record.length !== width) throw unreadable(`Line ${line} has ${record.length} fields, the header ${width}.`);
    records.push(record);
  }
  return records;
}

function parseQuoted(text: string, delimiter: string): string[][] {
  try {
    return parse(text, { delimiter, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) throw unreadable(`The CSV cannot be read: ${err.message}`, err);
    throw err;
  }
}

function unreadable(message: string, cause?: unknown): SpeError {
  return new SpeError("OUTPUT_FILE_UNREADABLE", message, { cause });
}
