import type { FastifyInstance } from "fastify";
import type { EnvironmentQueue } from "../../api/context";
import { recordAuditEvent } from "../../audit/append-audit-event";
import { PERMITS_SCOPE, type MachineTokenVerifier } from "../../auth/machine-tokens";
import type { Db } from "../../db/database";
import { SpeError } from "../../errors";
import { permitStatusOf } from "../../integrator/permit-status";
import { importPermit } from "../../permits/import-permit";
import type { PermitIntake } from "../../permits/permit-intake";
import { getPermit } from "../../permits/permit-queries";
import { MAX_PERMIT_JWS_LENGTH, verifyPermit } from "../../permits/verify-permit";
import type { RefusalBudget } from "../../staging/refusal-budget";
import { tooManyRefusals } from "../stranger-refusals";
import { getPermitStatusOperation as getStatus, importPermitOperation as importOp } from "./operations";
import { onlyMediaTypes } from "./request-guards";
import {
  answer,
  fastifyPath,
  idempotencyKeyOf,
  idempotently,
  operationName,
  parsePart,
  sendAnswer,
  sha256Hex,
} from "./request-parts";

export interface PermitRoutesOptions {
  db: Db;
  permitIntake: PermitIntake;
  environments: EnvironmentQueue;
  verifyToken: MachineTokenVerifier;
  /** The refusal budget strangers share (stranger-refusals.ts); without it every refusal is audited. */
  strangers?: RefusalBudget;
}

/**
 * `/api/v1/permits`: the HDAB's system pushes signed permits (the signature is the credential) and reads
 * its permits' environment status with a client-credentials token of scope `permits`.
 */
export function registerPermitRoutes(api: FastifyInstance, options: PermitRoutesOptions): void {
  const { db, permitIntake, environments } = options;
  // Room for the largest permit we accept; a larger body is refused before it is read into memory.
  api.addContentTypeParser(
    "application/jose",
    { parseAs: "string", bodyLimit: MAX_PERMIT_JWS_LENGTH + 1024 },
    (_req, body, done) => done(null, body),
  );

  // Another media type (JSON) is refused before its parser reads it: the signature, the only credential here, is in the body.
  api.post(
    fastifyPath(importOp.path),
    { onRequest: onlyMediaTypes(["application/jose"], "the signed permit (compact JWS) as the body") },
    async (req, reply) => {
      const jws = parsePart(importOp.body.schema, req.body, "body").trim();
      const key = idempotencyKeyOf(req);
      const sender = { address: req.ip };
      const importIt = async () => {
        const result = await importPermit(
          db,
          jws,
          {
            trustedIssuers: permitIntake.trustedIssuers,
            now: permitIntake.now(),
            offeredTools: permitIntake.offeredTools,
          },
          sender,
        );
        if (result.outcome !== "unchanged") environments.enqueue(result.namespace);
        return answer(importOp, result.outcome === "created" ? 201 : 200, result);
      };
      // The key belongs to the issuer the signature proves, never to the one a payload merely claims.
      const identify = async () => {
        const verified = await verifyPermit(jws, {
          trustedIssuers: permitIntake.trustedIssuers,
          now: permitIntake.now(),
        });
        return { clientId: verified.payload.issuer, operation: operationName(importOp), requestSha256: sha256Hex(jws) };
      };
      try {
        return sendAnswer(reply, await idempotently(db, key, identify, importIt));
      } catch (err) {
        // A refused permit is evidence too (a forged signature, a replayed old sequence), up to the budget
        // strangers share: anyone can post garbage here.
        if (err instanceof SpeError && err.code.startsWith("PERMIT_")) {
          const verdict = (await options.strangers?.admit(req, err.code, "permits")) ?? { audit: true };
          if (!verdict.audit) {
            void reply.header("retry-after", String(verdict.retryAfterSeconds));
            throw new SpeError("REFUSALS_RATE_LIMITED", tooManyRefusals(verdict), { cause: err });
          }
          await recordAuditEvent(db, {
            actor: { subject: "unauthenticated", role: "anonymous", address: req.ip },
            action: "permit.refused",
            target: "permit:unknown",
            details: { code: err.code, via: "api/v1" },
          });
        }
        throw err;
      }
    },
  );

  api.get(fastifyPath(getStatus.path), async (req, reply) => {
    const client = await options.verifyToken(req.headers.authorization, PERMITS_SCOPE);
    const { id } = parsePart(getStatus.params, req.params, "path");
    const permit = await getPermit(db, id);
    // Another body's permit answers as an unknown one: its existence is not this client's to learn.
    if (!permitIntake.trustedIssuers.get(permit.issuer)?.clients.includes(client.clientId)) {
      await recordAuditEvent(db, {
        actor: { subject: client.clientId, role: "hdab", address: req.ip },
        action: "access.refused",
        target: `permit:${permit.permitId}`,
        details: { reason: "another issuer's permit" },
      });
      throw new SpeError(
        "PERMIT_NOT_FOUND",
        `No permit ${id} has been imported. Check the id, or import the permit first.`,
      );
    }
    return sendAnswer(reply, answer(getStatus, 200, permitStatusOf(permit, permitIntake.now())));
  });
}
