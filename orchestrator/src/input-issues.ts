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
  "listed-twice",
  "not-after-start",
  "too-long-after-start",
  "not-an-authorised-person",
  "control-character",
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
  /** What a check of ours says of the value, for its words (`{ line, entry }` of an allowlist line). */
  values?: Record<string, string | number>;
  message: string;
}

type Issue = z.core.$ZodIssue;
/** An issue as zod's error maps see it, before its message is set. */
type RawIssue = z.core.$ZodRawIssue;

type Problem = Pick<InputIssue, "problem" | "limit" | "options">;

const missingIn = (message: string) => / received undefined$/.test(message) || message === SENTENCES.required();

/** What is wrong with one field, as words a client can translate: the same for our API's input and a permit's. */
export function problemOf(issue: Issue | RawIssue): Problem {
  switch (issue.code) {
    case "invalid_type":
      // An issue as thrown no longer holds its input; its message still says what was received, in zod's
      // words or, once our error map has worded it, in ours.
      if ("input" in issue ? issue.input === undefined : missingIn(issue.message ?? "")) return { problem: "required" };
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
    case "custom": {
      // A check of ours names its problem in its params (`params: { problem: "listed-twice" }`).
      const named = (issue.params as { problem?: InputProblem } | undefined)?.problem;
      return { problem: named && INPUT_PROBLEMS.includes(named) ? named : "invalid" };
    }
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
  "listed-twice": () => "is listed twice",
  "not-after-start": () => "must be after the start",
  "too-long-after-start": () => "is too long after the start",
  "not-an-authorised-person": () => "must also be an authorised person",
  "control-character": () => "holds a control character (such as NUL)",
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

/** What a check of ours puts in its issue's params: its code, and the values its words need. */
type CustomParams = { speCode?: SpeErrorCode; values?: Record<string, string | number> };

/**
 * zod's issues in our words, field by field. A schema's own message, which we wrote for people, is kept; so
 * is the code of a check of ours that carries one (`inputCode`).
 */
export function inputIssuesOf(issues: readonly Issue[]): InputIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const params = issue.code === "custom" ? (issue.params as CustomParams | undefined) : undefined;
    const { problem, limit, options } = problemOf(issue);
    return {
      path,
      code: params?.speCode ?? "INPUT_INVALID",
      problem,
      ...(limit === undefined ? {} : { limit }),
      ...(options === undefined ? {} : { options }),
      ...(params?.values === undefined ? {} : { values: params.values }),
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
