import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { ZodError } from "zod";
import type { Role } from "../auth/roles";
import { SpeError, type SpeErrorCode } from "../errors";
import { PermitSchemaError } from "../permits/permit-issues";
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

const codeOfIssue = (issue: ZodError["issues"][number]): SpeErrorCode | undefined =>
  issue.code === "custom" ? (issue.params as { speCode?: SpeErrorCode } | undefined)?.speCode : undefined;
const codeOfInput = (error: ZodError) => error.issues.map(codeOfIssue).find((code) => code !== undefined);

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
    const cause = error.cause;
    // An unexpected failure (a database error, a bug) is logged in full by the server's onError; its text
    // could name tables, hosts or values, so the person is told only that it happened.
    const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof SpeError);
    return {
      ...shape,
      message: unexpected ? UNEXPECTED_MESSAGE : shape.message,
      data: {
        ...shape.data,
        /** Our stable error code, for clients to match on; an input's, when its schema gives one (inputCode). */
        speCode: cause instanceof SpeError ? cause.code : cause instanceof ZodError ? codeOfInput(cause) : undefined,
        /** Input problems field by field, for forms; a signed permit's bad fields too, for the upload page. */
        issues:
          cause instanceof ZodError
            ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: codeOfIssue(i) }))
            : cause instanceof PermitSchemaError
              ? cause.issues.map((i) => ({ path: i.path, message: i.message }))
              : undefined,
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
  WORKSPACE_NOT_FOUND: "NOT_FOUND",
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
};

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
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `TEXT_CONTROL_CHARACTERS: ${at ? `the field ${at}` : "the input"} holds a control character (such as NUL); remove it and send again.`,
    });
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(plainTextInput).use(domainErrors);

/** The signed-in person, who must hold `role` when one is named; refused as tRPC answers otherwise. */
function signedIn(ctx: Context, role?: Role) {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (role && !ctx.session.roles.includes(role))
    throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role.` });
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
