import type { FastifyInstance } from "fastify";
import type { EnvironmentQueue } from "../../api/context";
import type { MachineTokenVerifier } from "../../auth/machine-tokens";
import type { Db } from "../../db/database";
import type { DeliveryServices } from "../../deliveries/receive-delivery";
import type { PermitIntake } from "../../permits/permit-intake";
import { errorBody, sendApiError } from "./api-errors";
import { registerDeliveryRoutes } from "./delivery-routes";
import { registerDeveloperPortal } from "./developer-portal";
import { openApiDocument } from "./openapi-document";
import { EXTRACT_MEDIA_TYPES } from "./operations";
import type { RefusalBudget } from "../../staging/refusal-budget";
import { registerPermitRoutes } from "./permit-routes";
import { registerValidateRoute } from "./validate-route";

export interface ApiV1Options {
  db: Db;
  deliveries: DeliveryServices;
  permitIntake: PermitIntake;
  environments: EnvironmentQueue;
  verifyToken: MachineTokenVerifier;
  publicUrl: string;
  /** The identity provider machine clients get tokens from; its discovery document names the token URL. */
  issuer: string;
  /** The refusal budget strangers share (stranger-refusals.ts); without it every refusal is audited. */
  strangers?: RefusalBudget;
}

/** The token endpoint from the provider's discovery document, fetched once, when the document is first asked for. */
function tokenUrlOf(issuer: string): () => Promise<string> {
  let known: Promise<string> | undefined;
  return () => {
    known ??= fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`)
      .then(async (res) => ((await res.json()) as { token_endpoint?: string }).token_endpoint ?? `${issuer}/token`)
      .catch((err: unknown) => {
        known = undefined;
        throw err;
      });
    return known;
  };
}

/**
 * The integrator API (`/api/v1`: permits, deliveries, the dry-run check, the OpenAPI document) and the
 * developer portal (`/developers`). Every refusal answers with the error table's status and code.
 */
export async function registerApiV1(app: FastifyInstance, options: ApiV1Options): Promise<void> {
  const tokenUrl = tokenUrlOf(options.issuer);
  let document: unknown;

  await app.register(async (api) => {
    // Extracts stream straight to disk: no parser buffers them, and the size limit is ours, not Fastify's.
    api.addContentTypeParser([...EXTRACT_MEDIA_TYPES], { bodyLimit: Number.MAX_SAFE_INTEGER }, (_req, payload, done) =>
      done(null, payload),
    );
    api.setErrorHandler((err, req, reply) => {
      // Refused before the whole body arrived (too large, not authorised): the rest of it is still on this
      // connection, so it must not carry another request. Close it after the answer.
      if (!req.raw.complete) void reply.header("connection", "close");
      const body = errorBody(err);
      if (body) return sendApiError(reply, body);
      req.log.error({ err, url: req.routeOptions.url }, "Failed integrator API request");
      return sendApiError(reply, {
        error: "INTERNAL_ERROR",
        message: "The request failed on our side and nothing was kept. Retry later with the same Idempotency-Key.",
      });
    });

    api.get("/api/v1/openapi.json", async (_req, reply) => {
      document ??= openApiDocument({ serverUrl: options.publicUrl, tokenUrl: await tokenUrl() });
      return reply.header("cache-control", "no-cache").send(document);
    });
    registerPermitRoutes(api, options);
    registerValidateRoute(api, options);
    registerDeliveryRoutes(api, options);
  });
  registerDeveloperPortal(app);
}
