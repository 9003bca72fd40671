import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { changeDesiredState, type LifecycleAction } from "../environments/lifecycle";
import { environmentsOf, getEnvironment, listEnvironments } from "../environments/environment-queries";
import { SpeError } from "../errors";
import type { Session } from "../auth/sessions";
import type { Services } from "./context";
import { operatorProcedure, researcherProcedure, router } from "./trpc";

const namespaceInput = z.object({ namespace: z.string().regex(/^spe-[a-z0-9-]{1,59}$/, "an environment namespace (spe-…)") });

function toTrpcError(err: unknown): never {
  if (err instanceof SpeError) {
    const code = err.code === "ENVIRONMENT_NOT_FOUND" ? "NOT_FOUND" : "CONFLICT";
    throw new TRPCError({ code, message: `${err.code}: ${err.message}`, cause: err });
  }
  throw err;
}

async function changeState(ctx: { services: Services; session: Session; address: string }, namespace: string, action: LifecycleAction) {
  const operator = { subject: ctx.session.subject, role: "operator" as const, address: ctx.address };
  const result = await changeDesiredState(ctx.services.database.db, namespace, action, new Date(), operator).catch(toTrpcError);
  ctx.services.environments.enqueue(namespace);
  return result;
}

export const environmentsRouter = router({
  list: operatorProcedure.query(({ ctx }) => listEnvironments(ctx.services.database.db)),
  get: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const environment = await getEnvironment(ctx.services.database.db, input.namespace);
    if (!environment) throw new TRPCError({ code: "NOT_FOUND", message: `ENVIRONMENT_NOT_FOUND: there is no environment ${input.namespace}.` });
    // Kubernetes' own account (a refused pod, a failed mount) helps operators; a torn-down namespace has none.
    const events = environment.desiredState === "torn-down" ? [] : await ctx.services.kube.events(input.namespace).catch(() => []);
    return { ...environment, events };
  }),
  suspend: operatorProcedure.input(namespaceInput).mutation(({ ctx, input }) => changeState(ctx, input.namespace, "suspend")),
  resume: operatorProcedure.input(namespaceInput).mutation(({ ctx, input }) => changeState(ctx, input.namespace, "resume")),
  teardown: operatorProcedure.input(namespaceInput.extend({ confirm: z.string() })).mutation(({ ctx, input }) => {
    // Tearing down deletes a researcher's work: the operator types the namespace to confirm.
    if (input.confirm !== input.namespace)
      throw new TRPCError({ code: "BAD_REQUEST", message: "ENVIRONMENT_CONFIRMATION_MISMATCH: type the environment's namespace to confirm its teardown." });
    return changeState(ctx, input.namespace, "teardown");
  }),
  /** A researcher's own environments: only those whose permit names them. */
  mine: researcherProcedure.query(({ ctx }) => environmentsOf(ctx.services.database.db, ctx.session.subject)),
});
