/**
 * A project name as PyPI compares them (PEP 503): case-insensitive, and runs of `-`, `_` and `.` are one `-`.
 * `Foo.Bar`, `foo_bar` and `FOO--bar` are one project, so the allowlist and every request are compared in
 * this form.
 */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// PEP 508's rule for a distribution name, with a length no real project needs more of: a request that is not a
// name is refused as such, before the allowlist is even read.
const PROJECT_NAME = /^([a-z0-9]|[a-z0-9][a-z0-9._-]{0,98}[a-z0-9])$/i;

/** Whether the text is a well-formed project name (PEP 508), not whether the project exists. */
export function isProjectName(text: string): boolean {
  return PROJECT_NAME.test(text);
}

const SDIST_ENDINGS = [".tar.gz", ".zip"];

/** Wheels and source archives: what pip installs. Eggs and Windows installers are not offered. */
export function isInstallableFile(filename: string): boolean {
  return filename.endsWith(".whl") || SDIST_ENDINGS.some((ending) => filename.endsWith(ending));
}

/**
 * The version a distribution file carries in its name: a wheel's second dash-separated field (PEP 427, where the
 * name's own dashes are underscores), a source archive's text after the project's name (whose spelling varies,
 * hence the comparison in normal form). Undefined for a name that does not follow either pattern.
 */
export function versionOfFile(project: string, filename: string): string | undefined {
  if (filename.endsWith(".whl")) return filename.split("-")[1];
  const ending = SDIST_ENDINGS.find((e) => filename.endsWith(e));
  if (!ending) return undefined;
  const stem = filename.slice(0, -ending.length);
  const wanted = normalizeProjectName(project);
  for (let dash = stem.indexOf("-"); dash > 0; dash = stem.indexOf("-", dash + 1))
    if (normalizeProjectName(stem.slice(0, dash)) === wanted) return stem.slice(dash + 1) || undefined;
  return undefined;
}
