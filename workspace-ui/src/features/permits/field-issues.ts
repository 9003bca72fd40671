import { TRPCClientError } from "@trpc/client";

/** One bad field of a refused permit, as the orchestrator names it (`authorisedPersons[0].email`). */
export interface FieldIssue {
  path: string;
  message: string;
}

const isIssue = (v: unknown): v is FieldIssue =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as FieldIssue).path === "string" &&
  typeof (v as FieldIssue).message === "string";

/**
 * The field-by-field problems an API error carries in `data.issues` (a permit's bad fields, or our own
 * input's), or none when the error is about something else (a signature, an unknown issuer).
 */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof TRPCClientError)) return [];
  const issues = (error.data as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? issues.filter(isIssue) : [];
}
