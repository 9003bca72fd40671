import { isProjectName, normalizeProjectName } from "./package-names";

/** One refused line of an allowlist as an operator typed it: its number (from 1), what it holds and what is wrong. */
export interface AllowlistLineError {
  line: number;
  /** The line without its comment, cut to 80 characters. */
  entry: string;
  message: string;
}

export type ParsedAllowlist = { ok: true; names: string[] } | { ok: false; errors: AllowlistLineError[] };

/**
 * Reads an allowlist as operators write it: one project name a line, `#` starts a comment, blank lines are
 * ignored. Names are kept in PyPI's normal form, sorted, once each. A line that is not a project name (a version
 * pin, a URL, two names) is refused with its number: nothing of a list with a bad line is taken, so an operator
 * never gets half of what they meant.
 */
export function parseAllowlist(text: string): ParsedAllowlist {
  const names = new Set<string>();
  const errors: AllowlistLineError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = raw.replace(/#.*$/, "").trim();
    if (entry === "") return;
    if (!isProjectName(entry)) {
      errors.push({
        line: index + 1,
        entry: entry.slice(0, 80),
        message: `"${entry.slice(0, 80)}" is not a project name`,
      });
      return;
    }
    names.add(normalizeProjectName(entry));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, names: [...names].sort() };
}
