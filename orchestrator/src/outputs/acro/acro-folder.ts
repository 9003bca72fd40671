import { SpeError } from "../../errors";
import type { OutboxFile } from "../requests/airlock-ports";
import { ACRO_KEPT_BACK } from "./acro-bundle";

/** The folder of a file of an ACRO output folder (ACRO writes its outputs flat, so it is the file's parent). */
export const acroFolderOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

/**
 * The files of an ACRO output folder in the outbox that may leave, as outbox paths: everything in it but
 * ACRO's own bookkeeping (results.json, config.json, checksums/, session_summary.*), which never leaves.
 * Whether results.json lists exactly these, with matching checksums, is verified on the quarantined copies
 * when the request is submitted. Refuses a folder without results.json, one with nothing else to release,
 * and files in sub-folders (ACRO writes none besides checksums/).
 */
export function acroFolderOutputs(listing: readonly OutboxFile[], folder: string): string[] {
  const prefix = `${folder}/`;
  const inside = listing.filter((f) => f.path.startsWith(prefix)).map((f) => f.path.slice(prefix.length));
  if (!inside.includes("results.json"))
    throw refused(`${folder} is not an ACRO output folder: it has no results.json. Write it with acro.finalise().`);
  const outputs = inside.filter((name) => !ACRO_KEPT_BACK.test(name));
  const nested = outputs.find((name) => name.includes("/"));
  if (nested)
    throw refused(
      `${prefix}${nested} is in a folder inside the ACRO output folder, where ACRO writes nothing: move it out.`,
    );
  if (outputs.length === 0) throw refused(`${folder} holds no outputs besides ACRO's own files.`);
  return outputs.map((name) => `${prefix}${name}`);
}

function refused(message: string): SpeError {
  return new SpeError("EXPORT_FILE_REFUSED", message);
}
