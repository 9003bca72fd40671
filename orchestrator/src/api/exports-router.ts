import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AuditActor } from "../audit/audit-hash";
import type { PermitRow } from "../environments/environment-store";
import { decideWorkspaceAccess } from "../gateway/workspace-access";
import { SpeError } from "../errors";
import {
  createRequest,
  newRequestInput,
  outboxPath,
  reviseFile,
  withdrawRequest,
} from "../outputs/requests/author-actions";
import { loadRequestFor, requestsOf } from "../outputs/requests/export-request-store";
import { OUTPUT_FILE_TYPES } from "../outputs/requests/output-file-type";
import { researcherView } from "../outputs/requests/request-views";
import { precheckFile } from "../outputs/requests/precheck";
import { submitRequest } from "../outputs/requests/submit-request";
import type { Session } from "../auth/sessions";
import type { Services } from "./context";
import { researcherProcedure, router } from "./trpc";

const researcher = (session: Session, address: string): AuditActor => ({
  subject: session.subject,
  role: "researcher",
  address,
});
const idInput = z.object({ id: z.uuid() });
const namespace = newRequestInput.shape.namespace;

/**
 * Only the outbox of an environment the researcher may open right now; anything else looks like nothing
 * there. Gives the environment's permit.
 */
async function openOutbox(services: Services, ns: string, subject: string): Promise<PermitRow> {
  const access = await decideWorkspaceAccess(services.database.db, ns, subject, new Date());
  if (!access.allowed) throw new SpeError(access.code, access.message);
  return access.permit;
}

export const exportsRouter = router({
  /** Every request of the permits that name me. */
  list: researcherProcedure.query(({ ctx }) => requestsOf(ctx.services.database.db, ctx.session.subject)),
  get: researcherProcedure
    .input(idInput)
    .query(async ({ ctx, input }) =>
      researcherView(await loadRequestFor(ctx.services.database.db, input.id, ctx.session.subject)),
    ),
  /** What is in an environment's outbox now. */
  outbox: researcherProcedure.input(z.object({ namespace })).query(async ({ ctx, input }) => {
    await openOutbox(ctx.services, input.namespace, ctx.session.subject);
    return ctx.services.airlock.outbox.list(input.namespace);
  }),
  /** The automated checks on one outbox file, before anything is submitted; nothing is kept but the audit event. */
  precheck: researcherProcedure
    .input(z.object({ namespace, path: outboxPath, type: z.enum(OUTPUT_FILE_TYPES) }))
    .mutation(async ({ ctx, input }) => {
      const permit = await openOutbox(ctx.services, input.namespace, ctx.session.subject);
      const { airlock } = ctx.services;
      const { profile } = permit.payload.outputPolicy;
      const scratch = join(airlock.scratchDir, randomUUID());
      return precheckFile(
        ctx.services.database.db,
        airlock,
        { ...input, profile, scratch },
        researcher(ctx.session, ctx.address),
      );
    }),
  create: researcherProcedure
    .input(newRequestInput)
    .mutation(({ ctx, input }) =>
      createRequest(ctx.services.database.db, input, ctx.services.airlock, researcher(ctx.session, ctx.address)),
    ),
  submit: researcherProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      submitRequest(ctx.services.database.db, ctx.services.airlock, input.id, researcher(ctx.session, ctx.address)),
    ),
  revise: researcherProcedure
    .input(idInput.extend({ path: outboxPath }))
    .mutation(({ ctx, input }) =>
      reviseFile(ctx.services.database.db, input.id, input.path, researcher(ctx.session, ctx.address)),
    ),
  withdraw: researcherProcedure
    .input(idInput)
    .mutation(({ ctx, input }) =>
      withdrawRequest(ctx.services.database.db, input.id, researcher(ctx.session, ctx.address)),
    ),
});
