import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Session } from "../auth/sessions";
import { castVote, voteInput } from "../outputs/requests/cast-vote";
import { claimRequest, claimsSeenBy, loadClaims, releaseClaim } from "../outputs/requests/claims";
import { myDecisions, myDecisionsInput } from "../outputs/requests/my-decisions";
import { loadRequest, loadRequestsUnderReview, permitPersons } from "../outputs/requests/export-request-store";
import { checkerView, reviewQueue } from "../outputs/requests/request-views";
import { loadSdcProfile } from "../outputs/sdc/profile";
import { SpeError } from "../errors";
import { checkerProcedure, router } from "./trpc";

const checker = (session: Session, address: string): AuditActor => ({
  subject: session.subject,
  role: "output-checker",
  address,
});

export const reviewsRouter = router({
  /** Requests awaiting my vote, oldest first, with how many checkers have taken each. */
  queue: checkerProcedure.query(async ({ ctx }) => {
    const { db } = ctx.services.database;
    const requests = await loadRequestsUnderReview(db);
    const claims = await loadClaims(
      db,
      requests.map((r) => r.request.id),
    );
    return reviewQueue(requests, ctx.session.subject, new Date(), claims);
  }),
  /** One request as a checker sees it; every look is an audit event. */
  get: checkerProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const { db } = ctx.services.database;
    const loaded = await loadRequest(db, input.id);
    if (loaded.request.state === "draft" || permitPersons(loaded.permit).includes(ctx.session.subject))
      throw new SpeError("EXPORT_REQUEST_NOT_FOUND", `There is no export request ${input.id} for you to review.`);
    await recordAuditEvent(db, {
      actor: checker(ctx.session, ctx.address),
      action: "export.viewed",
      target: `export:${input.id}`,
      details: { state: loaded.request.state },
    });
    // The profile's thresholds beside the files, so the checker judges by the rules the checks applied.
    return {
      ...checkerView(loaded, ctx.session.subject),
      rules: loadSdcProfile(loaded.request.profile),
      ...claimsSeenBy(await loadClaims(db, [input.id]), input.id, ctx.session.subject),
    };
  }),
  /** "I take it": colleagues see that one more checker is on it (not who). */
  claim: checkerProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => claimRequest(ctx.services.database.db, input.id, checker(ctx.session, ctx.address))),
  /** Hands a taken request back to the queue. */
  unclaim: checkerProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => releaseClaim(ctx.services.database.db, input.id, checker(ctx.session, ctx.address))),
  /** My own past votes, newest first, a page at a time. */
  history: checkerProcedure
    .input(myDecisionsInput)
    .query(({ ctx, input }) => myDecisions(ctx.services.database.db, ctx.session.subject, input.page)),
  vote: checkerProcedure
    .input(voteInput)
    .mutation(({ ctx, input }) =>
      castVote(ctx.services.database.db, ctx.services.airlock.signer, input, checker(ctx.session, ctx.address)),
    ),
});
