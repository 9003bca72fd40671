import { combineStatus, type SdcStatus } from "./combine-status";
import { english, say, type SdcPhrase, type SdcSaying } from "./phrases";

/** One automated check over a whole file: its outcome and, in words, what it found where. */
export type SdcCheck = {
  /** Stable name: `threshold`, `zeros`, `rounding`, `nk-dominance`, `p-ratio`, `identical-values`, … */
  name: string;
  status: SdcStatus;
  /** In English, for the CLI, logs and release records. */
  message: string;
  /** The same in parts with message keys, for a reader in another language. */
  says: SdcSaying;
};

/** A table cell that did not pass, with every reason it did not. */
export type SdcCell = {
  /** 1-based data row of the CSV: row 1 is the first line after the header (blank lines not counted). */
  row: number;
  /** The header name of the cell's column (for a magnitude table, `value`). */
  column: string;
  status: Exclude<SdcStatus, "pass">;
  /** In English. */
  reasons: string[];
  /** The same reasons with message keys. */
  says: SdcPhrase[];
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

  fail(row: number, column: string, reason: SdcPhrase): void {
    this.failRows.push(row);
    this.cells.flag(row, column, "fail", reason);
  }

  review(row: number, column: string, reason: SdcPhrase): void {
    this.reviewRows.push(row);
    this.cells.flag(row, column, "review", reason);
  }

  /**
   * The check's result. `failed` and `reviewed` label the cells that fail and those left to a person
   * ("count below 10: 2 cells (rows 3, 7)"); `passed` is the message when there are neither.
   */
  result(words: { passed: SdcPhrase; failed?: SdcPhrase; reviewed?: SdcPhrase }): SdcCheck {
    const status = combineStatus([
      ...(this.failRows.length ? ["fail" as const] : []),
      ...(this.reviewRows.length ? ["review" as const] : []),
    ]);
    const flagged = [
      ...(this.failRows.length
        ? [
            {
              status: "fail" as const,
              label: words.failed ?? say("cells-failed"),
              count: this.failRows.length,
              rows: this.failRows.slice(0, ROWS_NAMED),
            },
          ]
        : []),
      ...(this.reviewRows.length
        ? [
            {
              status: "review" as const,
              label: words.reviewed ?? say("cells-reviewed"),
              count: this.reviewRows.length,
              rows: this.reviewRows.slice(0, ROWS_NAMED),
            },
          ]
        : []),
    ];
    const says: SdcSaying = flagged.length ? { flagged } : { phrase: words.passed };
    return { name: this.name, status, message: sayingEnglish(says), says };
  }
}

/** A check's saying as its English message. */
export function sayingEnglish(says: SdcSaying): string {
  if ("phrase" in says) return english(says.phrase);
  if ("models" in says) return `${says.models.map((m) => `${m.jsonPath ?? m.path}: ${english(m.reason)}`).join("; ")}.`;
  return `${capitalised(says.flagged.map((f) => `${english(f.label)}: ${cellsText(f.count)} (${rowsText(f.rows, f.count)})`).join("; "))}.`;
}

/** The cells that did not pass, each once with all its reasons. */
export class CellFindings {
  private readonly byKey = new Map<string, SdcCell>();

  flag(row: number, column: string, status: SdcCell["status"], reason: SdcPhrase): void {
    const key = `${row}\u0000${column}`;
    const cell = this.byKey.get(key);
    if (!cell) this.byKey.set(key, { row, column, status, reasons: [english(reason)], says: [reason] });
    else {
      cell.reasons.push(english(reason));
      cell.says.push(reason);
      if (status === "fail") cell.status = "fail";
    }
  }

  /** A cell another check already flagged, so that each cell is listed once with all its reasons. */
  add(cell: SdcCell): void {
    cell.says.forEach((reason) => this.flag(cell.row, cell.column, cell.status, reason));
  }

  list(): SdcCell[] {
    return [...this.byKey.values()].sort((a, b) => a.row - b.row);
  }
}

/** A check that could not run at all: the file goes to a person. */
export function cannotRun(name: string, reason: SdcPhrase): SdcCheck {
  return { name, status: "review", message: sayingEnglish({ phrase: reason }), says: { phrase: reason } };
}

/** How many flagged rows a check's message names before it says "and N more". */
const ROWS_NAMED = 5;

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cellsText(count: number): string {
  return count === 1 ? "1 cell" : `${count} cells`;
}

function rowsText(named: number[], count: number): string {
  const word = count === 1 ? "row" : "rows";
  return count > named.length
    ? `${word} ${named.join(", ")} and ${count - named.length} more`
    : `${word} ${named.join(", ")}`;
}
