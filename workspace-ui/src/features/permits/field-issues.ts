import { isApiError, type ApiClientError } from "../../lib/api-errors";

/** One bad field of a refused permit, as the orchestrator names it (`authorisedPersons[0].email`). */
export type FieldIssue = NonNullable<NonNullable<ApiClientError["data"]>["issues"]>[number];

// The router types `issues`, but an answer is still data from the wire: entries of another shape are left out.
const isIssue = (v: unknown): v is FieldIssue =>
  typeof v === "object" &&
  v !== null &&
  "path" in v &&
  typeof v.path === "string" &&
  "message" in v &&
  typeof v.message === "string";

/**
 * The field-by-field problems an API error carries in `data.issues` (a permit's bad fields, or our own
 * input's), or none when the error is about something else (a signature, an unknown issuer).
 */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!isApiError(error)) return [];
  const issues: unknown = error.data?.issues;
  return Array.isArray(issues) ? issues.filter(isIssue) : [];
}
