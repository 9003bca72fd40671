import type { CheckStatus } from "../api-types";
import { readPhrase, readSaying, type SdcPhrase, type SdcSaying } from "./sdc-words";

/**
 * The automated disclosure check report as the orchestrator stores it (its `SdcReport`). The API types it
 * as an open record, so the UI reads it through `readSdcReport` rather than trusting a cast.
 */
export interface SdcReport {
  status: CheckStatus;
  type: string;
  profile: string;
  checks: SdcCheck[];
  /** Only the cells that did not pass; `row` is the 1-based data row (the line after the header is 1). */
  cells: SdcCell[];
}

export interface SdcCheck {
  name: string;
  status: CheckStatus;
  /** In English. */
  message: string;
  /** The same with message keys; absent in reports made before the orchestrator kept them. */
  says?: SdcSaying;
}

export interface SdcCell {
  row: number;
  column: string;
  status: Exclude<CheckStatus, "pass">;
  /** In English. */
  reasons: string[];
  /** The same reasons with message keys, when the report has them. */
  says?: SdcPhrase[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isStatus = (v: unknown): v is CheckStatus => v === "pass" || v === "review" || v === "fail";
const isFlagged = (v: unknown): v is SdcCell["status"] => v === "review" || v === "fail";

/** The report, or undefined when there is none or it has a shape this UI does not know. */
export function readSdcReport(value: unknown): SdcReport | undefined {
  if (!isRecord(value) || !isStatus(value.status) || !Array.isArray(value.checks)) return undefined;
  const checks = value.checks.flatMap((c): SdcCheck[] =>
    isRecord(c) && typeof c.name === "string" && isStatus(c.status)
      ? [{ name: c.name, status: c.status, message: String(c.message ?? ""), says: readSaying(c.says) }]
      : [],
  );
  const cells = (Array.isArray(value.cells) ? value.cells : []).flatMap((c): SdcCell[] => {
    if (!isRecord(c) || typeof c.row !== "number" || typeof c.column !== "string" || !isFlagged(c.status)) return [];
    const reasons = Array.isArray(c.reasons) ? c.reasons.map(String) : [];
    const says = Array.isArray(c.says) ? c.says.map(readPhrase) : undefined;
    const known = says?.filter((p) => p !== undefined);
    // Keys that do not all read, or do not match the English one for one, are not used: the English stays.
    const complete = known?.length === says?.length && known?.length === reasons.length;
    return [{ row: c.row, column: c.column, status: c.status, reasons, says: complete ? known : undefined }];
  });
  return {
    status: value.status,
    type: String(value.type ?? ""),
    profile: String(value.profile ?? ""),
    checks,
    cells,
  };
}

/** Flagged cells by data row and column name, for highlighting a rendered table. */
export function cellIndex(cells: readonly SdcCell[]): Map<string, SdcCell> {
  return new Map(cells.map((c) => [cellKey(c.row, c.column), c]));
}

export const cellKey = (row: number, column: string) => `${row}\u0000${column.trim()}`;
