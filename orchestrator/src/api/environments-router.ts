import { untilSessionEnds } from "./session-bound";
import { tracked } from "@trpc/server";
import { complianceEvidence } from "../audit/compliance-evidence";
import { z } from "zod";
import { changeDesiredStates, type LifecycleAction } from "../environments/lifecycle";
import { deleteDepartedHome } from "../environments/departed-homes";
import { environmentChanges } from "../environments/environment-events";
import { environmentDetail } from "../environments/environment-detail";
import { environmentsOf, getEnvironment, listEnvironments } from "../environments/environment-queries";
import { environmentTable } from "../environments/environment-table";
import { SpeError } from "../errors";
import type { Session } from "../auth/sessions";
import type { Services } from "./context";
import { environmentEventId, instantOfEventId } from "./environment-event-id";
import {
  bulkInput,
  deleteHomeInput,
  namespaceInput,
  operatorReason,
  resumeInput,
  stopWorkspaceInput,
  suspendInput,
  tableInput,
  teardownInput,
} from "./environment-inputs";
import { myEnvironmentUpdates } from "./my-environment-updates";
import { myWorkspace, pickWorkspaceTool, personWorkspaces, stopPersonWorkspace } from "./person-workspaces";
import { SERVED_TOOL_NAMES } from "../tools/tool-registry";
import { operatorProcedure, researcherProcedure, router } from "./trpc";

async function changeState(
  ctx: { services: Services; session: Session; address: string },
  namespaces: string[],
  action: LifecycleAction,
  reason: string | undefined,
) {
  const operator = { subject: ctx.session.subject, role: "operator" as const, address: ctx.address };
  const changed = await changeDesiredStates(ctx.services.database.db, namespaces, action, new Date(), operator, reason);
  for (const { namespace } of changed) ctx.services.environments.enqueue(namespace);
  return changed;
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
  /** The operators' table: one page, filtered and sorted by the database, with the counts per state. */
  list: operatorProcedure
    .input(tableInput)
    .query(({ ctx, input }) => environmentTable(ctx.services.database.db, input)),
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
  /** One environment's page: its permit, persons, conditions over time, deliveries, requests and audit trail. */
  get: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const environment = await environmentDetail(ctx.services.database.db, input.namespace);
    if (!environment) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    return environment;
  }),
  /** Kubernetes' own account of the namespace (a refused pod, a failed mount); a torn-down one has none. */
  events: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const environment = await getEnvironment(ctx.services.database.db, input.namespace);
    if (!environment) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    if (environment.desiredState === "torn-down") return [];
    return ctx.services.kube.events(input.namespace).catch(() => []);
  }),
  /** Its compliance evidence, as auditors get it: the operators answer for the environment too. */
  evidence: operatorProcedure.input(namespaceInput).query(async ({ ctx, input }) => {
    const { database, kube, environmentConfig, auditCheckpoints, activityCheckpoints, issuer } = ctx.services;
    const report = await complianceEvidence(database.db, kube, input.namespace, {
      config: environmentConfig,
      checkpoints: auditCheckpoints,
      activityCheckpoints,
      issuer,
    });
    if (!report) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    return report;
  }),
  /** Each person's workspace: its state, since when, why and when last used (from the cluster, live). */
  workspaces: operatorProcedure
    .input(namespaceInput)
    .query(({ ctx, input }) => personWorkspaces(ctx.services, input.namespace)),
  /** Stops one person's workspace with a reason; their home is kept and they can open it again. */
  stopWorkspace: operatorProcedure
    .input(stopWorkspaceInput)
    .mutation(({ ctx, input }) => stopPersonWorkspace(ctx, input)),
  suspend: operatorProcedure
    .input(suspendInput)
    .mutation(async ({ ctx, input }) => (await changeState(ctx, [input.namespace], "suspend", input.reason))[0]!),
  resume: operatorProcedure
    .input(resumeInput)
    .mutation(async ({ ctx, input }) => (await changeState(ctx, [input.namespace], "resume", input.reason))[0]!),
  /** Pauses every environment named, or none (ENVIRONMENT_STATE_CONFLICT names those that cannot be). */
  suspendMany: operatorProcedure
    .input(bulkInput.extend({ reason: operatorReason }))
    .mutation(({ ctx, input }) => changeState(ctx, input.namespaces, "suspend", input.reason)),
  resumeMany: operatorProcedure
    .input(bulkInput.extend({ reason: operatorReason.optional() }))
    .mutation(({ ctx, input }) => changeState(ctx, input.namespaces, "resume", input.reason)),
  teardown: operatorProcedure.input(teardownInput).mutation(async ({ ctx, input }) => {
    // Tearing down deletes a researcher's work: the operator types the namespace to confirm.
    if (input.confirm !== input.namespace)
      throw new SpeError(
        "ENVIRONMENT_CONFIRMATION_MISMATCH",
        "type the environment's namespace to confirm its teardown.",
      );
    return (await changeState(ctx, [input.namespace], "teardown", input.reason))[0]!;
  }),
  /** Deletes a departed person's home before teardown (the reconciler removes the claim); never a current one's. */
  deleteHome: operatorProcedure.input(deleteHomeInput).mutation(async ({ ctx, input }) => {
    const operator = { subject: ctx.session.subject, role: "operator" as const, address: ctx.address };
    const deleted = await deleteDepartedHome(ctx.services.database.db, input, operator, new Date());
    ctx.services.environments.enqueue(input.namespace);
    return deleted;
  }),
  /** A researcher picks the tool of their own workspace among the permit's (one at a time; the home is kept). */
  pickTool: researcherProcedure
    .input(z.object({ namespace: z.string().min(1).max(63), tool: z.enum(SERVED_TOOL_NAMES) }))
    .mutation(({ ctx, input }) => pickWorkspaceTool(ctx, input)),
  /** A researcher's own environments: only those whose permit names them. */
  mine: researcherProcedure.query(({ ctx }) => environmentsOf(ctx.services.database.db, ctx.session.subject)),
  /** The researcher's own workspace in one of their environments: stopped, starting, running, idle-stopped, failed. */
  myWorkspace: researcherProcedure
    .input(namespaceInput)
    .query(({ ctx, input }) => myWorkspace(ctx.services, input.namespace, ctx.session.subject)),
  /** Server-sent events: the researcher's list again whenever it changes. */
  mineUpdates: researcherProcedure.subscription(({ ctx, signal }) =>
    myEnvironmentUpdates(
      ctx.services.database.db,
      ctx.session.subject,
      untilSessionEnds(ctx.services.database.db, ctx.sessionHash, signal),
    ),
  ),
});
