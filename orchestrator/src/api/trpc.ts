import { initTRPC, TRPCError } from "@trpc/server";
import type { Role } from "../config";
import type { Context } from "./context";

const t = initTRPC.context<Context>().create();

export const router = t.router;
export const publicProcedure = t.procedure;

/** Any signed-in person; narrows ctx.session to defined. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

function roleProcedure(role: Role) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.session.roles.includes(role)) throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role.` });
    return next({ ctx });
  });
}

export const researcherProcedure = roleProcedure("researcher");
export const operatorProcedure = roleProcedure("operator");
export const checkerProcedure = roleProcedure("output-checker");
export const auditorProcedure = roleProcedure("auditor");
