import type { OutputFileType } from "../airlock/airlock-api";
import { extensionOf } from "../airlock/format";

/**
 * File name endings allowed out per declared type. The orchestrator decides (output-file-type.ts); this
 * copy only keeps the form from offering a choice it would refuse.
 */
const ALLOWED_EXTENSIONS: Record<OutputFileType, readonly string[]> = {
  frequency: ["csv"],
  magnitude: ["csv"],
  regression: ["csv", "json"],
  figure: ["png", "jpg", "jpeg", "svg"],
  code: ["py", "r", "sql", "do", "sas", "txt"],
  text: ["txt", "md"],
  other: ["csv", "json", "txt", "md", "png", "jpg", "jpeg", "svg"],
};

export const FILE_TYPES = Object.keys(ALLOWED_EXTENSIONS) as OutputFileType[];

/** The types a file may be declared as, by its ending; empty when it cannot leave at all. */
export const typesFor = (path: string) => FILE_TYPES.filter((t) => ALLOWED_EXTENSIONS[t].includes(extensionOf(path)));

/** The likeliest type for a file, as the starting choice; the researcher says what it really is. */
export function guessType(path: string): OutputFileType | undefined {
  const allowed = typesFor(path);
  const preferred: OutputFileType[] = ["frequency", "figure", "text", "code", "regression", "other"];
  return preferred.find((t) => allowed.includes(t));
}
