/** What a researcher declares a file to be; it decides which disclosure checks run on it. */
export const OUTPUT_FILE_TYPES = ["frequency", "magnitude", "regression", "figure", "code", "text", "other"] as const;
export type OutputFileType = (typeof OUTPUT_FILE_TYPES)[number];

/**
 * File name endings allowed out per declared type (after OpenSAFELY's list, plus analysis code). Anything
 * else, a notebook with embedded outputs for one, is refused before it reaches a checker.
 */
export const ALLOWED_EXTENSIONS: Record<OutputFileType, readonly string[]> = {
  frequency: ["csv"],
  magnitude: ["csv"],
  regression: ["csv", "json"],
  figure: ["png", "jpg", "jpeg", "svg"],
  code: ["py", "r", "sql", "do", "sas", "txt"],
  text: ["txt", "md"],
  other: ["csv", "json", "txt", "md", "png", "jpg", "jpeg", "svg"],
};

/** The lower-case ending of a file name, without the dot ("" when there is none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}
