import { open, stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parse as parseCsv } from "csv-parse/sync";
import { SpeError } from "../errors";
import type { DatasetDescriptor } from "./descriptor";
import type { ExtractIssue } from "./extract-issues";

/** 20 GiB: far above a register extract of tens of millions of rows, far below a full disk. */
export const DEFAULT_MAX_DELIVERY_BYTES = 20 * 1024 ** 3;

/** An extract file as found on disk: its format, size and the columns its header names, in file order. */
export interface ExtractFile {
  path: string;
  format: "csv" | "parquet";
  bytes: number;
  header: string[];
  /** For Parquet: each column's type as DuckDB reads it ("DATE", "BIGINT", …). */
  parquetTypes?: Record<string, string>;
}

/**
 * Size, format (Parquet by its magic bytes, else CSV) and header of an extract, without reading it all.
 * Throws DELIVERY_TOO_LARGE beyond `maxBytes`, DELIVERY_UNREADABLE for a file that cannot be read.
 */
export async function inspectExtract(
  path: string,
  descriptor: DatasetDescriptor,
  conn: DuckDBConnection,
  maxBytes = DEFAULT_MAX_DELIVERY_BYTES,
): Promise<ExtractFile> {
  let bytes: number;
  let head: Buffer;
  try {
    bytes = (await stat(path)).size;
    const file = await open(path, "r");
    try {
      head = Buffer.alloc(Math.min(bytes, 1024 * 1024));
      await file.read(head, 0, head.length, 0);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new SpeError(
      "DELIVERY_UNREADABLE",
      `Cannot read the extract: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
  if (bytes > maxBytes)
    throw new SpeError("DELIVERY_TOO_LARGE", `The extract has ${bytes} bytes; at most ${maxBytes} are accepted.`);
  if (head.subarray(0, 4).toString("latin1") === "PAR1") {
    try {
      const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
      const rows = described.getRowObjectsJS() as { column_name: string; column_type: string }[];
      return {
        path,
        format: "parquet",
        bytes,
        header: rows.map((r) => r.column_name),
        parquetTypes: Object.fromEntries(rows.map((r) => [r.column_name, r.column_type])),
      };
    } catch (err) {
      throw new SpeError(
        "DELIVERY_UNREADABLE",
        `The extract looks like Parquet but cannot be read: ${firstLine(err)}`,
        { cause: err },
      );
    }
  }
  return { path, format: "csv", bytes, header: csvHeader(head, descriptor) };
}

function csvHeader(head: Buffer, descriptor: DatasetDescriptor): string[] {
  const { delimiter, encoding } = descriptor.format;
  let text = head.toString(encoding === "latin-1" ? "latin1" : "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.search(/\r?\n/);
  if (end < 0 && head.length >= 1024 * 1024)
    throw new SpeError("DELIVERY_UNREADABLE", "The extract's first line (the header) is longer than 1 MiB.");
  try {
    const [header] = parseCsv(end < 0 ? text : text.slice(0, end), { delimiter, relax_quotes: false }) as string[][];
    if (!header)
      throw new SpeError(
        "DELIVERY_UNREADABLE",
        "The extract is empty: a CSV extract starts with a header line naming its columns.",
      );
    return header;
  } catch (err) {
    if (err instanceof SpeError) throw err;
    throw new SpeError("DELIVERY_UNREADABLE", `The extract's header line is not CSV: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Columns the descriptor names that the file lacks, and columns the file has that the descriptor does not name. */
export function columnIssues(file: ExtractFile, descriptor: DatasetDescriptor): ExtractIssue[] {
  const issues: ExtractIssue[] = [];
  const inFile = new Set<string>();
  for (const name of file.header) {
    if (inFile.has(name))
      issues.push({
        code: "COLUMN_DUPLICATE",
        column: name,
        message: `The column ${name} appears twice in the header.`,
        count: 1,
        rows: [],
      });
    inFile.add(name);
  }
  for (const c of descriptor.columns)
    if (!inFile.has(c.name))
      issues.push({
        code: "COLUMN_MISSING",
        column: c.name,
        message: `The column ${c.name} is missing.`,
        count: 1,
        rows: [],
      });
  const described = new Set(descriptor.columns.map((c) => c.name));
  for (const name of inFile)
    if (!described.has(name))
      issues.push({
        code: "COLUMN_UNEXPECTED",
        column: name,
        message: `The column ${name} is not in the descriptor of ${descriptor.id} ${descriptor.version}.`,
        count: 1,
        rows: [],
      });
  return issues;
}

/**
 * The extract as a relation of VARCHAR columns named as in its header: every value as text, so that type
 * errors become row-numbered findings instead of a reader's exception. `rejects` makes a CSV read skip
 * malformed rows into DuckDB's reject_errors table instead of failing.
 */
export function sourceRelation(file: ExtractFile, descriptor: DatasetDescriptor, { rejects = false } = {}): string {
  if (file.format === "parquet") {
    const casts = file.header.map((name) => {
      const c = descriptor.columns.find((x) => x.name === name);
      const type = file.parquetTypes?.[name] ?? "VARCHAR";
      // A date stored as a date is a date: render it in the descriptor's format rather than refuse it.
      if (c?.type === "date" && (type === "DATE" || type.startsWith("TIMESTAMP")))
        return `strftime(${ident(name)}, ${sqlString(c.format === "YYYYMMDD" ? "%Y%m%d" : "%Y-%m-%d")}) AS ${ident(name)}`;
      return `CAST(${ident(name)} AS VARCHAR) AS ${ident(name)}`;
    });
    return `(SELECT ${casts.join(", ")} FROM read_parquet(${sqlString(file.path)}))`;
  }
  const columns = `{${file.header.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(", ")}}`;
  const { delimiter, encoding } = descriptor.format;
  return (
    `read_csv(${sqlString(file.path)}, delim=${sqlString(delimiter)}, quote='"', escape='"', header=true, auto_detect=false, ` +
    `columns=${columns}, encoding=${sqlString(encoding)}, strict_mode=true, null_padding=false` +
    (rejects ? ", ignore_errors=true, store_rejects=true)" : ")")
  );
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier. Column names are checked by the descriptor schema; quoting keeps case. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The first line of an error's message: DuckDB's CSV errors go on to quote the offending line, which may
 * hold a personnummer, and such text must not travel further than the data holder's own delivery.
 */
export function firstLine(err: unknown): string {
  return String((err as Error).message ?? err).split("\n")[0]!;
}
