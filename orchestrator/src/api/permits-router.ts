import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import { SpeError } from "../errors";
import { importPermit, type PermitSender } from "../permits/import-permit";
import { getPermit, listPermits } from "../permits/permit-queries";
import { previewPermit } from "../permits/preview-permit";
import { MAX_PERMIT_JWS_LENGTH } from "../permits/verify-permit";
import type { Services } from "./context";
import { operatorProcedure, router } from "./trpc";

const signedPermit = z.object({
  jws: z.string().trim().min(1, "is empty: send the compact JWS").max(MAX_PERMIT_JWS_LENGTH),
});

/** A refused permit is evidence too (a forged signature, a replayed old sequence): it goes into the audit log. */
async function recordRefusal(db: Services["database"]["db"], err: unknown, sender: PermitSender): Promise<never> {
  if (err instanceof SpeError && err.code.startsWith("PERMIT_")) {
    const actor = sender.operator ?? {
      subject: "unauthenticated",
      role: "anonymous" as const,
      address: sender.address ?? null,
    };
    await recordAuditEvent(db, {
      actor,
      action: "permit.refused",
      target: "permit:unknown",
      details: { code: err.code },
    });
  }
  throw err;
}

async function importSigned({ database, permitIntake, environments }: Services, jws: string, sender: PermitSender) {
  const { trustedIssuers, now, offeredTools } = permitIntake;
  const result = await importPermit(database.db, jws, { trustedIssuers, now: now(), offeredTools }, sender).catch(
    (err: unknown) => recordRefusal(database.db, err, sender),
  );
  if (result.outcome !== "unchanged") environments.enqueue(result.namespace);
  return result;
}

export const permitsRouter = router({
  // The HDAB's system pushes permits over HTTP (POST /api/v1/permits), not here: the UI's API takes
  // permits only from signed-in operators.
  /** An operator uploads a permit file the HDAB sent another way; the same checks apply. */
  upload: operatorProcedure.input(signedPermit).mutation(({ ctx, input }) =>
    importSigned(ctx.services, input.jws, {
      operator: { subject: ctx.session.subject, role: "operator", address: ctx.address },
    }),
  ),
  /**
   * The permit in words before it is accepted, checked as the upload checks it; nothing is kept, but a
   * refusal is recorded as the upload's is (a forged permit is evidence whichever button sent it).
   */
  preview: operatorProcedure.input(signedPermit).mutation(({ ctx, input }) => {
    const { database, permitIntake } = ctx.services;
    return previewPermit(database.db, input.jws, {
      trustedIssuers: permitIntake.trustedIssuers,
      now: permitIntake.now(),
      offeredTools: permitIntake.offeredTools,
    }).catch((err: unknown) =>
      recordRefusal(database.db, err, {
        operator: { subject: ctx.session.subject, role: "operator", address: ctx.address },
      }),
    );
  }),
  list: operatorProcedure.query(({ ctx }) => listPermits(ctx.services.database.db)),
  get: operatorProcedure
    .input(z.object({ permitId: z.string().min(1).max(128) }))
    .query(({ ctx, input }) => getPermit(ctx.services.database.db, input.permitId)),
});
