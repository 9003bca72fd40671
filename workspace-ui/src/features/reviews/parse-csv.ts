// The orchestrator's own rule for a table's delimiter (read-table.ts uses it too): the preview reads the
// same rows as the checks, so the flagged cells land on the right rows.
import { csvDelimiterOf } from "@spe/orchestrator/csv-delimiter";
import Papa from "papaparse";

/** A CSV as the checks read it: the header's names, and the data rows (row 1 is the line after the header). */
export interface ParsedCsv {
  header: string[];
  rows: string[][];
  /** Whether papaparse found anything it could not read as CSV (the table is then shown as best it can). */
  damaged: boolean;
}

/** Parses a quarantined CSV for display: byte-order mark dropped, blank lines skipped, as the checks do. */
export function parseCsv(input: string): ParsedCsv {
  const text = input.replace(/^\uFEFF/, "");
  const parsed = Papa.parse<string[]>(text, { delimiter: csvDelimiterOf(text), skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header: header.map((h) => h.trim()), rows, damaged: parsed.errors.length > 0 };
}
