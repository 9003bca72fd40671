import canonicalize from "canonicalize";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { MachineTokenVerifier } from "../../auth/machine-tokens";
import type { Db } from "../../db/database";
import { deliveries } from "../../db/schema";
import { receiveDelivery, type DeliveryRow, type DeliveryServices } from "../../deliveries/receive-delivery";
import { startDelivery } from "../../deliveries/start-delivery";
import { SpeError } from "../../errors";
import { ApiRequestError } from "./api-errors";
import {
  EXTRACT_MEDIA_TYPES,
  getDeliveryOperation as getOp,
  startDeliveryOperation as startOp,
  uploadExtractOperation as uploadOp,
} from "./operations";
import { authenticateDataHolder, dataHolderOf, isStream, onlyMediaTypes } from "./request-guards";
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

/**
 * `/api/v1/deliveries`: data holders' systems deliver extracts with a client-credentials access token.
 * POST opens a delivery; PUT …/file streams the extract (never held in memory) and answers with the
 * outcome; GET tells the state again. The token is checked before the body is read.
 */
export function registerDeliveryRoutes(api: FastifyInstance, options: DeliveryRoutesOptions): void {
  const authenticate = authenticateDataHolder(options.verifyToken);
  api.post(fastifyPath(startOp.path), { onRequest: authenticate }, async (req, reply) => {
    const actor = dataHolderOf(req);
    const key = idempotencyKeyOf(req);
    const input = parsePart(startOp.body.schema, req.body, "body");
    const identify = () => ({
      clientId: actor.subject,
      operation: operationName(startOp),
      requestSha256: sha256Hex(canonicalize(input)!),
    });
    const result = await idempotently(options.db, key, identify, async () => {
      const { id } = await startDelivery(options.db, input, actor, options.deliveries.catalogue);
      return answer(startOp, 201, { id, state: "receiving", upload: `/api/v1/deliveries/${id}/file` });
    });
    return sendAnswer(reply, result);
  });

  // No bodyLimit of its own: the extract's parser streams (writeUpload holds the delivery's limit), and any
  // other type is refused before a parser could read it.
  api.put(
    fastifyPath(uploadOp.path),
    { onRequest: [authenticate, onlyMediaTypes(EXTRACT_MEDIA_TYPES, "the extract")] },
    async (req, reply) => {
      const actor = dataHolderOf(req);
      const params = uploadOp.params.safeParse(req.params);
      if (!params.success) throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery.");
      if (!isStream(req.body))
        throw new ApiRequestError("MEDIA_TYPE_UNSUPPORTED", `Send the extract as ${EXTRACT_MEDIA_TYPES.join(", ")}.`);
      const row = await receiveDelivery(options.db, options.deliveries, params.data.id, req.body, actor);
      return sendAnswer(reply, answer(uploadOp, 200, describe(row)));
    },
  );

  api.get(fastifyPath(getOp.path), { onRequest: authenticate }, async (req, reply) => {
    const actor = dataHolderOf(req);
    const params = getOp.params.safeParse(req.params);
    const [row] = params.success
      ? await options.db.select().from(deliveries).where(eq(deliveries.id, params.data.id))
      : [];
    if (!row || row.deliveredBy !== actor.subject)
      throw new SpeError("DELIVERY_NOT_FOUND", "There is no such delivery of yours.");
    return sendAnswer(reply, answer(getOp, 200, describe(row)));
  });
}
