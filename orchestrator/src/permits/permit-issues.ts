import type { z } from "zod";
import { SpeError } from "../errors";
import { inputErrorMap, problemOf, type InputIssue } from "../input-issues";

/**
 * One thing wrong with a permit payload: where (`environment.memory`) and what, in our English and as a problem
 * a client words itself (with its bound or choices).
 */
export type PermitIssue = { path: string; message: string } & Partial<
  Pick<InputIssue, "problem" | "limit" | "options">
>;

/** `["authorisedPersons", 0, "email"]` → `authorisedPersons[0].email`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += (out ? "." : "") + String(segment);
  }
  return out;
}

/**
 * Turns zod's issues into one line per bad field. An unknown member becomes its own path, so that the
 * message names it rather than the object that holds it.
 */
export function permitIssuesOf(issues: readonly z.core.$ZodIssue[]): PermitIssue[] {
  return issues.flatMap((issue): PermitIssue[] => {
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => ({
        path: formatIssuePath([...issue.path, key]),
        message: "is not a field of a permit: the issuer must remove it (unknown fields are refused, not ignored)",
        problem: "unknown-field",
      }));
    return [{ path: formatIssuePath(issue.path) || "(payload)", message: issue.message, ...problemOf(issue) }];
  });
}

/**
 * Wording for zod's defaults, which would otherwise read "expected string, received undefined" or quote the
 * regular expression a field must match: the HDAB's people and our operators read these.
 */
export const permitErrorMap: z.core.$ZodErrorMap = inputErrorMap;

/** PERMIT_SCHEMA_INVALID with every bad field, for callers (the CLI's --json) that list them apart. */
export class PermitSchemaError extends SpeError {
  constructor(readonly issues: readonly PermitIssue[]) {
    super(
      "PERMIT_SCHEMA_INVALID",
      `The permit payload has ${issues.length} problem(s); the issuer must correct them and sign again:\n` +
        issues.map((i) => `- ${i.path}: ${i.message}`).join("\n"),
    );
  }
}
