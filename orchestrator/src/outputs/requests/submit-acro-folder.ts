import { readFile } from "node:fs/promises";
import { SpeError } from "../../errors";
import { readAcroBundle } from "../acro/acro-bundle";
import { acroFileCheck } from "../acro/acro-file-check";
import { combineStatus } from "../sdc/combine-status";
import { contentOf } from "../sdc/file-content";
import { loadSdcProfile } from "../sdc/profile";
import type { FileCheck } from "./airlock-ports";
import type { ExportFileRow, ExportRequestRow } from "./export-request-store";
import { extensionOf } from "./output-file-type";
import type { Admitted } from "./quarantine";
import { csvDataRows, keepChecked, type AirlockServices, type Quarantined } from "./submit-request";

/**
 * Copies a whole ACRO output folder into quarantine and verifies it there (readAcroBundle): results.json
 * well formed, every file it lists present and matching its checksum, the session's settings held against
 * the permit's profile, each output rechecked by our rules. The request's files of the folder must be
 * exactly the outputs results.json lists. ACRO's bookkeeping (results.json, config.json, checksums/,
 * session_summary.*) is read from its quarantined copies and not kept: it never leaves. Returns the new
 * file versions (`files` whose sha256 is still unset) as checked; a file already reviewed must be the
 * bytes it was. Throws EXPORT_FILE_REFUSED, saying what is wrong; the caller then keeps nothing.
 */
export async function quarantineAcroFolder(
  airlock: AirlockServices,
  request: Pick<ExportRequestRow, "namespace" | "profile">,
  folder: string,
  files: ExportFileRow[],
  listed: ReadonlyMap<string, number>,
  hold: { admitted: Admitted[]; replaced: Admitted[] },
): Promise<Quarantined[]> {
  const prefix = `${folder}/`;
  const copies = new Map<string, Admitted>();
  const bytes = new Map<string, Uint8Array>();
  for (const [path, size] of listed) {
    if (!path.startsWith(prefix)) continue;
    if (size > airlock.limits.maxFileBytes)
      throw refused(`${path} is ${size} bytes; at most ${airlock.limits.maxFileBytes} may leave in one file.`);
    const kept = await airlock.quarantine.admit((destination) =>
      airlock.outbox.copy(request.namespace, path, destination, airlock.limits.maxFileBytes),
    );
    hold.admitted.push(kept);
    copies.set(path, kept);
    bytes.set(path.slice(prefix.length), await readFile(kept.hold));
  }
  const profile = loadSdcProfile(request.profile);
  let bundle;
  try {
    bundle = readAcroBundle(bytes, profile);
  } catch (err) {
    throw err instanceof SpeError ? refused(`${folder}: ${err.message}`, err) : err;
  }
  const released = new Set(bundle.release.map((f) => `${prefix}${f.name}`));
  const requested = new Set(files.map((f) => f.path));
  const stray = [...requested].find((path) => !released.has(path));
  if (stray)
    throw refused(
      `${stray} is in the ACRO folder but its results.json does not list it, so ACRO never checked it. Move it out of the folder, or request it on its own.`,
    );
  const added = [...released].find((path) => !requested.has(path));
  if (added) throw refused(`${added} came into the ACRO folder after the request was made: make the request again.`);
  // What is not released is not kept; a copy of a file already reviewed stays only if its request refers to it.
  for (const [path, kept] of copies)
    if (!released.has(path) || files.some((f) => f.path === path && f.sha256)) hold.replaced.push(kept);
  const quarantined: Quarantined[] = [];
  for (const file of files) {
    const kept = copies.get(file.path)!;
    if (file.sha256 !== null) {
      if ((file.submittedSha256 ?? file.sha256) !== kept.sha256)
        throw refused(`${file.path} changed in the outbox after it was reviewed: revise it too.`);
      continue;
    }
    if (extensionOf(file.path) === "csv" && (await csvDataRows(kept.hold)) > airlock.limits.maxCsvRows)
      throw refused(`${file.path} has more than ${airlock.limits.maxCsvRows} rows. Aggregate further.`);
    const report = acroFileCheck(bundle, folder, file.path.slice(prefix.length), profile.name);
    let check: FileCheck = { status: report.status, report };
    const content = contentOf(bytes.get(file.path.slice(prefix.length))!);
    if (content === "png" || content === "jpeg") {
      // A figure of the session leaves as every image does: re-encoded to bare pixels, its content checked.
      const image = await airlock.checkOutputFile({
        file: kept.hold,
        name: file.path,
        type: "figure",
        profile: request.profile,
      });
      const checks = [...(image.report.checks as typeof report.checks), ...report.checks];
      const status = combineStatus(checks.map((c) => c.status));
      check = { status, report: { ...report, status, checks }, ...(image.released && { released: image.released }) };
    }
    quarantined.push(await keepChecked(airlock, file, kept, check, hold.admitted, hold.replaced));
  }
  return quarantined;
}

function refused(message: string, cause?: unknown): SpeError {
  return new SpeError("EXPORT_FILE_REFUSED", message, { cause });
}
