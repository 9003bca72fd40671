import type { CheckStatus } from "./airlock-api";

/**
 * The automated disclosure check report as the orchestrator stores it (its `SdcReport`). The API types it
 * as an open record, so the UI reads it through `readSdcReport` rather than trusting a cast.
 */
export interface SdcReport {
  status: CheckStatus;
  type: string;
  profile: string;
  checks: Array<{ name: string; status: CheckStatus; message: string }>;
  /** Only the cells that did not pass; `row` is the 1-based data row (the line after the header is 1). */
  cells: SdcCell[];
}

export interface SdcCell {
  row: number;
  column: string;
  status: Exclude<CheckStatus, "pass">;
  reasons: string[];
}

const STATUSES = new Set(["pass", "review", "fail"]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The report, or undefined when there is none or it has a shape this UI does not know. */
export function readSdcReport(value: unknown): SdcReport | undefined {
  if (!isRecord(value) || !STATUSES.has(value.status as string) || !Array.isArray(value.checks)) return undefined;
  const checks = value.checks.filter((c): c is SdcReport["checks"][number] => isRecord(c) && typeof c.name === "string" && STATUSES.has(c.status as string));
  const cells = (Array.isArray(value.cells) ? value.cells : []).filter(
    (c): c is SdcCell => isRecord(c) && typeof c.row === "number" && typeof c.column === "string" && (c.status === "fail" || c.status === "review"),
  );
  return { status: value.status as CheckStatus, type: String(value.type ?? ""), profile: String(value.profile ?? ""), checks, cells: cells.map((c) => ({ ...c, reasons: Array.isArray(c.reasons) ? c.reasons.map(String) : [] })) };
}

/** Flagged cells by data row and column name, for highlighting a rendered table. */
export function cellIndex(cells: readonly SdcCell[]): Map<string, SdcCell> {
  return new Map(cells.map((c) => [cellKey(c.row, c.column), c]));
}

export const cellKey = (row: number, column: string) => `${row}\u0000${column.trim()}`;
