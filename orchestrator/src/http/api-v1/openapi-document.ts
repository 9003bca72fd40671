import { z } from "zod";
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { DELIVERY_SCOPE, PERMITS_SCOPE } from "../../auth/machine-tokens";
import { API_ERRORS, type ApiErrorCode } from "../../integrator/error-codes";
import { IDEMPOTENCY_KEY_PATTERN } from "../../integrator/idempotency";
import { permitPayloadSchema } from "../../permits/permit";
import { apiErrorSchema } from "./error-body";
import { API_V1_OPERATIONS, type ApiOperation } from "./operations";

export interface OpenApiSettings {
  /** The orchestrator's public URL. */
  serverUrl: string;
  /** The identity provider's token endpoint, from its discovery document. */
  tokenUrl: string;
}

const SECURITY_SCHEME = "clientCredentials";

const idempotencyKey = () => {
  const key = z.string().regex(IDEMPOTENCY_KEY_PATTERN).meta({
    description: "A fresh random value (a UUID) per new request; the same value when retrying it. Kept 24 hours.",
    example: "6f1c2a9e-3b7d-4c55-9f0e-1d2a3b4c5d6e",
  });
  return z.object({ "idempotency-key": key.optional() });
};

/** The operation's error answers, one per status, each naming its codes and what they mean. */
function errorResponses(codes: readonly ApiErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes)
    byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, group] of byStatus)
    responses[`${status}` as `4${string}`] = {
      description: group.map((c) => `\`${c}\`: ${API_ERRORS[c].meaning}`).join("\n\n"),
      "x-error-codes": group,
      content: { "application/json": { schema: apiErrorSchema } },
    } as ZodOpenApiResponsesObject[`4${string}`];
  return responses;
}

function operationObject(op: ApiOperation): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, { description, schema }] of Object.entries(op.responses)) {
    const headers = op.idempotencyKey
      ? z.object({
          "idempotent-replayed": z.literal("true").optional().meta({
            description: "Present when this is the stored answer of an earlier request with the same Idempotency-Key.",
          }),
        })
      : undefined;
    responses[status as `2${string}`] = {
      description,
      content: { "application/json": { schema } },
      ...(headers ? { headers } : {}),
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tags: [op.tag],
    security: op.security.kind === "permit-signature" ? [] : [{ [SECURITY_SCHEME]: [op.security.scope] }],
    requestParams: {
      ...(op.params ? { path: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.idempotencyKey ? { header: idempotencyKey() } : {}),
    },
    ...(op.body
      ? {
          requestBody: {
            required: true,
            description: op.body.description,
            content: Object.fromEntries(op.body.mediaTypes.map((t) => [t, { schema: op.body!.schema }])),
          },
        }
      : {}),
    responses: { ...responses, ...errorResponses(op.errors) },
  };
}

const DESCRIPTION = `The API for the systems that connect to the secure processing environment: the health data access body's permit system and the data holders that deliver extracts.

- **Permits** are pushed as signed compact JWS; the signature is the credential. Status reads need an access token with scope \`${PERMITS_SCOPE}\`.
- **Deliveries** need an OAuth 2.0 client-credentials access token (a JWT for this API's audience) with scope \`${DELIVERY_SCOPE}\`.
- **Idempotency**: every POST takes an \`Idempotency-Key\` header; send one whenever you may retry (always, for \`POST /api/v1/deliveries\`: without it a retry opens a second delivery). The same key with the same body within 24 hours gets the stored answer (marked \`Idempotent-Replayed: true\`) and nothing happens twice; a request still running answers \`IDEMPOTENCY_IN_PROGRESS\`; the same key with another body or operation is \`IDEMPOTENCY_KEY_REUSED\`. Only successes are kept: after an error, fix the cause and retry with the same key.
- **Errors** have one body, \`ApiError\`: a stable \`error\` code and a \`message\` that says what to fix. The guides and the table of codes are at [/developers](/developers).`;

/** The OpenAPI 3.1 document of `/api/v1`, generated from the operations' own schemas. */
export function openApiDocument(settings: OpenApiSettings): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of API_V1_OPERATIONS) paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
  return createDocument({
    openapi: "3.1.0",
    info: { title: "SPE orchestrator integrator API", version: "1.0.0", description: DESCRIPTION },
    servers: [{ url: settings.serverUrl }],
    tags: [
      {
        name: "Permits",
        description: "For the health data access body: push signed permits, read their environments' status.",
      },
      { name: "Deliveries", description: "For data holders: check and deliver extracts of a permit's datasets." },
    ],
    paths,
    components: {
      schemas: {
        PermitPayload: permitPayloadSchema.meta({
          description: "The payload a permit's compact JWS signs. Unknown fields are refused.",
        }),
      },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: "oauth2",
          description: "Client credentials at the identity provider; ask for this API as the resource (audience).",
          flows: {
            clientCredentials: {
              tokenUrl: settings.tokenUrl,
              scopes: {
                [PERMITS_SCOPE]: "Read permits' environment status (the HDAB).",
                [DELIVERY_SCOPE]: "Check and deliver extracts (data holders).",
              },
            },
          },
        },
      },
    },
  });
}
