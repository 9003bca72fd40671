import type { z } from "zod";
import type { SpeErrorCode } from "./errors";

/**
 * What is wrong with one field, as a word a client can translate. zod's own messages are never passed on:
 * they quote the regular expression a field must match and read like a dump to a person.
 */
export const INPUT_PROBLEMS = [
  "required",
  "not-a-valid-id",
  "wrong-form",
  "wrong-type",
  "not-a-whole-number",
  "not-an-email-address",
  "too-short",
  "too-long",
  "too-small",
  "too-large",
  "not-an-option",
  "unknown-field",
  "invalid",
] as const;
export type InputProblem = (typeof INPUT_PROBLEMS)[number];

/** One bad field: where (`files.0.path`), what is wrong, the bound it broke, and our sentence for it. */
export interface InputIssue {
  path: string;
  code: SpeErrorCode;
  problem: InputProblem;
  /** The bound a too-short, too-long, too-small or too-large field broke. */
  limit?: number;
  /** What a not-an-option field may be. */
  options?: string[];
  message: string;
}

type Issue = z.core.$ZodIssue;
/** An issue as zod's error maps see it, before its message is set. */
type RawIssue = z.core.$ZodRawIssue;

type Problem = Pick<InputIssue, "problem" | "limit" | "options">;

function problemOf(issue: Issue | RawIssue): Problem {
  switch (issue.code) {
    case "invalid_type":
      // An issue as thrown no longer holds its input; its message still says what was received.
      if ("input" in issue ? issue.input === undefined : / received undefined$/.test(issue.message ?? ""))
        return { problem: "required" };
      return { problem: issue.expected === "int" ? "not-a-whole-number" : "wrong-type" };
    case "invalid_format":
      if (issue.format === "uuid" || issue.format === "guid") return { problem: "not-a-valid-id" };
      return { problem: issue.format === "email" ? "not-an-email-address" : "wrong-form" };
    case "too_small":
      return {
        problem: issue.origin === "string" || issue.origin === "array" ? "too-short" : "too-small",
        limit: Number(issue.minimum),
      };
    case "too_big":
      return {
        problem: issue.origin === "string" || issue.origin === "array" ? "too-long" : "too-large",
        limit: Number(issue.maximum),
      };
    case "invalid_value":
      return { problem: "not-an-option", options: issue.values.map(String) };
    case "unrecognized_keys":
      return { problem: "unknown-field" };
    default:
      return { problem: "invalid" };
  }
}

const SENTENCES: Record<InputProblem, (limit?: number, options?: string[]) => string> = {
  required: () => "is required",
  "not-a-valid-id": () => "is not a valid id",
  "wrong-form": () => "is not in the expected form",
  "wrong-type": () => "is of the wrong kind",
  "not-a-whole-number": () => "must be a whole number (an integer)",
  "not-an-email-address": () => "is not a valid e-mail address",
  "too-short": (n) => `is too short (at least ${n})`,
  "too-long": (n) => `is too long (at most ${n})`,
  "too-small": (n) => `is too small (at least ${n})`,
  "too-large": (n) => `is too large (at most ${n})`,
  "not-an-option": (_, options) => `is not one of: ${options?.join(", ")}`,
  "unknown-field": () => "is not a field here",
  invalid: () => "is not valid",
};

/**
 * Our sentence for any issue zod finds, for `safeParse(…, { error: inputErrorMap })`: a schema's own message
 * still wins, and none of zod's (which quote patterns and types) is left.
 */
export const inputErrorMap: z.core.$ZodErrorMap = (issue) => {
  const { problem, limit, options } = problemOf(issue);
  return SENTENCES[problem](limit, options);
};

/**
 * Whether an issue's message is zod's own (which can quote a pattern), not one a schema of ours gave: zod's
 * English ones all start so.
 */
const isZodsMessage = (issue: Issue) => /^(Invalid|Too (small|big)|Unrecognized key)/.test(issue.message);

/**
 * zod's issues in our words, field by field. A schema's own message, which we wrote for people, is kept; so
 * is the code of a check of ours that carries one (`inputCode`).
 */
export function inputIssuesOf(issues: readonly Issue[]): InputIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const own = issue.code === "custom" ? (issue.params as { speCode?: SpeErrorCode } | undefined)?.speCode : undefined;
    const { problem, limit, options } = problemOf(issue);
    return {
      path,
      code: own ?? "INPUT_INVALID",
      problem,
      ...(limit === undefined ? {} : { limit }),
      ...(options === undefined ? {} : { options }),
      message: isZodsMessage(issue) ? SENTENCES[problem](limit, options) : issue.message,
    };
  });
}

/** The first issue as one sentence that names the field and says what to fix. */
export const inputSentence = (issue: InputIssue | undefined): string =>
  !issue
    ? "The input is not valid."
    : issue.code !== "INPUT_INVALID"
      ? issue.message
      : `${issue.path || "the input"}: ${issue.message}.`;
