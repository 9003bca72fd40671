// The orchestrator's own table of allowed endings (a module of constants, no server code): the form never
// offers a choice the orchestrator would refuse, and the two cannot drift apart.
import { ALLOWED_EXTENSIONS, OUTPUT_FILE_TYPES } from "@spe/orchestrator/output-file-types";
import type { OutputFileType } from "../../lib/api-types";
import { extensionOf } from "../../lib/format";

export const FILE_TYPES: readonly OutputFileType[] = OUTPUT_FILE_TYPES;

/** The types a file may be declared as, by its ending; empty when it cannot leave at all. */
export const typesFor = (path: string) => FILE_TYPES.filter((t) => ALLOWED_EXTENSIONS[t].includes(extensionOf(path)));

/** The likeliest type for a file, as the starting choice; the researcher says what it really is. */
export function guessType(path: string): OutputFileType | undefined {
  const allowed = typesFor(path);
  const preferred: OutputFileType[] = ["frequency", "figure", "text", "code", "regression", "other"];
  return preferred.find((t) => allowed.includes(t));
}
