/**
 * The delimiter a CSV table is read with: a comma unless the header line has none but a semicolon or a
 * tab (what spreadsheets in Swedish locales write). The disclosure checks and the checkers' preview in the
 * UI both read tables this way, so the checks' row and column numbers point at the cells the preview shows.
 * No imports: the UI bundles this file.
 */
export function csvDelimiterOf(text: string): string {
  const end = text.search(/\r|\n/);
  const header = end === -1 ? text : text.slice(0, end);
  if (header.includes(",")) return ",";
  if (header.includes(";")) return ";";
  return header.includes("\t") ? "\t" : ",";
}
