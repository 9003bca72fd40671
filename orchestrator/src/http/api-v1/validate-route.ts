import { rm } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { recordAuditEvent } from "../../audit/append-audit-event";
import type { MachineTokenVerifier } from "../../auth/machine-tokens";
import type { Db } from "../../db/database";
import { findDataset } from "../../datasets";
import type { DeliveryServices } from "../../deliveries/receive-delivery";
import { receiveUpload, validateUpload } from "../../integrator/dry-run-validation";
import { ApiRequestError } from "./api-errors";
import { authenticateDataHolder, dataHolderOf, isStream, onlyMediaTypes } from "./request-guards";
import { EXTRACT_MEDIA_TYPES, validateExtractOperation as op } from "./operations";
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

export interface ValidateRouteOptions {
  db: Db;
  deliveries: DeliveryServices;
  verifyToken: MachineTokenVerifier;
}

/**
 * `POST /api/v1/deliveries/validate?dataset=ID@VERSION`: a data holder checks an extract before delivering
 * it. Any holder with the delivery scope may check against any descriptor: descriptors are no secret, and
 * checking early is what we want people to do. The upload is deleted once checked.
 */
export function registerValidateRoute(api: FastifyInstance, options: ValidateRouteOptions): void {
  // The token and the media type are checked before the body is read; the extract streams to disk.
  const guards = [authenticateDataHolder(options.verifyToken), onlyMediaTypes(EXTRACT_MEDIA_TYPES, "the extract")];
  api.post(fastifyPath(op.path), { onRequest: guards }, async (req, reply) => {
    const actor = dataHolderOf(req);
    const key = idempotencyKeyOf(req);
    const [id, version] = parsePart(op.query, req.query, "query").dataset.split("@") as [string, string];
    const descriptor = findDataset(id, version, options.deliveries.catalogue);
    if (!isStream(req.body))
      throw new ApiRequestError("MEDIA_TYPE_UNSUPPORTED", `Send the extract as ${EXTRACT_MEDIA_TYPES.join(", ")}.`);
    const upload = await receiveUpload(req.body, options.deliveries.incomingDir, options.deliveries.maxBytes);
    try {
      const check = async () => {
        const report = await validateUpload(upload, descriptor, options.deliveries.maxBytes);
        // Who checked what, with the upload's hash and the findings' kinds: never a value of the extract.
        const details = {
          dataset: { id, version },
          upload: { bytes: upload.bytes, sha256: upload.sha256 },
          valid: report.valid,
          rows: report.rows,
          issues: report.issues.map((i) => ({ code: i.code, column: i.column, count: i.count })),
        };
        await recordAuditEvent(options.db, {
          actor,
          action: "delivery.validated",
          target: `dataset:${id}@${version}`,
          details,
        });
        return answer(op, 200, report);
      };
      // The same extract checked against another dataset is another request.
      const identify = () => ({
        clientId: actor.subject,
        operation: operationName(op),
        requestSha256: sha256Hex(`${id}@${version}\n${upload.sha256}`),
      });
      return sendAnswer(reply, await idempotently(options.db, key, identify, check));
    } finally {
      await rm(upload.path, { force: true });
    }
  });
}
