import type { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AuditActor } from "../audit/audit-hash";
import { DELIVERY_SCOPE } from "../auth/demo-accounts";
import type { MachineTokenVerifier } from "../auth/machine-tokens";
import type { Db } from "../db/database";
import { deliveries } from "../db/schema";
import { ExtractRejectedError } from "../datasets/extract-issues";
import { receiveDelivery, type DeliveryRow, type DeliveryServices } from "../deliveries/receive-delivery";
import { startDelivery, startDeliveryInput } from "../deliveries/start-delivery";
import { SpeError, type SpeErrorCode } from "../errors";

export interface DeliveryRoutesOptions {
  db: Db;
  deliveries: DeliveryServices;
  verifyToken: MachineTokenVerifier;
}

const STATUS: Partial<Record<SpeErrorCode, number>> = {
  AUTH_UNAUTHENTICATED: 401,
  AUTH_FORBIDDEN: 403,
  PERMIT_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  DATASET_NOT_IN_PERMIT: 422,
  DELIVERY_STATE_CONFLICT: 409,
  DELIVERY_TOO_LARGE: 413,
  DELIVERY_UNREADABLE: 422,
  DATASET_SCHEMA_MISMATCH: 422,
  DELIVERY_INVALID: 422,
};

/** A delivery as its data holder sees it: state, counts, hashes, findings; never a value from the extract. */
const describe = (d: DeliveryRow) => ({
  id: d.id,
  permitId: d.permitId,
  dataset: { id: d.datasetId, version: d.datasetVersion },
  state: d.state,
  bytes: d.bytes,
  uploadSha256: d.uploadSha256,
  rows: d.rows,
  report: d.report,
  manifestSha256: d.manifestSha256,
  error: d.error,
  createdAt: d.createdAt,
  finishedAt: d.finishedAt,
});

function sendError(reply: FastifyReply, err: unknown) {
  if (!(err instanceof SpeError) || !STATUS[err.code]) throw err;
  const body: Record<string, unknown> = { error: err.code, message: err.message };
  if (err instanceof ExtractRejectedError) body.report = err.report;
  if (err.code === "AUTH_UNAUTHENTICATED") void reply.header("www-authenticate", 'Bearer error="invalid_token"');
  return reply.code(STATUS[err.code]!).send(body);
}

const idParams = z.object({ id: z.uuid() });

/**
 * `/api/v1/deliveries`: data holders' systems deliver extracts with a client-credentials access token.
 * POST opens a delivery; PUT …/file streams the extract (never held in memory) and answers with the
 * outcome; GET tells the state again.
 */
export async function registerDeliveryRoutes(app: FastifyInstance, options: DeliveryRoutesOptions): Promise<void> {
  const holder = async (req: FastifyRequest): Promise<AuditActor> => {
    const client = await options.verifyToken(req.headers.authorization, DELIVERY_SCOPE);
    return { subject: client.clientId, role: "data-holder", address: req.ip };
  };

  await app.register(async (api) => {
    // Extracts stream straight to disk: no parser buffers them, and the size limit is ours, not Fastify's.
    api.addContentTypeParser(["text/csv", "application/octet-stream", "application/vnd.apache.parquet"], (_req, payload, done) => done(null, payload));

    api.post("/api/v1/deliveries", async (req, reply) => {
      try {
        const actor = await holder(req);
        const input = startDeliveryInput.safeParse(req.body);
        if (!input.success) return reply.code(400).send({ error: "REQUEST_INVALID", message: "Send { permitId, dataset: { id, version } }.", issues: input.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
        const { id } = await startDelivery(options.db, input.data, actor, options.deliveries.catalogue);
        return reply.code(201).send({ id, state: "receiving", upload: `/api/v1/deliveries/${id}/file` });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    api.put("/api/v1/deliveries/:id/file", { bodyLimit: Number.MAX_SAFE_INTEGER }, async (req, reply) => {
      try {
        const actor = await holder(req);
        const params = idParams.safeParse(req.params);
        if (!params.success) throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery.");
        if (!req.body) return reply.code(415).send({ error: "REQUEST_INVALID", message: "Send the extract as text/csv, application/vnd.apache.parquet or application/octet-stream." });
        const row = await receiveDelivery(options.db, options.deliveries, params.data.id, req.body as Readable, actor);
        return describe(row);
      } catch (err) {
        // Refused before the whole extract arrived (too large, not authorised): the rest of it is still on
        // this connection, so it must not carry another request. Close it after the answer.
        if (!req.raw.complete) void reply.header("connection", "close");
        return sendError(reply, err);
      }
    });

    api.get("/api/v1/deliveries/:id", async (req, reply) => {
      try {
        const actor = await holder(req);
        const params = idParams.safeParse(req.params);
        const [row] = params.success ? await options.db.select().from(deliveries).where(eq(deliveries.id, params.data.id)) : [];
        if (!row || row.deliveredBy !== actor.subject) throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery of yours.");
        return describe(row);
      } catch (err) {
        return sendError(reply, err);
      }
    });
  });
}
