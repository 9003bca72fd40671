import { combineStatus, type SdcStatus } from "./combine-status";

/** One automated check over a whole file: its outcome and, in words, what it found where. */
export type SdcCheck = {
  /** Stable name: `threshold`, `zeros`, `rounding`, `nk-dominance`, `p-ratio`, `identical-values`, … */
  name: string;
  status: SdcStatus;
  message: string;
};

/** A table cell that did not pass, with every reason it did not. */
export type SdcCell = {
  /** 1-based data row of the CSV: row 1 is the first line after the header (blank lines not counted). */
  row: number;
  /** The header name of the cell's column (for a magnitude table, `value`). */
  column: string;
  status: Exclude<SdcStatus, "pass">;
  reasons: string[];
};

/** The findings of the checks on one table: checks in a fixed order, cells in row order. */
export interface TableFindings {
  checks: SdcCheck[];
  cells: SdcCell[];
}

/** Collects the rows one check objects to, for its status and message. */
export class CheckTally {
  readonly failRows: number[] = [];
  readonly reviewRows: number[] = [];

  constructor(
    readonly name: string,
    private readonly cells: CellFindings,
  ) {}

  fail(row: number, column: string, reason: string): void {
    this.failRows.push(row);
    this.cells.flag(row, column, "fail", reason);
  }

  review(row: number, column: string, reason: string): void {
    this.reviewRows.push(row);
    this.cells.flag(row, column, "review", reason);
  }

  /**
   * The check's result. `failed` and `reviewed` label the cells that fail and those left to a person
   * ("count below 10: 2 cells (rows 3, 7)"); `passed` is the message when there are neither.
   */
  result(words: { passed: string; failed?: string; reviewed?: string }): SdcCheck {
    const status = combineStatus([...(this.failRows.length ? ["fail" as const] : []), ...(this.reviewRows.length ? ["review" as const] : [])]);
    const parts: string[] = [];
    if (this.failRows.length) parts.push(`${words.failed ?? "fail"}: ${cellsText(this.failRows)} (${rowsText(this.failRows)})`);
    if (this.reviewRows.length) parts.push(`${words.reviewed ?? "to review"}: ${cellsText(this.reviewRows)} (${rowsText(this.reviewRows)})`);
    return { name: this.name, status, message: parts.length ? `${capitalised(parts.join("; "))}.` : words.passed };
  }
}

/** The cells that did not pass, each once with all its reasons. */
export class CellFindings {
  private readonly byKey = new Map<string, SdcCell>();

  flag(row: number, column: string, status: SdcCell["status"], reason: string): void {
    const key = `${row}\u0000${column}`;
    const cell = this.byKey.get(key);
    if (!cell) this.byKey.set(key, { row, column, status, reasons: [reason] });
    else {
      cell.reasons.push(reason);
      if (status === "fail") cell.status = "fail";
    }
  }

  list(): SdcCell[] {
    return [...this.byKey.values()].sort((a, b) => a.row - b.row);
  }
}

/** A check that could not run at all: the file goes to a person. */
export function cannotRun(name: string, message: string): SdcCheck {
  return { name, status: "review", message };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cellsText(rows: number[]): string {
  return rows.length === 1 ? "1 cell" : `${rows.length} cells`;
}

function rowsText(rows: number[]): string {
  const shown = rows.slice(0, 5).join(", ");
  const word = rows.length === 1 ? "row" : "rows";
  return rows.length > 5 ? `${word} ${shown} and ${rows.length - 5} more` : `${word} ${shown}`;
}
