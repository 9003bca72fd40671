import Papa from "papaparse";

/** A CSV as the checks read it: the header's names, and the data rows (row 1 is the line after the header). */
export interface ParsedCsv {
  header: string[];
  rows: string[][];
  /** Whether papaparse found anything it could not read as CSV (the table is then shown as best it can). */
  damaged: boolean;
}

/**
 * The delimiter the orchestrator's checks read the file with (read-table.ts): a comma unless the header
 * has none but a semicolon or a tab. Reading it the same way keeps the checks' row numbers on the right rows.
 */
function delimiterOf(text: string): string {
  const end = text.search(/\r|\n/);
  const header = end === -1 ? text : text.slice(0, end);
  if (header.includes(",")) return ",";
  if (header.includes(";")) return ";";
  return header.includes("\t") ? "\t" : ",";
}

/** Parses a quarantined CSV for display: byte-order mark dropped, blank lines skipped, as the checks do. */
export function parseCsv(input: string): ParsedCsv {
  const text = input.replace(/^\uFEFF/, "");
  const parsed = Papa.parse<string[]>(text, { delimiter: delimiterOf(text), skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header: header.map((h) => h.trim()), rows, damaged: parsed.errors.length > 0 };
}
