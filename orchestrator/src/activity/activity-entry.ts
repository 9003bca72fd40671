/**
 * What the record of activities holds: one entry per thing a person did in their workspace that the gateway
 * saw. The kinds are one registry: the UI's words and the evidence's counts derive from it.
 */
export const ACTIVITY_KINDS = [
  /** Code sent to a kernel to run (an `execute_request`): language, SHA-256, size and the code itself. */
  "code.executed",
  "terminal.opened",
  "terminal.closed",
  /** A file or notebook opened through the tool's file API: path and size. */
  "file.opened",
  /** A file or notebook saved (or uploaded) through the tool's file API: path and size. */
  "file.saved",
  /** A download, export or raw view the gateway refused (gateway/transfer-rules.ts). */
  "transfer.refused",
  /** Kernel frames the gateway relayed but could not read: a gap in the record, said as such. */
  "frames.unparsed",
  /** Entries this process could not keep (the database was away too long): a gap, said as such. */
  "record.lost",
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Whose workspace it was: the environment and the signed-in person of the workspace host. */
export interface ActivityPerson {
  namespace: string;
  subject: string;
}

/** One entry as recorded, hashed and read back. */
export interface ActivityEntry extends ActivityPerson {
  /** ISO 8601, milliseconds, UTC. */
  time: string;
  kind: ActivityKind;
  details: Record<string, unknown>;
}

// A string PostgreSQL can store as jsonb: no NUL character and no lone UTF-16 surrogate (code from a
// browser can hold either). Its hash (code.executed's sha256) is taken before, over what was sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storableString = (s: string) => s.replace(LONE_SURROGATE, "\uFFFD").replaceAll("\u0000", "\uFFFD");

/**
 * Details as jsonb stores and gives them back: strings made storable, through JSON once (no undefined, no
 * Dates), so that what is hashed is what is read back when the chain is verified.
 */
export function storableDetails(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(details, (_key, value: unknown) => (typeof value === "string" ? storableString(value) : value)),
  ) as Record<string, unknown>;
}
