import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { ZodError } from "zod";
import type { Role } from "../auth/roles";
import { SpeError, type ErrorValues, type SpeErrorCode } from "../errors";
import { PermitSchemaError, type PermitIssue } from "../permits/permit-issues";
import { inputIssuesOf, inputSentence, type InputIssue } from "../input-issues";
import type { Context } from "./context";
import { controlCharacterAt } from "./plain-text";

/** What a person is told of a failure that is not theirs to fix. */
export const UNEXPECTED_MESSAGE =
  "Something went wrong on our side. It has been logged; try again, and tell the operators if it keeps happening.";

/**
 * A stable code for one input check, carried in its zod issue's params (`refine(…, inputCode(code, message))`),
 * so that clients match on the code rather than on the sentence.
 */
export const inputCode = (code: SpeErrorCode, error: string) => ({ error, params: { speCode: code } });

/**
 * What a failure tells the person, and nothing more: our code, the values its words need, the fields that are
 * wrong, and a sentence in English for clients without words of their own. A failure that is ours (a code
 * the API does not map, a bug, an outage) says only that it happened: its text can name hosts, files or
 * values, and stays in the server's log.
 */
function answerOf(error: TRPCError): {
  message: string;
  speCode: SpeErrorCode;
  values?: ErrorValues;
  issues?: unknown;
} {
  const cause = error.cause;
  if (cause instanceof ZodError) {
    const issues = inputIssuesOf(cause.issues);
    const first = issues.find((i) => i.code !== "INPUT_INVALID") ?? issues[0];
    const speCode = first?.code ?? "INPUT_INVALID";
    return {
      message: `${speCode}: ${inputSentence(first)}`,
      speCode,
      values: first
        ? { field: first.path, problem: first.problem, ...(first.limit === undefined ? {} : { limit: first.limit }) }
        : undefined,
      issues,
    };
  }
  if (cause instanceof SpeError && TRPC_CODES[cause.code]) {
    const issues = cause instanceof PermitSchemaError ? cause.issues : undefined;
    return { message: error.message, speCode: cause.code, values: cause.values, issues };
  }
  if (cause instanceof SpeError) return { message: `${cause.code}: ${UNEXPECTED_MESSAGE}`, speCode: cause.code };
  if (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR")
    return { message: "INPUT_INVALID: The request could not be read.", speCode: "INPUT_INVALID" };
  return { message: UNEXPECTED_MESSAGE, speCode: "UNEXPECTED" };
}

const t = initTRPC.context<Context>().create({
  // Stack traces would tell an attacker about our internals; they stay in the server's log.
  isDev: false,
  sse: {
    // A stream is authorised once, when it opens: ending it every few minutes makes the browser reconnect
    // with its cookie, so a signed-out or expired session stops receiving (it resumes by the last event id).
    maxDurationMs: 5 * 60_000,
    // Pings keep proxies from closing a quiet stream; a client that hears nothing reconnects.
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error }) {
    const { message, speCode, values, issues } = answerOf(error);
    return {
      ...shape,
      message,
      data: {
        ...shape.data,
        /** Our stable code, for clients to match on and to word in their language. */
        speCode,
        /** What the code's words need (`{ id }`, `{ field }`), never more than the person may know. */
        values,
        /** Input problems field by field, for forms; a signed permit's bad fields too, for the upload page. */
        issues: issues as InputIssue[] | PermitIssue[] | undefined,
      },
    };
  },
});

/**
 * Our domain errors as tRPC answers: the one place the API decides which failure is the caller's to fix and
 * how. A code not listed is a failure of ours: tRPC answers 500, and the error formatter keeps its message
 * and code (never a stack). Routers throw SpeError and never map it themselves.
 */
const TRPC_CODES: Partial<Record<SpeErrorCode, TRPC_ERROR_CODE_KEY>> = {
  AUTH_UNAUTHENTICATED: "UNAUTHORIZED",
  AUTH_FORBIDDEN: "FORBIDDEN",
  ENVIRONMENT_NOT_FOUND: "NOT_FOUND",
  AUDIT_EVENT_NOT_FOUND: "NOT_FOUND",
  ENVIRONMENT_STATE_CONFLICT: "CONFLICT",
  ENVIRONMENT_CONFIRMATION_MISMATCH: "BAD_REQUEST",
  ENVIRONMENT_HOME_IN_USE: "CONFLICT",
  ENVIRONMENT_PERSON_NOT_FOUND: "NOT_FOUND",
  BUDGET_SET_BY_PERMIT: "CONFLICT",
  BUDGET_WITHOUT_PRICES: "CONFLICT",
  WORKSPACE_NOT_FOUND: "NOT_FOUND",
  WORKSPACE_TOOL_NOT_OFFERED: "BAD_REQUEST",
  WORKSPACE_SUSPENDED: "CONFLICT",
  WORKSPACE_ENDED: "CONFLICT",
  WORKSPACE_NOT_YET_VALID: "CONFLICT",
  PERMIT_NOT_FOUND: "NOT_FOUND",
  // The permit is valid but does not fit what we hold.
  PERMIT_CONFLICT: "CONFLICT",
  PERMIT_STALE: "CONFLICT",
  PERMIT_ISSUER_MISMATCH: "CONFLICT",
  PERMIT_TORN_DOWN: "CONFLICT",
  // The permit itself is wrong: its sender must fix it.
  PERMIT_MALFORMED: "BAD_REQUEST",
  PERMIT_ALGORITHM_REFUSED: "BAD_REQUEST",
  PERMIT_ISSUER_UNKNOWN: "BAD_REQUEST",
  PERMIT_KEY_UNKNOWN: "BAD_REQUEST",
  PERMIT_SIGNATURE_INVALID: "BAD_REQUEST",
  PERMIT_SCHEMA_INVALID: "BAD_REQUEST",
  PERMIT_EXPIRED: "BAD_REQUEST",
  PERMIT_NOT_YET_VALID: "BAD_REQUEST",
  PERMIT_SIGNING_KEY_INVALID: "BAD_REQUEST",
  EXPORT_REQUEST_NOT_FOUND: "NOT_FOUND",
  EXPORT_REQUEST_STATE_CONFLICT: "CONFLICT",
  EXPORT_FILE_REFUSED: "BAD_REQUEST",
  EXPORT_VOTE_REFUSED: "FORBIDDEN",
  EXPORT_PERMIT_ENDED: "CONFLICT",
  EXPORT_REQUESTER_REMOVED: "CONFLICT",
  OUTBOX_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  TEXT_CONTROL_CHARACTERS: "BAD_REQUEST",
};

/** A refusal before any handler ran, as the domain errors' middleware would have made it. */
const refusal = (code: TRPC_ERROR_CODE_KEY, cause: SpeError) =>
  new TRPCError({ code, message: `${cause.code}: ${cause.message}`, cause });

/** SpeError → TRPCError by TRPC_CODES; the message starts with the stable code (`PERMIT_EXPIRED: …`) for clients to match on. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? undefined : result.error.cause;
  const code = cause instanceof SpeError ? TRPC_CODES[cause.code] : undefined;
  if (cause instanceof SpeError && code)
    throw new TRPCError({ code, message: `${cause.code}: ${cause.message}`, cause });
  return result;
});

/** Input with a control character in its text is refused as the caller's mistake (400), before any handler. */
const plainTextInput = t.middleware(async ({ getRawInput, next }) => {
  const at = controlCharacterAt(await getRawInput());
  if (at !== undefined)
    throw refusal(
      "BAD_REQUEST",
      new SpeError(
        "TEXT_CONTROL_CHARACTERS",
        `${at ? `the field ${at}` : "the input"} holds a control character (such as NUL); remove it and send again.`,
        { values: { field: at } },
      ),
    );
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(plainTextInput).use(domainErrors);

/** The signed-in person, who must hold `role` when one is named; refused as tRPC answers otherwise. */
function signedIn(ctx: Context, role?: Role) {
  if (!ctx.session) throw refusal("UNAUTHORIZED", new SpeError("AUTH_UNAUTHENTICATED", "Sign in first."));
  if (role && !ctx.session.roles.includes(role))
    throw refusal("FORBIDDEN", new SpeError("AUTH_FORBIDDEN", `This needs the ${role} role.`, { values: { role } }));
  return ctx.session;
}

/** Any signed-in person; narrows ctx.session to defined. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => next({ ctx: { session: signedIn(ctx) } }));

/**
 * The base procedure of one role of the registry (auth/roles.ts). One middleware checks both, not the
 * signed-in check and then the role's: every call of the API runs it.
 */
export function roleProcedure(role: Role) {
  return publicProcedure.use(({ ctx, next }) => next({ ctx: { session: signedIn(ctx, role) } }));
}

export const researcherProcedure = roleProcedure("researcher");
export const operatorProcedure = roleProcedure("operator");
export const checkerProcedure = roleProcedure("output-checker");
export const auditorProcedure = roleProcedure("auditor");
