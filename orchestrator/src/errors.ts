/** Stable error codes that tests, the CLI and the UI match on. */
export type SpeErrorCode =
  | "CONFIG_INVALID"
  | "DATABASE_UNAVAILABLE"
  | "KUBERNETES_UNAVAILABLE"
  | "PORT_IN_USE"
  | "AUTH_LOGIN_FAILED"
  | "AUTH_UNAUTHENTICATED"
  | "AUTH_FORBIDDEN"
  | "ENVIRONMENT_NOT_FOUND"
  | "ENVIRONMENT_STATE_CONFLICT"
  | "TRUSTED_ISSUERS_INVALID"
  | "PERMIT_MALFORMED"
  | "PERMIT_ALGORITHM_REFUSED"
  | "PERMIT_ISSUER_UNKNOWN"
  | "PERMIT_KEY_UNKNOWN"
  | "PERMIT_SIGNATURE_INVALID"
  | "PERMIT_SCHEMA_INVALID"
  | "PERMIT_EXPIRED"
  | "PERMIT_NOT_YET_VALID"
  | "PERMIT_CONFLICT"
  | "PERMIT_STALE"
  | "PERMIT_ISSUER_MISMATCH"
  | "PERMIT_TORN_DOWN"
  | "PERMIT_NOT_FOUND"
  | "PERMIT_SIGNING_KEY_INVALID"
  | "EXPORT_REQUEST_NOT_FOUND"
  | "EXPORT_REQUEST_STATE_CONFLICT"
  | "EXPORT_FILE_REFUSED"
  | "EXPORT_VOTE_REFUSED"
  | "OUTBOX_UNAVAILABLE";

export class SpeError extends Error {
  constructor(
    readonly code: SpeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
