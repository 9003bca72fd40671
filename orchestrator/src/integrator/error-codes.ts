import type { SpeErrorCode } from "../errors";

/** An error the integrator API answers with: its HTTP status, what it means and what the client should do. */
export interface ApiErrorEntry {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500;
  meaning: string;
  fix: string;
}

/**
 * Every error code of `/api/v1` with its status. The handlers map errors through this table, the OpenAPI
 * document lists each operation's codes from it, and the portal's error guide is rendered from it: one
 * table, so the three cannot disagree.
 */
export const API_ERRORS = {
  REQUEST_INVALID: {
    status: 400,
    meaning: "The body, a parameter or a header does not have the documented form; `issues` names each field.",
    fix: "Correct the named fields and send again.",
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    meaning: "The `Idempotency-Key` header is not 8 to 255 visible ASCII characters.",
    fix: "Use a UUID.",
  },
  AUTH_UNAUTHENTICATED: {
    status: 401,
    meaning: "No access token, or one that is expired, forged, or for another service.",
    fix: "Get a new token with the client-credentials grant at the token URL of the security scheme and send it as `Authorization: Bearer <token>`.",
  },
  AUTH_FORBIDDEN: {
    status: 403,
    meaning:
      "The token is valid but lacks the scope this call needs, or the catalogue does not list your client as a holder of the dataset.",
    fix: "Ask for the scope the operation names; ask the operators to list your client under the dataset's `deliveredBy`.",
  },
  PERMIT_NOT_FOUND: {
    status: 404,
    meaning: "No granted permit with that id is held (or it has no environment to deliver to).",
    fix: "Check the permit id; the HDAB must push the permit before data can be delivered for it.",
  },
  DELIVERY_NOT_FOUND: {
    status: 404,
    meaning: "No delivery with that id was started by your client.",
    fix: "Use the id from the answer to `POST /api/v1/deliveries`.",
  },
  DATASET_NOT_FOUND: {
    status: 404,
    meaning: "The catalogue has no dataset with that id and version.",
    fix: "Check `id@version` against the catalogue the operators publish.",
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    meaning: "A request with this `Idempotency-Key` is still being handled.",
    fix: "Wait a moment and retry with the same key; you will get its answer.",
  },
  PERMIT_CONFLICT: {
    status: 409,
    meaning: "A different permit with the same id and sequence is already held.",
    fix: "An amendment needs a higher `sequence`; sign the change with the next sequence.",
  },
  PERMIT_STALE: {
    status: 409,
    meaning: "The permit's sequence is lower than the one held; it was not applied.",
    fix: "Send the latest version of the permit, or a new one with a higher sequence.",
  },
  PERMIT_ISSUER_MISMATCH: {
    status: 409,
    meaning: "The permit id is held from another issuer.",
    fix: "Only the permit's own issuer can amend or revoke it; check the permit id.",
  },
  PERMIT_TORN_DOWN: {
    status: 409,
    meaning: "The permit was revoked or ended and its environment torn down.",
    fix: "Grant a new permit with a new `permitId`; a torn-down environment cannot come back.",
  },
  DELIVERY_STATE_CONFLICT: {
    status: 409,
    meaning: "The delivery has received its extract already.",
    fix: "Start a new delivery to send another extract.",
  },
  DELIVERY_TOO_LARGE: {
    status: 413,
    meaning: "The extract is larger than the most one delivery may carry.",
    fix: "Split the extract into deliveries that fit, or ask the operators about the limit.",
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    meaning: "The body is larger than this operation takes (a permit: 512 KiB).",
    fix: "Send the signed permit alone; a permit that large is not one we accept.",
  },
  MEDIA_TYPE_UNSUPPORTED: {
    status: 415,
    meaning: "The body's `Content-Type` is not one this operation takes.",
    fix: "Send the content type the operation documents (`application/jose` for a permit, `text/csv` or `application/vnd.apache.parquet` for an extract).",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    meaning: "This `Idempotency-Key` was used in the last 24 hours for another operation or another body.",
    fix: "Use a fresh key for a new operation; reuse a key only to retry exactly the same request.",
  },
  PERMIT_MALFORMED: {
    status: 422,
    meaning: "The body is not a compact JWS with a JSON header and payload, a `kid` and an issuer.",
    fix: "Send the signed permit itself (three base64url parts joined by dots), not its JSON payload.",
  },
  PERMIT_ALGORITHM_REFUSED: {
    status: 422,
    meaning: "The permit is signed with an algorithm other than EdDSA or ES256, or one that does not fit its key.",
    fix: "Sign with EdDSA (Ed25519) or ES256 (P-256), matching the key registered for you.",
  },
  PERMIT_ISSUER_UNKNOWN: {
    status: 422,
    meaning: "The permit's issuer is not among the trusted issuers.",
    fix: "Ask the operators to add your issuer and public keys to the trusted-issuers file.",
  },
  PERMIT_KEY_UNKNOWN: {
    status: 422,
    meaning: "The issuer has no trusted key with the permit's `kid`.",
    fix: "After a key rotation, have the new public key added to the trusted-issuers file first.",
  },
  PERMIT_SIGNATURE_INVALID: {
    status: 422,
    meaning: "The signature does not verify: the permit was changed after signing or signed with another key.",
    fix: "Sign the payload again with the key named by `kid` and send the result unchanged.",
  },
  PERMIT_SCHEMA_INVALID: {
    status: 422,
    meaning: "The payload does not fit the permit schema; `issues` names each field.",
    fix: "Correct the named fields, sign again and send.",
  },
  PERMIT_EXPIRED: {
    status: 422,
    meaning: "The permit's `validUntil` has passed.",
    fix: "Send a new or extended permit; a revocation of an ended permit is still accepted.",
  },
  PERMIT_NOT_YET_VALID: {
    status: 422,
    meaning: "The permit's `issuedAt` is more than five minutes in the future.",
    fix: "Check the issuing system's clock.",
  },
  DATASET_NOT_IN_PERMIT: {
    status: 422,
    meaning: "The permit does not grant that dataset version.",
    fix: "Deliver only the datasets the permit names.",
  },
  DATASET_SCHEMA_MISMATCH: {
    status: 422,
    meaning: "The extract's columns differ from the dataset descriptor's; `report.issues` lists them.",
    fix: "Export the columns the descriptor names, in any order, once each.",
  },
  DELIVERY_INVALID: {
    status: 422,
    meaning:
      "Rows or values of the extract are wrong; `report.issues` lists each problem with its first row numbers and count.",
    fix: "Correct the rows named (check locally with `POST /api/v1/deliveries/validate` or `spe delivery validate`) and deliver again.",
  },
  DELIVERY_UNREADABLE: {
    status: 422,
    meaning: "The extract cannot be read as CSV or Parquet at all.",
    fix: "Send a CSV in the descriptor's delimiter and encoding, or a Parquet file.",
  },
  REFUSALS_RATE_LIMITED: {
    status: 429,
    meaning:
      "Too many requests from your address (or from all addresses together) were refused within a minute: this one is refused without being looked at.",
    fix: "Fix what the earlier refusals said and retry after the `Retry-After` header's seconds; a valid permit is never counted.",
  },
  INTERNAL_ERROR: {
    status: 500,
    meaning: "Something failed on our side; nothing was kept for the request.",
    fix: "Retry later with the same `Idempotency-Key`; if it persists, tell the operators the time of the call.",
  },
} as const satisfies Record<string, ApiErrorEntry>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Codes of the domain (SpeError) that the API answers with as they are. */
export const isApiErrorCode = (code: SpeErrorCode | string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);
