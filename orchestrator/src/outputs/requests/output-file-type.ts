/**
 * What a researcher declares a file to be; it decides which disclosure checks run on it. `acro` is a file of
 * an ACRO output folder, submitted as one unit (acro/acro-folder.ts): ACRO's evidence beside our recheck.
 */
export const OUTPUT_FILE_TYPES = [
  "frequency",
  "magnitude",
  "histogram",
  "survival",
  "regression",
  "figure",
  "code",
  "text",
  "other",
  "acro",
] as const;
export type OutputFileType = (typeof OUTPUT_FILE_TYPES)[number];

/**
 * File name endings allowed out per declared type (after OpenSAFELY's list, plus analysis code). Anything
 * else, a notebook with embedded outputs for one, is refused before it reaches a checker. Figures are
 * raster images only, which are re-encoded to bare pixels before review (VECTOR_FIGURES says why not SVG).
 */
export const ALLOWED_EXTENSIONS: Record<OutputFileType, readonly string[]> = {
  frequency: ["csv"],
  magnitude: ["csv"],
  histogram: ["csv"],
  survival: ["csv"],
  regression: ["csv", "json"],
  figure: ["png", "jpg", "jpeg"],
  code: ["py", "r", "sql", "do", "sas", "txt"],
  text: ["txt", "md"],
  other: ["csv", "json", "txt", "md", "png", "jpg", "jpeg"],
  // Never a single file: a researcher names an ACRO output folder, whose outputs become the request's files.
  acro: [],
};

/**
 * Vector figures are refused rather than rasterised: an SVG or PDF can carry text a viewer never draws
 * (hidden layers, white-on-white, off-page objects, metadata, scripts, embedded files), so a checker cannot
 * see all of what leaves, and rasterising it would mean parsing hostile XML or PDF inside the orchestrator.
 * Every plotting library saves the same figure as PNG, which is re-encoded to bare pixels before review.
 */
export const VECTOR_FIGURES: readonly string[] = ["svg", "svgz", "pdf", "eps", "ps"];

/** The lower-case ending of a file name, without the dot ("" when there is none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}
