import { z } from "zod";
import { DELIVERY_SCOPE, PERMITS_SCOPE } from "../../auth/machine-tokens";
import type { ApiErrorCode } from "../../integrator/error-codes";
import {
  deliveryIdParamsSchema,
  deliverySchema,
  deliveryStartedSchema,
  extractReportSchema,
  startDeliveryBodySchema,
  validateQuerySchema,
} from "./delivery-schemas";
import { permitIdParamsSchema, permitImportedSchema, permitStatusSchema, signedPermitSchema } from "./permit-schemas";

/** How a caller proves who it is: the permit's own signature, or an access token with a scope. */
export type ApiSecurity = { kind: "permit-signature" } | { kind: "client-credentials"; scope: string };

/**
 * One operation of `/api/v1`: the handler registers it from here, the OpenAPI document is generated from
 * here, and the contract tests walk it. The schemas are the ones the handler parses with.
 */
export interface ApiOperation {
  method: "get" | "post" | "put";
  /** OpenAPI form: `/api/v1/permits/{id}`. */
  path: `/api/v1/${string}`;
  operationId: string;
  tag: "Permits" | "Deliveries";
  summary: string;
  description: string;
  security: ApiSecurity;
  /** POSTs: an `Idempotency-Key` header is taken (and honoured). */
  idempotencyKey?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { mediaTypes: readonly string[]; schema: z.ZodType; description: string };
  responses: Readonly<Record<number, { description: string; schema: z.ZodType }>>;
  errors: readonly ApiErrorCode[];
}

/** The media types an extract may come as; the body is streamed, never parsed. */
export const EXTRACT_MEDIA_TYPES = ["text/csv", "application/vnd.apache.parquet", "application/octet-stream"] as const;
const extractBody = z.string().meta({ format: "binary" });
const tokenErrors = ["AUTH_UNAUTHENTICATED", "AUTH_FORBIDDEN"] as const;
const keyErrors = ["IDEMPOTENCY_KEY_INVALID", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"] as const;

export const importPermitOperation = {
  method: "post",
  path: "/api/v1/permits",
  operationId: "importPermit",
  tag: "Permits",
  summary: "Push a granted, amended or revoked permit",
  description:
    "The body is the signed permit itself; its signature, checked against the trusted issuers, is the credential (no token). " +
    "A permit is identified by `permitId`; a change (amendment, extension, revocation) is the same permit with a higher `sequence`. " +
    'Revoke by pushing the permit with `status: "revoked"` and a higher sequence: the environment is torn down.',
  security: { kind: "permit-signature" },
  idempotencyKey: true,
  body: { mediaTypes: ["application/jose"], schema: signedPermitSchema, description: "The compact JWS." },
  responses: {
    201: { description: "The permit is new: its environment is being provisioned.", schema: permitImportedSchema },
    200: {
      description: "Identical re-import (`unchanged`), or an amendment or revocation (`amended`, `revoked`).",
      schema: permitImportedSchema,
    },
  },
  errors: [
    "REQUEST_INVALID",
    "MEDIA_TYPE_UNSUPPORTED",
    "REQUEST_TOO_LARGE",
    "PERMIT_MALFORMED",
    "PERMIT_ALGORITHM_REFUSED",
    "PERMIT_ISSUER_UNKNOWN",
    "PERMIT_KEY_UNKNOWN",
    "PERMIT_SIGNATURE_INVALID",
    "PERMIT_SCHEMA_INVALID",
    "PERMIT_EXPIRED",
    "REFUSALS_RATE_LIMITED",
    "PERMIT_NOT_YET_VALID",
    "PERMIT_CONFLICT",
    "PERMIT_STALE",
    "PERMIT_ISSUER_MISMATCH",
    "PERMIT_TORN_DOWN",
    ...keyErrors,
    "INTERNAL_ERROR",
  ],
} as const satisfies ApiOperation;

export const getPermitStatusOperation = {
  method: "get",
  path: "/api/v1/permits/{id}",
  operationId: "getPermitStatus",
  tag: "Permits",
  summary: "A permit's validity and its environment's status",
  description:
    "For the HDAB's system: whether the permit is in force and how far its environment is, with each status condition in words.",
  security: { kind: "client-credentials", scope: PERMITS_SCOPE },
  params: permitIdParamsSchema,
  responses: { 200: { description: "The permit and its environment.", schema: permitStatusSchema } },
  errors: ["REQUEST_INVALID", ...tokenErrors, "PERMIT_NOT_FOUND", "INTERNAL_ERROR"],
} as const satisfies ApiOperation;

export const startDeliveryOperation = {
  method: "post",
  path: "/api/v1/deliveries",
  operationId: "startDelivery",
  tag: "Deliveries",
  summary: "Open a delivery of one dataset for one permit",
  description:
    "The permit must be granted and name the dataset, and the catalogue must list your client as a holder of it. Then PUT the extract to `upload`.",
  security: { kind: "client-credentials", scope: DELIVERY_SCOPE },
  idempotencyKey: true,
  body: { mediaTypes: ["application/json"], schema: startDeliveryBodySchema, description: "Which permit and dataset." },
  responses: { 201: { description: "The delivery is open and waits for its extract.", schema: deliveryStartedSchema } },
  errors: [
    "REQUEST_INVALID",
    "MEDIA_TYPE_UNSUPPORTED",
    ...keyErrors,
    ...tokenErrors,
    "PERMIT_NOT_FOUND",
    "DATASET_NOT_FOUND",
    "DATASET_NOT_IN_PERMIT",
    "INTERNAL_ERROR",
  ],
} as const satisfies ApiOperation;

export const uploadExtractOperation = {
  method: "put",
  path: "/api/v1/deliveries/{id}/file",
  operationId: "uploadExtract",
  tag: "Deliveries",
  summary: "Stream the extract of an open delivery",
  description:
    "The extract is streamed to disk (never held in memory), validated against the dataset's descriptor, pseudonymised and staged; the answer is the outcome. " +
    "The raw upload is deleted either way. A delivery takes one extract: a second PUT, also one while the first is still being received, is DELIVERY_STATE_CONFLICT. " +
    "Once the permit is revoked or ended, or its environment torn down, the extract is refused with PERMIT_TORN_DOWN and nothing of it is kept.",
  security: { kind: "client-credentials", scope: DELIVERY_SCOPE },
  params: deliveryIdParamsSchema,
  body: {
    mediaTypes: EXTRACT_MEDIA_TYPES,
    schema: extractBody,
    description: "CSV in the descriptor's delimiter and encoding, or Parquet.",
  },
  responses: {
    200: {
      description: "Staged: pseudonymised, with the hashes of what came in and what was staged.",
      schema: deliverySchema,
    },
  },
  errors: [
    "MEDIA_TYPE_UNSUPPORTED",
    ...tokenErrors,
    "DELIVERY_NOT_FOUND",
    "DELIVERY_STATE_CONFLICT",
    "PERMIT_TORN_DOWN",
    "DELIVERY_TOO_LARGE",
    "DELIVERY_UNREADABLE",
    "DATASET_SCHEMA_MISMATCH",
    "DELIVERY_INVALID",
    "INTERNAL_ERROR",
  ],
} as const satisfies ApiOperation;

export const getDeliveryOperation = {
  method: "get",
  path: "/api/v1/deliveries/{id}",
  operationId: "getDelivery",
  tag: "Deliveries",
  summary: "A delivery's state and outcome",
  description: "The same answer the upload gave, again: for a client whose connection broke during the upload.",
  security: { kind: "client-credentials", scope: DELIVERY_SCOPE },
  params: deliveryIdParamsSchema,
  responses: { 200: { description: "The delivery.", schema: deliverySchema } },
  errors: [...tokenErrors, "DELIVERY_NOT_FOUND", "INTERNAL_ERROR"],
} as const satisfies ApiOperation;

export const validateExtractOperation = {
  method: "post",
  path: "/api/v1/deliveries/validate",
  operationId: "validateExtract",
  tag: "Deliveries",
  summary: "Check an extract against a dataset descriptor, storing nothing",
  description:
    "A dry run before delivering: the same checks and row-numbered findings as a delivery, for any dataset of the catalogue. Nothing is kept; the upload is deleted after the check.",
  security: { kind: "client-credentials", scope: DELIVERY_SCOPE },
  idempotencyKey: true,
  query: validateQuerySchema,
  body: {
    mediaTypes: EXTRACT_MEDIA_TYPES,
    schema: extractBody,
    description: "CSV in the descriptor's delimiter and encoding, or Parquet.",
  },
  responses: {
    200: {
      description: "The check ran: `valid` says whether the extract would be accepted, `issues` lists every finding.",
      schema: extractReportSchema,
    },
  },
  errors: [
    "REQUEST_INVALID",
    "MEDIA_TYPE_UNSUPPORTED",
    ...keyErrors,
    ...tokenErrors,
    "DATASET_NOT_FOUND",
    "DELIVERY_TOO_LARGE",
    "DELIVERY_UNREADABLE",
    "INTERNAL_ERROR",
  ],
} as const satisfies ApiOperation;

/** Every operation of `/api/v1`, in the order the document lists them. */
export const API_V1_OPERATIONS: readonly ApiOperation[] = [
  importPermitOperation,
  getPermitStatusOperation,
  startDeliveryOperation,
  validateExtractOperation,
  uploadExtractOperation,
  getDeliveryOperation,
];
