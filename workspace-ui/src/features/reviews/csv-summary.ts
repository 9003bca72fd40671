// The checks' own reading of a number ("1,5", "NA" and "Inf" are not numbers), so that the figures here
// describe the same values the disclosure checks judged.
import { parseNumber } from "@spe/orchestrator/decimal";
import type { ParsedCsv } from "./parse-csv";

/** The figures a checker reads beside one numeric column. */
export interface ColumnSummary {
  column: string;
  /** Cells that hold a number. */
  numbers: number;
  /** Non-empty cells that do not (redaction markers, "NA", text). */
  other: number;
  min: number;
  /** The smallest value above zero: a small count hidden among zeros is what a checker looks for. */
  minAboveZero: number | null;
  max: number;
  sum: number;
  /** Whole numbers divisible by 5: where all are, the counts were likely rounded; where few are, likely not. */
  divisibleBy5: number;
}

export interface CsvSummary {
  rows: number;
  columns: number;
  /** Only the columns with at least one number, in the file's order. */
  numeric: ColumnSummary[];
}

/**
 * Summary statistics of a table the preview has already read. Its size is bounded by the airlock's limit
 * of rows per CSV, so this runs on the whole file rather than on a sample.
 */
export function summariseCsv(table: ParsedCsv): CsvSummary {
  const columns = Math.max(table.header.length, ...table.rows.map((r) => r.length));
  const numeric: ColumnSummary[] = [];
  for (let c = 0; c < columns; c++) {
    const summary = summariseColumn(
      table.header[c] ?? "",
      table.rows.map((r) => r[c] ?? ""),
    );
    if (summary) numeric.push(summary);
  }
  return { rows: table.rows.length, columns, numeric };
}

function summariseColumn(column: string, cells: readonly string[]): ColumnSummary | undefined {
  let numbers = 0;
  let other = 0;
  let min = Infinity;
  let max = -Infinity;
  let minAboveZero = Infinity;
  let sum = 0;
  let divisibleBy5 = 0;
  for (const cell of cells) {
    if (cell.trim() === "") continue;
    const value = parseNumber(cell);
    // "1e999" reads as Infinity: not a value anyone released, so it counts with the other texts.
    if (value === undefined || !Number.isFinite(value)) {
      other++;
      continue;
    }
    numbers++;
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (value > 0) minAboveZero = Math.min(minAboveZero, value);
    sum += value;
    if (Number.isInteger(value) && value % 5 === 0) divisibleBy5++;
  }
  if (numbers === 0) return undefined;
  return {
    column,
    numbers,
    other,
    min,
    max,
    minAboveZero: minAboveZero === Infinity ? null : minAboveZero,
    sum,
    divisibleBy5,
  };
}
