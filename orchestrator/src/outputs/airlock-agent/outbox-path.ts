import { SpeError } from "../../errors";

/** Longest request path accepted; real outbox paths are far shorter. */
const MAX_PATH_LENGTH = 4096;

/**
 * The segments of a file path as requested (`a/b%20c.csv` → ["a", "b c.csv"]), from the raw request
 * target, never a normalised URL (which would quietly resolve `..`). Refuses with OUTBOX_PATH_INVALID:
 * empty segments (an absolute path or `//`), `.` and `..` in any spelling (`%2e%2e`), encoded slashes
 * or backslashes, NUL bytes and malformed percent-encoding.
 */
export function outboxPathSegments(raw: string): string[] {
  if (raw.length === 0) throw invalid("The path is empty.");
  if (raw.length > MAX_PATH_LENGTH) throw invalid(`The path is longer than ${MAX_PATH_LENGTH} characters.`);
  return raw.split("/").map((encoded) => {
    if (encoded === "")
      throw invalid(
        "The path has an empty segment (an absolute path or a doubled slash); give a path relative to the outbox.",
      );
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      throw invalid(`The path segment "${encoded}" is not valid percent-encoding.`);
    }
    if (segment === "." || segment === "..")
      throw invalid("The path contains . or ..; only paths inside the outbox are served.");
    if (segment.includes("/") || segment.includes("\\"))
      throw invalid("The path contains an encoded slash or a backslash.");
    if (segment.includes("\0")) throw invalid("The path contains a NUL byte.");
    return segment;
  });
}

function invalid(message: string): SpeError {
  return new SpeError("OUTBOX_PATH_INVALID", message);
}
