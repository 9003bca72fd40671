import { SpeError } from "../errors";

/** The kinds of thing that can be wrong with an extract. */
export type ExtractIssueCode =
  | "COLUMN_MISSING"
  | "COLUMN_UNEXPECTED"
  | "COLUMN_DUPLICATE"
  | "ROW_MALFORMED"
  | "VALUE_MISSING"
  | "VALUE_INVALID"
  | "IDENTIFIER_INVALID"
  | "PRIMARY_KEY_DUPLICATE";

/**
 * One kind of problem in one column, with where it occurs: `rows` holds the first few row numbers (1 is
 * the first data row after the header; for ROW_MALFORMED the file's line number minus one) and `count` how
 * many rows have it in all. Messages never quote a value: the extract holds personal data.
 */
export interface ExtractIssue {
  code: ExtractIssueCode;
  column?: string;
  message: string;
  count: number;
  rows: number[];
}

/** What validating an extract found. */
export interface ExtractReport {
  valid: boolean;
  format: "csv" | "parquet";
  bytes: number;
  /** Data rows read; null when the columns did not match and no row was read. */
  rows: number | null;
  /** Distinct values of the direct-identifier columns, and how many of them are invalid. */
  identifiers: { distinct: number; invalid: number };
  issues: ExtractIssue[];
}

/**
 * An extract that does not match its descriptor: DATASET_SCHEMA_MISMATCH when its columns differ,
 * DELIVERY_INVALID when rows or values are wrong. `report` holds every finding.
 */
export class ExtractRejectedError extends SpeError {
  constructor(readonly report: ExtractReport) {
    const columns = report.issues.some((i) => i.code.startsWith("COLUMN_"));
    super(columns ? "DATASET_SCHEMA_MISMATCH" : "DELIVERY_INVALID", describeIssues(report.issues));
  }
}

/** One line per issue: `PERSONNR: IDENTIFIER_INVALID … (rows 3, 17 and 40 more)`. */
export function describeIssues(issues: readonly ExtractIssue[]): string {
  return issues
    .map((i) => {
      const more = i.count - i.rows.length;
      const where =
        i.rows.length === 0
          ? ""
          : ` (row${i.rows.length > 1 ? "s" : ""} ${i.rows.join(", ")}${more > 0 ? ` and ${more} more` : ""})`;
      return `${i.column ? `${i.column}: ` : ""}${i.code}: ${i.message}${where}`;
    })
    .join("\n");
}
