import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { recordAuditEvent } from "../../audit/append-audit-event";
import type { AuditActor } from "../../audit/audit-hash";
import type { Db } from "../../db/database";
import { SpeError } from "../../errors";
import { researcherReport } from "../sdc/researcher-report";
import type { FileCheck } from "./airlock-ports";
import type { OutputFileType } from "./output-file-type";
import type { AirlockServices } from "./submit-request";

export interface PrecheckInput {
  namespace: string;
  path: string;
  type: OutputFileType;
  /** The permit's SDC profile. */
  profile: string;
  /** Where the copy is checked; removed afterwards. */
  scratch: string;
}

/** What the audit log keeps of a check's report: outcomes and counts, never a word of the file. */
function reportSummary(check: FileCheck) {
  const checks = Array.isArray(check.report.checks)
    ? (check.report.checks as Array<{ name?: unknown; status?: unknown }>)
    : [];
  const cells = Array.isArray(check.report.cells) ? (check.report.cells as Array<{ status?: unknown }>) : [];
  return {
    status: check.status,
    checks: checks.map((c) => ({ name: String(c.name), status: String(c.status) })),
    cellsFailed: cells.filter((c) => c.status === "fail").length,
    cellsToReview: cells.filter((c) => c.status === "review").length,
  };
}

/**
 * Runs the checks on one outbox file without keeping anything: what a researcher sees before submitting.
 * Every precheck is an audit event (`export.prechecked`), whether the file was checked or refused: which
 * file, its size and hash, and the outcome in counts. A report says something about a file that no one
 * has reviewed yet, so who asked for which, how often, is evidence a supervisor needs.
 */
export async function precheckFile(
  db: Db,
  airlock: AirlockServices,
  input: PrecheckInput,
  actor: AuditActor,
  now = new Date(),
): Promise<FileCheck & { size: number }> {
  const { namespace, path, type, profile, scratch } = input;
  let copied: { sha256: string; size: number } | undefined;
  const record = (outcome: Record<string, unknown>) =>
    recordAuditEvent(
      db,
      {
        actor,
        action: "export.prechecked",
        target: `environment:${namespace}`,
        details: { path, type, profile, ...(copied ?? {}), ...outcome },
      },
      now,
    );
  try {
    if (type === "acro")
      throw new SpeError(
        "EXPORT_FILE_REFUSED",
        `${path}: an ACRO output folder is checked as a whole when its request is submitted, not before.`,
      );
    await mkdir(dirname(scratch), { recursive: true, mode: 0o700 });
    copied = await airlock.outbox.copy(namespace, path, scratch, airlock.limits.maxFileBytes);
    const check = await airlock.checkOutputFile({ file: scratch, name: path, type, profile });
    await record(reportSummary(check));
    // The researcher reads this before anyone has reviewed the file: none of what the checks read in it.
    return { status: check.status, report: researcherReport(check.report) ?? {}, size: copied.size };
  } catch (err) {
    await record({ status: "refused", code: err instanceof SpeError ? err.code : "INTERNAL_ERROR" });
    throw err;
  } finally {
    await rm(scratch, { force: true });
  }
}
