import { DEFAULT_COUNT_COLUMN } from "./frequency";
import { HISTOGRAM_COLUMNS } from "./histogram";
import { MAGNITUDE_COLUMNS } from "./magnitude";
import { readTable, type Table } from "./read-table";
import { RESIDUAL_DF } from "./regression";
import { survivalColumn } from "./survival";

/** What a table declared as something else (`other`, `text`, `code`) turns out to be, by its columns. */
export type TableKind =
  | { type: "frequency"; countColumn: string }
  | { type: "histogram" }
  | { type: "survival" }
  | { type: "magnitude" }
  | { type: "regression" }
  | { type: "table" };

/** Column names that hold counts, in R, pandas, Stata and Swedish spreadsheets (any case). */
const COUNT_COLUMNS = [DEFAULT_COUNT_COLUMN, "n", "freq", "frequency", "antal", "count_n", "number"];

/**
 * Text that reads as a table: a header and at least one row of at least two columns, every row as wide as
 * the header (read-table.ts). Undefined for anything else (prose, code), which stays with a person.
 */
export function asTable(text: string): Table | undefined {
  try {
    const table = readTable(text);
    return table.columns.length >= 2 && table.rowCount >= 1 ? table : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which checks a table's columns call for, so that a table is checked as what it is whatever it was
 * declared as: the magnitude columns (`value`, `n`, `max1`), a `df_resid` column, or a count column. A
 * table with none of them is still a table, for a person to review as one.
 */
export function tableKindOf(columns: readonly string[]): TableKind {
  const has = (name: string) => columns.includes(name);
  if (has(MAGNITUDE_COLUMNS.value) && has(MAGNITUDE_COLUMNS.contributors) && has(MAGNITUDE_COLUMNS.largest))
    return { type: "magnitude" };
  if (has(RESIDUAL_DF)) return { type: "regression" };
  if (has(HISTOGRAM_COLUMNS.lower) && has(HISTOGRAM_COLUMNS.upper) && has(HISTOGRAM_COLUMNS.count))
    return { type: "histogram" };
  if (survivalColumn(columns, "risk") !== -1 && survivalColumn(columns, "events") !== -1) return { type: "survival" };
  const countColumn = columns.find((c) => COUNT_COLUMNS.includes(c.toLowerCase()));
  return countColumn !== undefined ? { type: "frequency", countColumn } : { type: "table" };
}
