import { readFile } from "node:fs/promises";
import { OUTPUT_FILE_TYPES, type OutputFileType } from "../requests/output-file-type";
import { combineStatus, type SdcStatus } from "./combine-status";
import { checkFrequencyTable, DEFAULT_COUNT_COLUMN } from "./frequency";
import { checkMagnitudeTable } from "./magnitude";
import { loadSdcProfile, type SdcProfile } from "./profile";
import { decodeText, readTable } from "./read-table";
import { checkRegression } from "./regression";
import { say } from "./phrases";
import { cannotRun, type SdcCell, type SdcCheck, type TableFindings } from "./report";
import { plainReport } from "./researcher-report";

export type { SdcStatus } from "./combine-status";
export type { SdcCell, SdcCheck } from "./report";

/**
 * What a file is declared to be; it decides which checks run. It is an export request's declared file type
 * (one list, in output-file-type.ts): figures, code, text and other files are never checked automatically.
 */
export const SDC_OUTPUT_TYPES = OUTPUT_FILE_TYPES;
export type SdcOutputType = OutputFileType;

/**
 * The automated disclosure check of one output file, as shown to output checkers and kept in the release
 * record. A type alias (not an interface) so that it is assignable to `Record<string, unknown>`.
 */
export type SdcReport = {
  /** The file's outcome: any check failed → `fail`, else any check left to review → `review`, else `pass`. */
  status: SdcStatus;
  /** The type the checks were chosen by. */
  type: SdcOutputType;
  /** The rule profile applied (its name in policies/sdc/). */
  profile: string;
  /** Every check that ran or could not run, in a fixed order per type; never empty. */
  checks: SdcCheck[];
  /** Only the cells that did not pass (row order); an empty list when every cell passed or there are no cells. */
  cells: SdcCell[];
};

export interface CheckOutputFileInput {
  /** The file to read; give either `path` or `bytes`. */
  path?: string;
  bytes?: Uint8Array;
  type: SdcOutputType;
  /** A profile, or the name of one in policies/sdc/ (a permit's `outputPolicy.profile`). */
  profile: SdcProfile | string;
  /** Frequency tables only: the count column's header (default `count`). */
  countColumn?: string;
  /**
   * Keep what the checks read from the file (counts, shares, df, quoted text, JSON paths) in the report,
   * for output checkers. Without it the report is the one a researcher may read (`researcherReport`).
   */
  detail?: boolean;
}

/**
 * Runs the disclosure checks of `profile` for a file of type `type` (rules and table conventions:
 * policies/sdc/README.md). The report names cells by row and column; with `detail` it also says what the
 * checks read there, which only output checkers may see.
 *
 * Throws `SpeError` with code `OUTPUT_FILE_UNREADABLE` when a frequency or magnitude table is not a
 * readable CSV (or a regression summary not readable CSV or JSON): there is nothing to check, and the
 * researcher should fix the file. `SDC_PROFILE_NOT_FOUND` / `SDC_PROFILE_INVALID` for a profile name that
 * does not load. Missing columns are not errors: the checks that need them come back `review`.
 */
export async function checkOutputFile(input: CheckOutputFileInput): Promise<SdcReport> {
  const profile = typeof input.profile === "string" ? loadSdcProfile(input.profile) : input.profile;
  const { type } = input;
  const findings = await findingsFor(input, profile);
  const report: SdcReport = {
    status: combineStatus(findings.checks.map((c) => c.status)),
    type,
    profile: profile.name,
    ...findings,
  };
  return input.detail ? report : plainReport(report);
}

async function findingsFor(input: CheckOutputFileInput, profile: SdcProfile): Promise<TableFindings> {
  const { type } = input;
  if (type !== "frequency" && type !== "magnitude" && type !== "regression")
    return { checks: [personCheck(type)], cells: [] };
  const bytes = input.bytes ?? (input.path !== undefined ? await readFile(input.path) : undefined);
  if (!bytes) throw new TypeError("checkOutputFile needs a path or bytes");
  if (type === "regression") return checkRegression(decodeText(bytes), profile.regression);
  const table = readTable(bytes);
  return type === "frequency"
    ? checkFrequencyTable(table, profile.frequency, input.countColumn ?? DEFAULT_COUNT_COLUMN)
    : checkMagnitudeTable(table, profile.magnitude);
}

function personCheck(type: Exclude<SdcOutputType, "frequency" | "magnitude" | "regression">): SdcCheck {
  return cannotRun("manual-review", say(`not-checked-${type}`));
}
