import type { FastifyInstance, FastifyReply } from "fastify";
import type { Db } from "../db/database";
import {
  DEFAULT_REFUSAL_LIMITS,
  refusalBudget,
  type RefusalBudget,
  type RefusalLimits,
  type RefusalVerdict,
} from "../staging/refusal-budget";

/**
 * One refusal budget for every request anyone can send without credentials that the audit log records
 * when refused — a permit that does not verify, a sign-in callback without a login started here, a
 * WebSocket from another site's page — so that, all of them together, strangers cannot write the audit log
 * without bound: as /staging's, past 30 refusals a minute from one address or 300 from all, a refusal is
 * answered 429 without an event of its own, and one `access.refusals-suppressed` event a minute counts them.
 */
export async function strangerRefusalBudget(
  app: FastifyInstance,
  db: Db,
  limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS,
): Promise<RefusalBudget> {
  let budget: RefusalBudget | undefined;
  await app.register(async (scope) => {
    budget = await refusalBudget(scope, db, limits, scope.log, {
      action: "access.refusals-suppressed",
      target: "access:unauthenticated-refusals",
      what: "unauthenticated refusals",
    });
  });
  return budget!;
}

export type Suppressed = Extract<RefusalVerdict, { audit: false }>;

/** The 429's words: which limit was passed, and when to try again. */
export const tooManyRefusals = ({ limit, retryAfterSeconds }: Suppressed) =>
  `Too many refused requests ${limit === "address" ? "from this address" : "from all addresses together"}; try again in ${retryAfterSeconds} s.`;

/** Answers a refusal over the budget: 429 with Retry-After, in JSON. */
export const sendTooManyRefusals = (reply: FastifyReply, verdict: Suppressed) =>
  reply
    .code(429)
    .header("retry-after", String(verdict.retryAfterSeconds))
    .send({ error: "REFUSALS_RATE_LIMITED", message: tooManyRefusals(verdict) });
