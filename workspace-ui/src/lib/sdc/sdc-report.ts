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

const STATUSES = new Set(["pass", "review", "fail"]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The report, or undefined when there is none or it has a shape this UI does not know. */
export function readSdcReport(value: unknown): SdcReport | undefined {
  if (!isRecord(value) || !STATUSES.has(value.status as string) || !Array.isArray(value.checks)) return undefined;
  const checks = value.checks
    .filter(
      (c): c is Record<string, unknown> =>
        isRecord(c) && typeof c.name === "string" && STATUSES.has(c.status as string),
    )
    .map((c): SdcCheck => ({
      name: c.name as string,
      status: c.status as CheckStatus,
      message: String(c.message ?? ""),
      says: readSaying(c.says),
    }));
  const cells = (Array.isArray(value.cells) ? value.cells : [])
    .filter(
      (c): c is Record<string, unknown> =>
        isRecord(c) &&
        typeof c.row === "number" &&
        typeof c.column === "string" &&
        (c.status === "fail" || c.status === "review"),
    )
    .map((c): SdcCell => {
      const reasons = Array.isArray(c.reasons) ? c.reasons.map(String) : [];
      const says = Array.isArray(c.says) ? c.says.map(readPhrase) : undefined;
      // Keys that do not all read, or do not match the English one for one, are not used: the English stays.
      const complete = says?.every((p) => p !== undefined) && says.length === reasons.length;
      return {
        row: c.row as number,
        column: c.column as string,
        status: c.status as SdcCell["status"],
        reasons,
        says: complete ? (says as SdcPhrase[]) : undefined,
      };
    });
  return {
    status: value.status as CheckStatus,
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
