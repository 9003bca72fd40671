import type { Readable } from "node:stream";
import canonicalize from "canonicalize";
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuditActor } from "../../audit/audit-hash";
import { DELIVERY_SCOPE } from "../../auth/demo-accounts";
import type { MachineTokenVerifier } from "../../auth/machine-tokens";
import type { Db } from "../../db/database";
import { deliveries } from "../../db/schema";
import { receiveDelivery, type DeliveryRow, type DeliveryServices } from "../../deliveries/receive-delivery";
import { startDelivery } from "../../deliveries/start-delivery";
import { SpeError } from "../../errors";
import { ApiRequestError } from "./api-errors";
import { EXTRACT_MEDIA_TYPES, getDeliveryOperation as getOp, startDeliveryOperation as startOp, uploadExtractOperation as uploadOp } from "./operations";
import { answer, fastifyPath, idempotencyKeyOf, idempotently, operationName, parsePart, sendAnswer, sha256Hex } from "./request-parts";

export interface DeliveryRoutesOptions {
  db: Db;
  deliveries: DeliveryServices;
  verifyToken: MachineTokenVerifier;
}

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
  createdAt: d.createdAt.toISOString(),
  finishedAt: d.finishedAt?.toISOString() ?? null,
});

export const isStream = (body: unknown): body is Readable => typeof (body as Readable | undefined)?.pipe === "function";

/** The data holder behind a request: its access token must carry the delivery scope. */
export async function dataHolder(req: FastifyRequest, verifyToken: MachineTokenVerifier): Promise<AuditActor> {
  const client = await verifyToken(req.headers.authorization, DELIVERY_SCOPE);
  return { subject: client.clientId, role: "data-holder", address: req.ip };
}

/**
 * `/api/v1/deliveries`: data holders' systems deliver extracts with a client-credentials access token.
 * POST opens a delivery; PUT …/file streams the extract (never held in memory) and answers with the
 * outcome; GET tells the state again.
 */
export function registerDeliveryRoutes(api: FastifyInstance, options: DeliveryRoutesOptions): void {
  api.post(fastifyPath(startOp.path), async (req, reply) => {
    const actor = await dataHolder(req, options.verifyToken);
    const key = idempotencyKeyOf(req);
    const input = parsePart(startOp.body.schema, req.body, "body");
    const identify = () => ({ clientId: actor.subject, operation: operationName(startOp), requestSha256: sha256Hex(canonicalize(input)!) });
    const result = await idempotently(options.db, key, identify, async () => {
      const { id } = await startDelivery(options.db, input, actor, options.deliveries.catalogue);
      return answer(startOp, 201, { id, state: "receiving", upload: `/api/v1/deliveries/${id}/file` });
    });
    return sendAnswer(reply, result);
  });

  api.put(fastifyPath(uploadOp.path), { bodyLimit: Number.MAX_SAFE_INTEGER }, async (req, reply) => {
    const actor = await dataHolder(req, options.verifyToken);
    const params = uploadOp.params.safeParse(req.params);
    if (!params.success) throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery.");
    // Only the extract types are left unparsed (a stream); JSON or a form would have been read already.
    if (!isStream(req.body)) throw new ApiRequestError("MEDIA_TYPE_UNSUPPORTED", `Send the extract as ${EXTRACT_MEDIA_TYPES.join(", ")}.`);
    const row = await receiveDelivery(options.db, options.deliveries, params.data.id, req.body, actor);
    return sendAnswer(reply, answer(uploadOp, 200, describe(row)));
  });

  api.get(fastifyPath(getOp.path), async (req, reply) => {
    const actor = await dataHolder(req, options.verifyToken);
    const params = getOp.params.safeParse(req.params);
    const [row] = params.success ? await options.db.select().from(deliveries).where(eq(deliveries.id, params.data.id)) : [];
    if (!row || row.deliveredBy !== actor.subject) throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery of yours.");
    return sendAnswer(reply, answer(getOp, 200, describe(row)));
  });
}
