import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Role } from "../config";
import { SpeError } from "../errors";
import { PermitSchemaError } from "../permits/permit-issues";
import type { Context } from "./context";

/** What a person is told of a failure that is not theirs to fix. */
export const UNEXPECTED_MESSAGE =
  "Something went wrong on our side. It has been logged; try again, and tell the operators if it keeps happening.";

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
        /** Our stable error code, for clients to match on. */
        speCode: cause instanceof SpeError ? cause.code : undefined,
        /** Input problems field by field, for forms; a signed permit's bad fields too, for the upload page. */
        issues:
          cause instanceof ZodError
            ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }))
            : cause instanceof PermitSchemaError
              ? cause.issues.map((i) => ({ path: i.path, message: i.message }))
              : undefined,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** The signed-in person, who must hold `role` when one is named; refused as tRPC answers otherwise. */
function signedIn(ctx: Context, role?: Role) {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (role && !ctx.session.roles.includes(role))
    throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role.` });
  return ctx.session;
}

/** Any signed-in person; narrows ctx.session to defined. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => next({ ctx: { session: signedIn(ctx) } }));

// One middleware that checks both, not the signed-in check and then the role's: every call of the API runs it.
function roleProcedure(role: Role) {
  return t.procedure.use(({ ctx, next }) => next({ ctx: { session: signedIn(ctx, role) } }));
}

export const researcherProcedure = roleProcedure("researcher");
export const operatorProcedure = roleProcedure("operator");
export const checkerProcedure = roleProcedure("output-checker");
export const auditorProcedure = roleProcedure("auditor");
