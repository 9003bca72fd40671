import type { DuckDBConnection } from "@duckdb/node-api";
import { SpeError } from "../errors";
import type { DatasetDescriptor } from "./descriptor";
import { diagnoseExtract } from "./diagnose-extract";
import { withDuckDb } from "./duckdb-session";
import { columnIssues, firstLine, inspectExtract, sourceRelation, type ExtractFile } from "./extract-file";
import { ExtractRejectedError, type ExtractReport } from "./extract-issues";
import { buildIdentifierTable, type IdentifierCounts } from "./identifier-engine/identifier-table";

/** How many row numbers an issue lists; `count` says how many there are in all. */
export const DEFAULT_FIRST_ROWS = 10;

export interface ValidateExtractOptions {
  /** A CSV (as the descriptor's format says) or Parquet file. */
  input: string;
  descriptor: DatasetDescriptor;
  /** The day the extract was made: it resolves the century of 10-digit personnummer. Default: today. */
  referenceDate?: Date;
  /** Larger files are refused with DELIVERY_TOO_LARGE before anything is read. */
  maxBytes?: number;
  /** Row numbers listed per issue (default 10). */
  firstRows?: number;
}

/**
 * Checks an extract against its dataset descriptor and reports every problem with row numbers: missing,
 * unexpected or repeated columns; malformed rows; empty required values; values not of their column's type
 * or constraints; invalid personnummer/samordningsnummer; repeated primary keys. Stores nothing and
 * computes no pseudonym. Throws only for a file that cannot be read at all (DELIVERY_UNREADABLE) or is too
 * large (DELIVERY_TOO_LARGE); everything else is in the report.
 */
export function validateExtract(options: ValidateExtractOptions): Promise<ExtractReport> {
  return withDuckDb(async (conn, instance) => {
    const file = await inspectExtract(options.input, options.descriptor, conn, options.maxBytes);
    const mismatch = columnIssues(file, options.descriptor);
    if (mismatch.length > 0)
      return {
        valid: false,
        format: file.format,
        bytes: file.bytes,
        rows: null,
        identifiers: { distinct: 0, invalid: 0 },
        issues: mismatch,
      };
    const identifierColumns = options.descriptor.columns.filter((c) => c.role === "direct-identifier");
    const counts = await buildIdentifierTable(
      { instance, conn },
      sourceRelation(file, options.descriptor, { rejects: true }),
      identifierColumns,
      {
        referenceDate: options.referenceDate ?? new Date(),
      },
    ).catch((err: unknown) => unreadable(err));
    return diagnosedReport(conn, file, options.descriptor, counts, options.firstRows ?? DEFAULT_FIRST_ROWS);
  });
}

/** The full diagnosis as a report. */
export async function diagnosedReport(
  conn: DuckDBConnection,
  file: ExtractFile,
  descriptor: DatasetDescriptor,
  identifiers: IdentifierCounts,
  firstRows: number,
): Promise<ExtractReport> {
  const { rows, issues } = await diagnoseExtract(conn, file, descriptor, firstRows).catch((err: unknown) =>
    unreadable(err),
  );
  return { valid: issues.length === 0, format: file.format, bytes: file.bytes, rows, identifiers, issues };
}

/**
 * After the fast path stopped at `cause`: diagnoses the extract and throws ExtractRejectedError with every
 * finding, or DELIVERY_UNREADABLE when the diagnosis finds nothing to name.
 */
export async function rejectWithDiagnosis(
  conn: DuckDBConnection,
  file: ExtractFile,
  descriptor: DatasetDescriptor,
  identifiers: IdentifierCounts,
  firstRows: number,
  cause?: unknown,
): Promise<never> {
  const report = await diagnosedReport(conn, file, descriptor, identifiers, firstRows);
  if (report.issues.length > 0) throw new ExtractRejectedError(report);
  throw unreadableError(cause);
}

function unreadable(err: unknown): never {
  throw unreadableError(err);
}

function unreadableError(err: unknown): SpeError {
  if (err instanceof SpeError) return err;
  return new SpeError("DELIVERY_UNREADABLE", `The extract cannot be read: ${firstLine(err)}`, { cause: err });
}
