import type { AppRouter } from "@spe/orchestrator/api";
import { isRole } from "@spe/orchestrator/roles";
import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { TFunction } from "i18next";
import { sv } from "../locales/sv";
import { fieldKey, fieldLabel } from "./field-labels";

/** An error the API answered, with `data` typed by the orchestrator's error formatter (`speCode`, `issues`). */
export type ApiClientError = TRPCClientError<AppRouter>;

/** Whether an error is one the API answered (rather than the network failing or a bug here). */
export const isApiError = (error: unknown): error is ApiClientError => isTRPCClientError<AppRouter>(error);

type KnownCode = keyof typeof sv.errors.codes;
const isKnownCode = (code: string | undefined): code is KnownCode =>
  code !== undefined && Object.hasOwn(sv.errors.codes, code);
type Problem = keyof typeof sv.errors.problems;

/** One bad field as the API names it: our input's (`files.0.path`) or a refused permit's (`datasets[0].id`). */
export interface FieldProblem {
  path: string;
  problem?: string;
  limit?: number;
  options?: string[];
  values?: Record<string, string | number>;
}

// The words are looked up by keys and filled with values that come from the wire: typed loosely here, once.
type Words = (key: string, values?: Record<string, unknown>) => string;
const wordsOf = (t: TFunction) => t as unknown as Words;

/** The stable code of an API error: from `data.speCode`, else from the message ("CODE: sentence"). */
export function errorCode(error: unknown): string | undefined {
  if (!isApiError(error)) return undefined;
  return error.data?.speCode ?? /^([A-Z][A-Z_]+):/.exec(error.message)?.[1];
}

const isFieldProblem = (v: unknown): v is FieldProblem =>
  typeof v === "object" && v !== null && "path" in v && typeof v.path === "string";

/**
 * The field-by-field problems an API error carries in `data.issues` (our input's, or a refused permit's), or
 * none when the error is about something else (a signature, an unknown issuer). The router types `issues`, but
 * an answer is still data from the wire: entries of another shape are left out.
 */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!isApiError(error)) return [];
  const issues: unknown = error.data?.issues;
  return Array.isArray(issues) ? issues.filter(isFieldProblem) : [];
}

/**
 * What is wrong with a field, in words ("är för långt (högst 500)"), with the form it should have when it has
 * one we can describe; a problem this UI does not know is "not valid".
 */
export function problemWords(issue: Omit<FieldProblem, "path"> & { path?: string }, t: TFunction): string {
  const form = issue.path === undefined ? undefined : fieldKey(issue.path);
  if (issue.problem === "wrong-form" && form !== undefined && Object.hasOwn(sv.errors.forms, form))
    return t("errors.wrongFormAs", { form: t(`errors.forms.${form as keyof typeof sv.errors.forms}`) });
  const problem: Problem =
    issue.problem !== undefined && Object.hasOwn(sv.errors.problems, issue.problem)
      ? (issue.problem as Problem)
      : "invalid";
  return wordsOf(t)(`errors.problems.${problem}`, {
    limit: issue.limit ?? "",
    options: issue.options?.join(", ") ?? "",
  });
}

/** A field problem as one line: its label and what is wrong ("Skäl: är för långt (högst 500)"). */
export const fieldProblemWords = (issue: FieldProblem, t: TFunction) =>
  `${fieldLabel(issue.path, t)}: ${problemWords(issue, t)}`;

/** The field an input code is about: the first issue the server answered with, else its values. */
function inputField(error: ApiClientError): FieldProblem | undefined {
  const values = error.data?.values ?? {};
  const issues = fieldProblems(error);
  const first = issues.find((i) => "code" in i && i.code !== "INPUT_INVALID") ?? issues[0];
  if (first) return first;
  return typeof values.field === "string"
    ? {
        path: values.field,
        problem: typeof values.problem === "string" ? values.problem : undefined,
        limit: typeof values.limit === "number" ? values.limit : undefined,
      }
    : undefined;
}

/**
 * The bad fields an input error's words do not name already: the answer's words say one field, the rest are
 * listed under them. Other codes' words stand alone.
 */
export function otherFieldProblems(error: unknown): FieldProblem[] {
  if (!isApiError(error) || errorCode(error) !== "INPUT_INVALID") return [];
  const named = inputField(error);
  return fieldProblems(error).filter((issue) => issue !== named);
}

/**
 * Our words for an API error, from its code and values, never the server's English sentence: a field by its
 * label, a role by its name. A code this UI has no words for is said with the code; a failure with no answer
 * at all (the network) says the server did not answer.
 */
export function errorWords(error: unknown, t: TFunction): string {
  const words = wordsOf(t);
  if (!isApiError(error)) return t("app.somethingWrong");
  const code = errorCode(error);
  if (code === undefined) return error.data ? t("errors.unknown", { code: "?" }) : t("errors.unreachable");
  if (!isKnownCode(code)) return t("errors.unknown", { code });
  const values = error.data?.values ?? {};
  const field = inputField(error);
  if (code === "INPUT_INVALID" && !field?.path) return t("errors.inputUnreadable");
  const role = typeof values.role === "string" && isRole(values.role) ? t(`session.roles.${values.role}`) : values.role;
  return words(`errors.codes.${code}`, {
    ...values,
    role,
    field: field?.path ? fieldLabel(field.path, t) : t("errors.input"),
    problem: field ? problemWords(field, t) : "",
  });
}
