import { API_ERRORS, type ApiErrorCode } from "../../integrator/error-codes";
import { API_V1_OPERATIONS } from "./operations";

/** Which operations answer with each code, from the operations' own lists. */
function operationsByCode(): Map<ApiErrorCode, string[]> {
  const uses = new Map<ApiErrorCode, string[]>();
  for (const op of API_V1_OPERATIONS)
    for (const code of op.errors) uses.set(code, [...(uses.get(code) ?? []), `${op.method.toUpperCase()} ${op.path}`]);
  return uses;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/**
 * The error guide as Markdown, generated from the table the handlers answer with. The portal renders it
 * and docs/error-codes.md is this text (a test compares them), so neither can drift from the code.
 */
export function errorGuideMarkdown(): string {
  const uses = operationsByCode();
  const rows = (Object.keys(API_ERRORS) as ApiErrorCode[]).map((code) => {
    const { status, meaning, fix } = API_ERRORS[code];
    const where = (uses.get(code) ?? []).map((o) => `\`${o}\``).join(", ");
    return `| \`${code}\` | ${status} | ${cell(meaning)} | ${cell(fix)} | ${where} |`;
  });
  return [
    "# Error codes and what to do about them",
    "",
    'Every error of `/api/v1` answers with the HTTP status below and a JSON body `{ "error": CODE, "message": … }`. Match on `error`, never on `message`: codes are stable, messages are for people and may be reworded. `REQUEST_INVALID` and `PERMIT_SCHEMA_INVALID` add `issues` (each bad field); `DATASET_SCHEMA_MISMATCH` and `DELIVERY_INVALID` add `report` (every finding in the extract, with row numbers).',
    "",
    "This page is generated from the table the API answers with (`orchestrator/src/integrator/error-codes.ts`).",
    "",
    "| Code | Status | What it means | What to do | Answered by |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
