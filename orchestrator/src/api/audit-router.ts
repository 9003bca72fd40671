import { z } from "zod";
import { searchAuditEvents } from "../audit/search-audit-events";
import { verifyAuditChain } from "../audit/verify-audit-chain";
import { auditorProcedure, router } from "./trpc";

const searchInput = z
  .strictObject({
    target: z.string().min(1).max(300).optional(),
    actor: z.string().min(1).max(255).optional(),
    action: z.string().min(1).max(100).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    before: z.int().positive().optional(),
    limit: z.int().min(1).max(500).default(100),
  })
  .prefault({});

export const auditRouter = router({
  /** Events by target, actor, action and time, newest first, a page at a time. */
  events: auditorProcedure.input(searchInput).query(({ ctx, input }) =>
    searchAuditEvents(ctx.services.database.db, {
      ...input,
      from: input.from ? new Date(input.from) : undefined,
      to: input.to ? new Date(input.to) : undefined,
    }),
  ),
  /** Whether the hash chain is intact, and where it first breaks if not. */
  verify: auditorProcedure.query(({ ctx }) => verifyAuditChain(ctx.services.database.db)),
});
