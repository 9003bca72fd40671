import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/append-audit-event";
import type { AuditActor } from "../../audit/audit-hash";
import type { Db } from "../../db/database";
import { exportFiles } from "../../db/schema";
import { SpeError } from "../../errors";
import { acroFolderOf } from "../acro/acro-folder";
import type { DeclaredTable } from "../differencing/declared-table";
import { declaredTableOf, releasedTables as releasedTablesOf, withDifferencing } from "../differencing/release-history";
import { loadSdcProfile } from "../sdc/profile";
import type { AirlockLimits } from "./airlock-limits";
import type { CheckOutputFile, FileCheck, Outbox } from "./airlock-ports";
import { loadForAuthor } from "./author-actions";
import { updateIfStill, type ExportFileRow } from "./export-request-store";
import { extensionOf } from "./output-file-type";
import type { Admitted, Quarantine } from "./quarantine";
import type { RequestState } from "./request-state";
import { quarantineAcroFolder } from "./submit-acro-folder";

export interface AirlockServices {
  outbox: Outbox;
  quarantine: Quarantine;
  checkOutputFile: CheckOutputFile;
  limits: AirlockLimits;
}

export interface Quarantined {
  file: ExportFileRow;
  /** What is kept, checked and released: the file as submitted, or an image re-encoded. */
  sha256: string;
  size: number;
  /** The file as it came from the outbox, when what is kept differs from it. */
  submittedSha256: string | null;
  check: FileCheck;
}

/** Lines after the header of a CSV, counted without holding the file in memory. */
export async function csvDataRows(path: string): Promise<number> {
  let newlines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  const lines = newlines + (last === 10 ? 0 : 1);
  return Math.max(0, lines - 1);
}

/**
 * Copies one file out of the outbox into quarantine and checks it there, through the submission's own
 * hold on it: what is checked is what is kept.
 */
async function quarantineFile(
  airlock: AirlockServices,
  namespace: string,
  profile: string,
  file: ExportFileRow,
  listed: Map<string, number>,
  admitted: Admitted[],
  replaced: Admitted[],
  /** The permit's released frequency tables, for the differencing check (read once, when first needed). */
  releasedTables?: () => Promise<DeclaredTable[]>,
): Promise<Quarantined> {
  const { limits } = airlock;
  const size = listed.get(file.path);
  if (size === undefined)
    throw new SpeError(
      "EXPORT_FILE_REFUSED",
      `${file.path} is not in the outbox (any more). Put it back or revise the request.`,
    );
  if (size > limits.maxFileBytes)
    throw new SpeError(
      "EXPORT_FILE_REFUSED",
      `${file.path} is ${size} bytes; at most ${limits.maxFileBytes} may leave in one file.`,
    );
  const kept = await airlock.quarantine.admit((destination) =>
    airlock.outbox.copy(namespace, file.path, destination, limits.maxFileBytes),
  );
  admitted.push(kept);
  const path = kept.hold;
  if (extensionOf(file.path) === "csv") {
    const rows = await csvDataRows(path);
    if (rows > limits.maxCsvRows)
      throw new SpeError(
        "EXPORT_FILE_REFUSED",
        `${file.path} has ${rows} rows; at most ${limits.maxCsvRows} may leave in one table. Aggregate further.`,
      );
  }
  let check = await airlock.checkOutputFile({ file: path, name: file.path, type: file.type, profile });
  if (releasedTables && file.type === "frequency" && file.population && file.dimensions) {
    const table = declaredTableOf(await readFile(path), {
      name: file.path,
      population: file.population,
      dimensions: file.dimensions,
    });
    if (table) check = withDifferencing(check, table, await releasedTables(), loadSdcProfile(profile));
  }
  return keepChecked(airlock, file, kept, check, admitted, replaced);
}

/**
 * A checked file as it is kept: the copy from the outbox, or, for an image, its fresh raster, which is
 * kept (and shown to checkers) in place of the original.
 */
export async function keepChecked(
  airlock: AirlockServices,
  file: ExportFileRow,
  kept: Admitted,
  check: FileCheck,
  admitted: Admitted[],
  replaced: Admitted[],
): Promise<Quarantined> {
  if (!check.released) return { file, sha256: kept.sha256, size: kept.size, submittedSha256: null, check };
  const released = check.released;
  const fresh = await airlock.quarantine.admit(async (destination) => {
    await writeFile(destination, released, { mode: 0o600 });
    return { sha256: createHash("sha256").update(released).digest("hex"), size: released.byteLength };
  });
  admitted.push(fresh);
  replaced.push(kept);
  return { file, sha256: fresh.sha256, size: fresh.size, submittedSha256: kept.sha256, check };
}

/**
 * Sends a draft (or, after changes were requested, its revised files) to the output checkers. Each new
 * file version is copied into quarantine, hashed and checked first; only when all of them succeeded does
 * the request change, in one transaction with its audit event. A failure leaves the request as it was.
 */
export async function submitRequest(
  db: Db,
  airlock: AirlockServices,
  id: string,
  actor: AuditActor,
  now = new Date(),
): Promise<{
  state: string;
  files: Array<{ path: string; version: number; sha256: string; check: FileCheck["status"] }>;
}> {
  // A draft is submitted; a request sent back for changes is resubmitted.
  const eventFor = (state: RequestState) =>
    state === "changes_requested" ? ("resubmit" as const) : ("submit" as const);
  const { request, files } = await loadForAuthor(db, id, actor, eventFor, now);
  const event = eventFor(request.state);
  const unrevised = files.filter((f) => f.sha256 !== null && f.decision === "changes_requested");
  if (unrevised.length)
    throw new SpeError(
      "EXPORT_REQUEST_STATE_CONFLICT",
      `Checkers asked for changes to ${unrevised.map((f) => f.path).join(", ")}: revise ${unrevised.length > 1 ? "them" : "it"} before resubmitting.`,
    );
  const fresh = files.filter((f) => f.sha256 === null);
  const listed = new Map((await airlock.outbox.list(request.namespace)).map((f) => [f.path, f.size]));
  const quarantined: Quarantined[] = [];
  const admitted: Admitted[] = [];
  const replaced: Admitted[] = [];
  let history: Promise<DeclaredTable[]> | undefined;
  const released = () => (history ??= releasedTablesOf(db, airlock.quarantine, request.permitId));
  try {
    for (const file of fresh.filter((f) => f.type !== "acro"))
      quarantined.push(
        await quarantineFile(airlock, request.namespace, request.profile, file, listed, admitted, replaced, released),
      );
    // An ACRO folder is verified as a whole whenever any of its files is new: its checksums cover them all.
    const folders = new Set(fresh.filter((f) => f.type === "acro").map((f) => acroFolderOf(f.path)));
    for (const folder of folders) {
      const ofFolder = files.filter((f) => f.type === "acro" && acroFolderOf(f.path) === folder);
      const hold = { admitted, replaced };
      quarantined.push(...(await quarantineAcroFolder(airlock, request, folder, ofFolder, listed, hold)));
    }
    await recordSubmission(db, id, request.state, event, quarantined, actor, now);
  } catch (err) {
    await forgetUnreferenced(db, airlock.quarantine, admitted);
    throw err;
  }
  const isReplaced = (kept: Admitted) => replaced.includes(kept);
  for (const kept of admitted) if (!isReplaced(kept)) await airlock.quarantine.settle(kept);
  // Images as submitted are not kept once their re-encoded raster is recorded (unless a request refers to those bytes).
  await forgetUnreferenced(db, airlock.quarantine, replaced);
  return {
    state: "submitted",
    files: quarantined.map((q) => ({
      path: q.file.path,
      version: q.file.version,
      sha256: q.sha256,
      check: q.check.status,
    })),
  };
}

/**
 * A failed submission keeps nothing: copies no request refers to are removed from quarantine again. A
 * concurrent submission of the same bytes keeps them through its own hold (quarantine.ts).
 */
async function forgetUnreferenced(db: Db, quarantine: Quarantine, admitted: Admitted[]): Promise<void> {
  const isReferenced = (sha256: string) => async () =>
    (await db.select({ sha256: exportFiles.sha256 }).from(exportFiles).where(eq(exportFiles.sha256, sha256)).limit(1))
      .length > 0;
  for (const kept of admitted) await quarantine.forget(kept, isReferenced(kept.sha256));
}

async function recordSubmission(
  db: Db,
  id: string,
  from: RequestState,
  event: "submit" | "resubmit",
  quarantined: Quarantined[],
  actor: AuditActor,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    await updateIfStill(
      tx,
      id,
      from,
      { state: "submitted", submittedAt: now, updatedAt: now },
      "while its files were copied",
    );
    for (const q of quarantined)
      await tx
        .update(exportFiles)
        .set({
          sha256: q.sha256,
          size: q.size,
          submittedSha256: q.submittedSha256,
          checkStatus: q.check.status,
          checkReport: q.check.report,
        })
        .where(
          and(
            eq(exportFiles.requestId, id),
            eq(exportFiles.path, q.file.path),
            eq(exportFiles.version, q.file.version),
          ),
        );
    await appendAuditEvent(
      tx,
      {
        actor,
        action: event === "submit" ? "export.submitted" : "export.resubmitted",
        target: `export:${id}`,
        details: {
          files: quarantined.map((q) => ({
            path: q.file.path,
            version: q.file.version,
            type: q.file.type,
            sha256: q.sha256,
            size: q.size,
            ...(q.submittedSha256 && { submittedSha256: q.submittedSha256 }),
            check: q.check.status,
          })),
        },
      },
      now,
    );
  });
}
