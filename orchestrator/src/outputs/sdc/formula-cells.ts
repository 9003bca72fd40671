import { quoted, say } from "./phrases";
import type { Table } from "./read-table";
import type { CellFindings } from "./report";
import { CheckTally, type SdcCheck } from "./report";

/** A plain number: a leading sign is then a sign, not the start of a formula. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Whether a spreadsheet would take the text for a formula (OWASP's CSV injection list): it starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number. `=HYPERLINK("https://…?"&A2)`
 * sends a cell's neighbours to a server when the released file is opened.
 */
export function looksLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  // = + - @ \t \r
  if (first !== 61 && first !== 43 && first !== 45 && first !== 64 && first !== 9 && first !== 13) return false;
  return !NUMBER.test(text);
}

/**
 * Whether any field of the CSV text could start like a formula: one of the characters right after the
 * start, a delimiter or a line break (or an opening quote there). Most tables have none, and one search
 * over the text is much cheaper than reading every cell.
 */
const FORMULA_START = /(?:^|[,;\t\n\r])"?[=+\-@\t\r]/;

/**
 * Flags every cell (and header) that a spreadsheet would run as a formula. Such a cell goes to review: the
 * checker decides whether it is a harmless label (`-` for "none") or a way out of the environment.
 * The header is row 0.
 */
export function checkFormulaCells(table: Table, cells: CellFindings, text?: string): SdcCheck {
  const tally = new CheckTally("formula-cells", cells);
  const passed = { passed: say("formula-cells-none"), reviewed: say("formula-cells-found") };
  if (text !== undefined && !FORMULA_START.test(text)) return tally.result(passed);
  const flag = (row: number, column: string, text: string) =>
    tally.review(row, column, say("formula-cell", undefined, { text: quoted(text) }));
  table.columns.forEach((name) => looksLikeFormula(name) && flag(0, name, name));
  const columns = table.select(table.columns.map((_, i) => i));
  for (let row = 0; row < table.rowCount; row++)
    columns.forEach((column, i) => {
      const text = column[row]!;
      if (text.length && looksLikeFormula(text)) flag(row + 1, table.columns[i]!, text);
    });
  return tally.result(passed);
}
