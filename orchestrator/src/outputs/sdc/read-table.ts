import { CsvError, parse } from "csv-parse/sync";
import { SpeError } from "../../errors";
import { csvDelimiterOf } from "./csv-delimiter";

/**
 * A CSV table as text: the header, and the data rows (row 1 is the first line after the header). The
 * checks read only the columns they need, so a table hands out columns rather than every field of every
 * row: for a 10,000-row table that is a few arrays instead of tens of thousands of small strings.
 */
export interface Table {
  columns: string[];
  rowCount: number;
  /** The text of the given columns (by index), one array per index, in row order. */
  select(indices: readonly number[]): string[][];
  /** Every row with every field; for small tables and tests. */
  records(): string[][];
}

/**
 * Reads a CSV table: UTF-8 (a byte-order mark is dropped), comma-separated unless the header line has no
 * comma but a semicolon or tab (what spreadsheets in Swedish locales write), quotes as RFC 4180, blank
 * lines skipped, every row as wide as the header. Throws OUTPUT_FILE_UNREADABLE otherwise.
 */
export function readTable(input: Uint8Array | string): Table {
  const text = typeof input === "string" ? input.replace(/^\uFEFF/, "") : decodeText(input);
  const delimiter = csvDelimiterOf(text);
  const table = (isSimple(text) && simpleTable(text, delimiter)) || parsedTable(text, delimiter);
  // Errors name places (lines, column numbers), never the file's text: they reach the researcher unreviewed.
  const seen = new Map<string, number>();
  table.columns.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) throw unreadable(`The header names one column twice (columns ${first + 1} and ${i + 1}).`);
    seen.set(name, i);
  });
  return table;
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

/**
 * Most CSV is simple: no quotes, or quotes only around whole fields that hold no delimiter, quote or line
 * break (R's write.csv quotes every text field). Such text is lines split at the delimiter, and scanning
 * for delimiters is many times faster than a general parser. Anything else (escaped quotes, delimiters or
 * line breaks inside quotes, a lone carriage return, malformed quoting) goes to csv-parse, which also
 * words the errors. read-table.test.ts checks that both read the same tables.
 */
function isSimple(text: string): boolean {
  return !text.includes("\r") || !/\r(?!\n)/.test(text);
}

/**
 * Indexes the lines of simple CSV (start and end of each row) and checks every row's width; undefined
 * when a line is not simple after all.
 */
function simpleTable(text: string, delimiter: string): Table | undefined {
  const starts: number[] = [];
  const ends: number[] = [];
  const quoted = text.includes('"');
  let header: string[] | undefined;
  let line = 0;
  // indexOf is native and fast on long strings; a loop over charCodeAt is several times slower here.
  for (let start = 0; start < text.length;) {
    line++;
    const newline = text.indexOf("\n", start);
    const next = newline === -1 ? text.length : newline + 1;
    const stop = newline === -1 ? text.length : newline;
    const end = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    if (end > start) {
      if (quoted) {
        const quote = text.indexOf('"', start);
        if (quote !== -1 && quote < end && !simplyQuoted(text, start, end, delimiter)) return undefined;
      }
      if (!header) header = text.slice(start, end).split(delimiter).map(unquote);
      else {
        let fields = 1;
        for (let at = text.indexOf(delimiter, start); at !== -1 && at < end; at = text.indexOf(delimiter, at + 1))
          fields++;
        if (fields !== header.length)
          throw unreadable(`Line ${line} has ${fields} fields, the header ${header.length}.`);
        starts.push(start);
        ends.push(end);
      }
    }
    start = next;
  }
  if (!header) throw unreadable("The file is empty: a table needs a header line.");
  const width = header.length;
  const select = (indices: readonly number[]): string[][] => {
    const slots = new Array<number>(width).fill(-1);
    indices.forEach((column, slot) => (slots[column] = slot));
    const out = indices.map(() => new Array<string>(starts.length));
    const last = Math.max(...indices);
    for (let row = 0; row < starts.length; row++) {
      const end = ends[row]!;
      let at = starts[row]!;
      for (let column = 0; column <= last; column++) {
        let stop = text.indexOf(delimiter, at);
        if (stop === -1 || stop > end) stop = end;
        const slot = slots[column]!;
        if (slot !== -1)
          out[slot]![row] = text.charCodeAt(at) === 34 ? text.slice(at + 1, stop - 1) : text.slice(at, stop);
        at = stop + 1;
      }
    }
    return out;
  };
  return tableOf(header, starts.length, select);
}

/**
 * Whether every quote on the line (start to end) is one of a pair around a whole field that holds no
 * delimiter and no quote: then splitting at delimiters and dropping the pair reads the line right.
 */
function simplyQuoted(text: string, start: number, end: number, delimiter: string): boolean {
  for (let at = start; ;) {
    if (text.charCodeAt(at) === 34) {
      const close = text.indexOf('"', at + 1);
      if (close === -1 || close >= end) return false; // unclosed, or a line break inside
      const inner = text.indexOf(delimiter, at + 1);
      if (inner !== -1 && inner < close) return false;
      if (close + 1 === end) return true;
      if (text.startsWith(delimiter, close + 1)) at = close + 2;
      else return false; // "" (an escaped quote) or text after the closing quote
    } else {
      let stop = text.indexOf(delimiter, at);
      if (stop === -1 || stop > end) stop = end;
      const quote = text.indexOf('"', at);
      if (quote !== -1 && quote < stop) return false; // a quote inside an unquoted field
      if (stop === end) return true;
      at = stop + 1;
    }
  }
}

const unquote = (field: string) => (field.length >= 2 && field.startsWith('"') ? field.slice(1, -1) : field);

function parsedTable(text: string, delimiter: string): Table {
  let records: string[][];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) throw unreadable(`The CSV cannot be read: ${csvProblem(err)}.`, err);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) throw unreadable("The file is empty: a table needs a header line.");
  return tableOf(header, rows.length, (indices) => indices.map((column) => rows.map((r) => r[column]!)));
}

/**
 * What csv-parse found, without the text it quotes ("…, value is \"…\"", "got \"…\""): its title (the
 * words before the first colon, such as "Quote Not Closed") and the line.
 */
function csvProblem(err: CsvError): string {
  const title = /^([A-Za-z ]{1,60}):/.exec(err.message)?.[1] ?? err.code;
  const line = (err as CsvError & { lines?: unknown }).lines;
  return typeof line === "number" ? `${title} (line ${line})` : title;
}

function tableOf(header: string[], rowCount: number, select: Table["select"]): Table {
  const columns = header.map((c) => c.trim());
  return {
    columns,
    rowCount,
    select,
    records() {
      const byColumn = select(columns.map((_, i) => i));
      return Array.from({ length: rowCount }, (_, row) => byColumn.map((column) => column[row]!));
    },
  };
}

function unreadable(message: string, cause?: unknown): SpeError {
  return new SpeError("OUTPUT_FILE_UNREADABLE", message, { cause });
}
