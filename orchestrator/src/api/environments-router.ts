import { untilSessionEnds } from "./session-bound";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { changeDesiredState, type LifecycleAction } from "../environments/lifecycle";
import { environmentChanges } from "../environments/environment-events";
import { environmentsOf, getEnvironment, listEnvironments } from "../environments/environment-queries";
import { SpeError } from "../errors";
import type { Session } from "../auth/sessions";
import type { Services } from "./context";
import { environmentEventId, instantOfEventId } from "./environment-event-id";
import { myEnvironmentUpdates } from "./my-environment-updates";
import { operatorProcedure, researcherProcedure, router } from "./trpc";

const namespaceInput = z.object({
  namespace: z.string().regex(/^spe-[a-z0-9-]{1,59}$/, "an environment namespace (spe-…)"),
});

async function changeState(
  ctx: { services: Services; session: Session; address: string },
  namespace: string,
  action: LifecycleAction,
) {
  const operator = { subject: ctx.session.subject, role: "operator" as const, address: ctx.address };
  const result = await changeDesiredState(ctx.services.database.db, namespace, action, new Date(), operator);
  ctx.services.environments.enqueue(namespace);
  return result;
}

type EnvironmentSummary = Awaited<ReturnType<typeof listEnvironments>>[number];

/**
 * Operators' live view: every environment whose row is written from now on, as the list shows it. With the
 * id of the last update it saw (the browser's EventSource sends it on reconnect), the stream first sends
 * every environment written since then.
 */
async function* environmentUpdates(
  db: Services["database"]["db"],
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
) {
  const changes = environmentChanges(db, signal);
  const since = instantOfEventId(lastEventId);
  const sent = new Map<string, string>();
  // The reconciler rewrites a row on every resync; an update that changes nothing operators see is not sent.
  const fresh = (e: EnvironmentSummary) => {
    const { updatedAt: _updatedAt, ...seen } = e;
    const key = JSON.stringify(seen);
    if (sent.get(e.namespace) === key) return false;
    sent.set(e.namespace, key);
    return true;
  };
  if (since)
    for (const e of await listEnvironments(db))
      if (e.updatedAt > since && fresh(e)) yield tracked(environmentEventId(e.updatedAt, e.namespace), e);
  for await (const { namespace } of changes) {
    const row = await getEnvironment(db, namespace);
    if (!row) continue;
    const { permit: _permit, ...environment } = row;
    if (fresh(environment)) yield tracked(environmentEventId(environment.updatedAt, namespace), environment);
  }
}

export const environmentsRouter = router({
  list: operatorProcedure.query(({ ctx }) => listEnvironments(ctx.services.database.db)),
  /** Server-sent events over HTTP: each environment as the list shows it, whenever its row changes. */
  updates: operatorProcedure
    .input(z.object({ lastEventId: z.string().max(200).nullish() }).optional())
    .subscription(({ ctx, input, signal }) =>
      environmentUpdates(
        ctx.services.database.db,
        input?.lastEventId,
        untilSessionEnds(ctx.services.database.db, ctx.sessionHash, signal),
      ),
    ),
  get: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const environment = await getEnvironment(ctx.services.database.db, input.namespace);
    if (!environment) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    // Kubernetes' own account (a refused pod, a failed mount) helps operators; a torn-down namespace has none.
    const events =
      environment.desiredState === "torn-down" ? [] : await ctx.services.kube.events(input.namespace).catch(() => []);
    return { ...environment, events };
  }),
  suspend: operatorProcedure
    .input(namespaceInput)
    .mutation(({ ctx, input }) => changeState(ctx, input.namespace, "suspend")),
  resume: operatorProcedure
    .input(namespaceInput)
    .mutation(({ ctx, input }) => changeState(ctx, input.namespace, "resume")),
  teardown: operatorProcedure.input(namespaceInput.extend({ confirm: z.string() })).mutation(({ ctx, input }) => {
    // Tearing down deletes a researcher's work: the operator types the namespace to confirm.
    if (input.confirm !== input.namespace)
      throw new SpeError(
        "ENVIRONMENT_CONFIRMATION_MISMATCH",
        "type the environment's namespace to confirm its teardown.",
      );
    return changeState(ctx, input.namespace, "teardown");
  }),
  /** A researcher's own environments: only those whose permit names them. */
  mine: researcherProcedure.query(({ ctx }) => environmentsOf(ctx.services.database.db, ctx.session.subject)),
  /** Server-sent events: the researcher's list again whenever it changes. */
  mineUpdates: researcherProcedure.subscription(({ ctx, signal }) =>
    myEnvironmentUpdates(
      ctx.services.database.db,
      ctx.session.subject,
      untilSessionEnds(ctx.services.database.db, ctx.sessionHash, signal),
    ),
  ),
});
