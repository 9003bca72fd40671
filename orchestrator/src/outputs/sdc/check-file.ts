import { readFile } from "node:fs/promises";
import { imageContentCheck } from "../images/image-check";
import { reencodeImage } from "../images/reencode-image";
import { extensionOf, OUTPUT_FILE_TYPES, type OutputFileType } from "../requests/output-file-type";
import { combineStatus, type SdcStatus } from "./combine-status";
import { contentOf, requireContentMatchesName } from "./file-content";
import { checkFormulaCells } from "./formula-cells";
import { checkFrequencyTable, DEFAULT_COUNT_COLUMN } from "./frequency";
import { checkHistogram } from "./histogram";
import { checkMagnitudeTable } from "./magnitude";
import { loadSdcProfile, type SdcProfile } from "./profile";
import { decodeText, readTable, type Table } from "./read-table";
import { checkRegression, RESIDUAL_DF } from "./regression";
import { say } from "./phrases";
import { checkSurvival } from "./survival";
import { CellFindings, cannotRun, type SdcCell, type SdcCheck, type TableFindings } from "./report";
import { asTable, tableKindOf } from "./table-kind";
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
  /**
   * The file's name as the researcher gave it (its outbox path), when `path` is not it (a quarantined
   * copy): its ending must match the content. Without either name the content alone decides.
   */
  name?: string;
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

/** The report on a file and, for an image, the bytes that are kept and released in its place. */
export interface CheckedOutput {
  report: SdcReport;
  /** An image re-encoded to a fresh raster (reencode-image.ts): checkers see these bytes, and these leave. */
  released?: Buffer;
}

/**
 * Runs the disclosure checks of `profile` for a file of type `type` (rules and table conventions:
 * policies/sdc/README.md). The report names cells by row and column; with `detail` it also says what the
 * checks read there, which only output checkers may see.
 *
 * Throws `SpeError` with code `OUTPUT_FILE_UNREADABLE` when a frequency or magnitude table is not a
 * readable CSV (or a regression summary not readable CSV or JSON), when an image does not decode, and when
 * a file's content is not what its name says: there is nothing to check, and the researcher should fix the
 * file. `SDC_PROFILE_NOT_FOUND` / `SDC_PROFILE_INVALID` for a profile name that does not load. Missing
 * columns are not errors: the checks that need them come back `review`.
 */
export async function checkOutputFile(input: CheckOutputFileInput): Promise<SdcReport> {
  return (await checkOutput(input)).report;
}

/** `checkOutputFile`, with the bytes that leave in place of an image. */
export async function checkOutput(input: CheckOutputFileInput): Promise<CheckedOutput> {
  const profile = typeof input.profile === "string" ? loadSdcProfile(input.profile) : input.profile;
  const { type } = input;
  const bytes = input.bytes ?? (input.path !== undefined ? await readFile(input.path) : undefined);
  if (!bytes) throw new TypeError("checkOutputFile needs a path or bytes");
  const content = contentOf(bytes);
  const extension = extensionOf(input.name ?? input.path ?? "");
  if (extension) requireContentMatchesName(extension, content);
  let findings: TableFindings | undefined;
  let released: Buffer | undefined;
  if (content === "png" || content === "jpeg") {
    const image = await reencodeImage(bytes);
    findings = { checks: [imageContentCheck(image.structure, bytes.length), personCheck(type)], cells: [] };
    released = image.bytes;
  } else if (content !== "text") requireContentMatchesName("txt", content);
  findings ??= textFindings(decodeText(bytes), type, profile, input.countColumn);
  const report: SdcReport = {
    status: combineStatus(findings.checks.map((c) => c.status)),
    type,
    profile: profile.name,
    ...findings,
  };
  return { report: input.detail ? report : plainReport(report), ...(released && { released }) };
}

/**
 * The checks of a text file: by its declared type, and a file declared as anything else that reads as a
 * table by what its columns say it is. Every table is also searched for cells that run as formulas.
 */
function textFindings(
  text: string,
  type: SdcOutputType,
  profile: SdcProfile,
  countColumn = DEFAULT_COUNT_COLUMN,
): TableFindings {
  if (type === "regression") {
    const findings = checkRegression(text, profile.regression);
    const table = /^\s*[[{]/.test(text) ? undefined : readTable(text);
    return table ? withFormulaCheck(findings, table, text) : findings;
  }
  if (type === "frequency" || type === "magnitude" || type === "histogram" || type === "survival") {
    const table = readTable(text);
    const findings =
      type === "frequency"
        ? checkFrequencyTable(table, profile.frequency, countColumn)
        : tableFindings(type, table, profile);
    return withFormulaCheck(findings, table, text);
  }
  const table = asTable(text);
  if (!table) {
    // A JSON summary of models declared as something else is still a regression summary.
    if (/^\s*[[{]/.test(text) && text.includes(`"${RESIDUAL_DF}"`)) {
      const findings = checkRegression(text, profile.regression);
      return { checks: [cannotRun("declared-type", say("reads-as-regression")), ...findings.checks], cells: [] };
    }
    return { checks: [personCheck(type)], cells: [] };
  }
  const kind = tableKindOf(table.columns);
  const findings =
    kind.type === "frequency"
      ? checkFrequencyTable(table, profile.frequency, kind.countColumn)
      : kind.type === "regression"
        ? checkRegression(text, profile.regression)
        : kind.type === "table"
          ? { checks: [], cells: [] }
          : tableFindings(kind.type, table, profile);
  const declared = cannotRun("declared-type", say(`reads-as-${kind.type}`));
  return withFormulaCheck({ checks: [declared, ...findings.checks], cells: findings.cells }, table, text);
}

function tableFindings(type: "magnitude" | "histogram" | "survival", table: Table, profile: SdcProfile): TableFindings {
  if (type === "magnitude") return checkMagnitudeTable(table, profile.magnitude);
  if (type === "histogram") return checkHistogram(table, profile.frequency);
  return checkSurvival(table, profile.frequency);
}

function withFormulaCheck(findings: TableFindings, table: Table, text: string): TableFindings {
  const cells = new CellFindings();
  for (const cell of findings.cells) cells.add(cell);
  const formulas = checkFormulaCells(table, cells, text);
  return { checks: [...findings.checks, formulas], cells: cells.list() };
}

function personCheck(type: SdcOutputType): SdcCheck {
  if (type !== "figure" && type !== "code" && type !== "text")
    return cannotRun("manual-review", say("not-checked-other"));
  return cannotRun("manual-review", say(`not-checked-${type}`));
}
