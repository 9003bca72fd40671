/**
 * The only file paths the staging endpoint serves and the loader writes: relative, `/`-separated, each
 * segment plain (letters, digits, `.`, `_`, `-`) and not starting with a dot, so `..`, `.`, hidden files,
 * absolute paths, backslashes, NUL and percent-encodings of any of them never match. The manifests the
 * pipeline writes name files like `patientregistret.parquet`.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isSafeStagedPath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  const segments = path.split("/");
  return segments.length <= 8 && segments.every((s) => SEGMENT.test(s));
}

/** A dataset's folder in the data volume: `patientregistret@2026-09`. Ids and versions are plain segments too. */
export const datasetFolder = (datasetId: string, version: string) => `${datasetId}@${version}`;
