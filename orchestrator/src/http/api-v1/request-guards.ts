import type { Readable } from "node:stream";
import type { FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import type { AuditActor } from "../../audit/audit-hash";
import { DELIVERY_SCOPE, type MachineTokenVerifier } from "../../auth/machine-tokens";
import { ApiRequestError } from "./api-errors";

// Checks that run in onRequest, before Fastify reads a byte of the body: a caller without a token, or with a
// body no parser of ours should read, is refused with the body unread (the connection is then closed).

const holders = new WeakMap<FastifyRequest, AuditActor>();

/** An onRequest hook: the access token must carry the delivery scope; its data holder is then `dataHolderOf(req)`. */
export function authenticateDataHolder(verifyToken: MachineTokenVerifier): onRequestAsyncHookHandler {
  return async (req) => {
    const client = await verifyToken(req.headers.authorization, DELIVERY_SCOPE);
    holders.set(req, { subject: client.clientId, role: "data-holder", address: req.ip });
  };
}

/** The data holder `authenticateDataHolder` let through. */
export function dataHolderOf(req: FastifyRequest): AuditActor {
  const actor = holders.get(req);
  if (!actor) throw new Error(`${req.routeOptions.url} answers data holders without authenticating them in onRequest`);
  return actor;
}

/** The media type of the body (`text/csv` of `text/CSV; charset=utf-8`), lower case; empty when none is named. */
const mediaTypeOf = (req: FastifyRequest) => (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();

/**
 * An onRequest hook for operations whose body is one of `mediaTypes`: anything else (JSON, a form) would go to
 * a parser that reads it whole, so it is refused before that, with MEDIA_TYPE_UNSUPPORTED.
 */
export function onlyMediaTypes(mediaTypes: readonly string[], what: string): onRequestAsyncHookHandler {
  return async (req) => {
    if (!mediaTypes.includes(mediaTypeOf(req)))
      throw new ApiRequestError("MEDIA_TYPE_UNSUPPORTED", `Send ${what} with Content-Type ${mediaTypes.join(" or ")}.`);
  };
}

export const isStream = (body: unknown): body is Readable => typeof (body as Readable | undefined)?.pipe === "function";
