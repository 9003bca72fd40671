import { z } from "zod";
import { readActivity } from "../activity/read-activity";
import { activityVerification } from "../activity/verify-activity-record";
import { complianceEvidence } from "../audit/compliance-evidence";
import { signEvidenceReport } from "../audit/evidence-signature";
import { auditEventPlace } from "../audit/audit-event-place";
import { auditFilterSchema, toAuditFilter } from "../audit/audit-filter-schema";
import { auditPage, searchAuditEvents } from "../audit/search-audit-events";
import { listEnvironments } from "../environments/environment-queries";
import { verifyAuditLog } from "../audit/verify-audit-log";
import { SpeError } from "../errors";
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

/** A page of the log: the filter, and where the page starts (before a sequence: older; after one: newer). */
const pageInput = auditFilterSchema
  .extend({
    before: z.int().positive().optional(),
    after: z.int().nonnegative().optional(),
    limit: z.int().min(1).max(200).default(50),
  })
  .prefault({});

const namespaceInput = z.string().regex(/^spe-[a-z0-9-]{1,59}$/, "an environment namespace (spe-…)");

const activityInput = z.strictObject({
  namespace: namespaceInput,
  subject: z.string().min(1).max(255).optional(),
  before: z
    .string()
    .regex(/^\d{1,15}\.\d{1,9}$/, "an entry's id (batch.position)")
    .optional(),
  limit: z.int().min(1).max(200).default(50),
});

export const auditRouter = router({
  /** Events by target, actor, action and time, newest first, a page at a time. */
  events: auditorProcedure.input(searchInput).query(({ ctx, input }) =>
    searchAuditEvents(ctx.services.database.db, {
      ...input,
      from: input.from ? new Date(input.from) : undefined,
      to: input.to ? new Date(input.to) : undefined,
    }),
  ),
  /** The log filtered, a page at a time by sequence, newest first, saying whether there are older and newer pages. */
  page: auditorProcedure.input(pageInput).query(({ ctx, input }) => {
    const { before, after, limit, ...filter } = input;
    return auditPage(ctx.services.database.db, { ...toAuditFilter(filter), before, after, limit });
  }),
  /** One event with its place in the chain: the hashes that link it to the events before and after it. */
  event: auditorProcedure.input(z.strictObject({ sequence: z.int().positive() })).query(async ({ ctx, input }) => {
    const place = await auditEventPlace(ctx.services.database.db, input.sequence, ctx.services.auditCheckpoints);
    if (!place) throw new SpeError("AUDIT_EVENT_NOT_FOUND", `there is no audit event ${input.sequence}.`);
    return place;
  }),
  /** Whether the hash chain is intact and holds the latest signed checkpoint, and where it first breaks if not. */
  verify: auditorProcedure.query(({ ctx }) => verifyAuditLog(ctx.services.database.db, ctx.services.auditCheckpoints)),
  /** The environments there is evidence about (auditors never see their data). */
  environments: auditorProcedure.query(async ({ ctx }) =>
    (await listEnvironments(ctx.services.database.db)).map((e) => ({
      namespace: e.namespace,
      permitId: e.permitId,
      desiredState: e.desiredState,
      createdAt: e.createdAt,
    })),
  ),
  /**
   * One environment's record of activities (code run, terminals, files), a person's or everyone's, newest
   * first, with each person's counts. Auditors only, and each read is an audit event: the code may hold
   * values from the data, so the record leaves through no export and no integrator API.
   */
  activity: auditorProcedure
    .input(activityInput)
    .query(({ ctx, input }) =>
      readActivity(
        ctx.services.database.db,
        { subject: ctx.session.subject, role: "auditor", address: ctx.address },
        input,
      ),
    ),
  /** Whether the record of activities' hash chain is intact, and where it first breaks if not. */
  activityVerify: auditorProcedure.query(({ ctx }) =>
    activityVerification(ctx.services.database.db, ctx.services.activityCheckpoints),
  ),
  /** The compliance evidence report of one environment, requirement by requirement. */
  evidence: auditorProcedure.input(z.object({ namespace: namespaceInput })).query(async ({ ctx, input }) => {
    const report = await complianceEvidence(ctx.services.database.db, ctx.services.kube, input.namespace, {
      config: ctx.services.environmentConfig,
      checkpoints: ctx.services.auditCheckpoints,
      activityCheckpoints: ctx.services.activityCheckpoints,
      issuer: ctx.services.issuer,
    });
    if (!report) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    return report;
  }),
  /**
   * The same report, made now and signed with the installation's key (a compact JWS, `typ`
   * spe-compliance-evidence+jws), for the supervisor to keep: checked against /.well-known/spe-signing-keys.json.
   */
  signedEvidence: auditorProcedure.input(z.object({ namespace: namespaceInput })).query(async ({ ctx, input }) => {
    const report = await complianceEvidence(ctx.services.database.db, ctx.services.kube, input.namespace, {
      config: ctx.services.environmentConfig,
      checkpoints: ctx.services.auditCheckpoints,
      activityCheckpoints: ctx.services.activityCheckpoints,
      issuer: ctx.services.issuer,
    });
    if (!report) throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace}.`);
    const key = ctx.services.airlock.signer;
    return { jws: await signEvidenceReport(report, key), kid: key.kid };
  }),
});
