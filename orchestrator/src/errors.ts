/**
 * Every stable code that tests, the CLI and the UI match on: one registry. The type derives from it, and the
 * UI's test finds words for each in every language, so a new code is one line here plus its words.
 */
export const SPE_ERROR_CODES = [
  "CONFIG_INVALID",
  "DATABASE_UNAVAILABLE",
  "KUBERNETES_UNAVAILABLE",
  "LOCAL_NODE_FAILED",
  "PORT_IN_USE",
  "AUTH_LOGIN_FAILED",
  "AUTH_UNAUTHENTICATED",
  "AUTH_FORBIDDEN",
  "REFUSALS_RATE_LIMITED",
  "ENVIRONMENT_NOT_FOUND",
  "ENVIRONMENT_STATE_CONFLICT",
  "ENVIRONMENT_CONFIRMATION_MISMATCH",
  "ENVIRONMENT_REASON_MISSING",
  "ENVIRONMENT_REASON_TOO_LONG",
  "ENVIRONMENT_HOME_IN_USE",
  "ENVIRONMENT_PERSON_NOT_FOUND",
  "BUDGET_SET_BY_PERMIT",
  "BUDGET_WITHOUT_PRICES",
  "WORKSPACE_NOT_FOUND",
  "WORKSPACE_TOOL_NOT_OFFERED",
  "WORKSPACE_SUSPENDED",
  "WORKSPACE_ENDED",
  "WORKSPACE_NOT_YET_VALID",
  "TRUSTED_ISSUERS_INVALID",
  "PERMIT_MALFORMED",
  "PERMIT_ALGORITHM_REFUSED",
  "PERMIT_ISSUER_UNKNOWN",
  "PERMIT_KEY_UNKNOWN",
  "PERMIT_SIGNATURE_INVALID",
  "PERMIT_SCHEMA_INVALID",
  "PERMIT_EXPIRED",
  "PERMIT_NOT_YET_VALID",
  "PERMIT_CONFLICT",
  "PERMIT_STALE",
  "PERMIT_ISSUER_MISMATCH",
  "PERMIT_TORN_DOWN",
  "PERMIT_NOT_FOUND",
  "PERMIT_SIGNING_KEY_INVALID",
  "EXPORT_REQUEST_NOT_FOUND",
  "EXPORT_REQUEST_STATE_CONFLICT",
  "EXPORT_FILE_REFUSED",
  "EXPORT_VOTE_REFUSED",
  "EXPORT_PERMIT_ENDED",
  "EXPORT_REQUESTER_REMOVED",
  "OUTBOX_UNAVAILABLE",
  "SDC_PROFILE_NOT_FOUND",
  "SDC_PROFILE_INVALID",
  "OUTPUT_FILE_UNREADABLE",
  "OUTBOX_PATH_INVALID",
  "OUTBOX_PATH_REFUSED",
  "OUTBOX_FILE_NOT_FOUND",
  "AIRLOCK_AGENT_FAILED",
  "DESCRIPTOR_INVALID",
  "DATASET_NOT_FOUND",
  "DATASET_NOT_IN_PERMIT",
  "DELIVERY_NOT_FOUND",
  "DELIVERY_STATE_CONFLICT",
  "DATASET_SCHEMA_MISMATCH",
  "DELIVERY_INVALID",
  "DELIVERY_TOO_LARGE",
  "DELIVERY_UNREADABLE",
  "DELIVERY_OUTPUT_EXISTS",
  "PSEUDONYM_KEY_INVALID",
  "PACKAGE_ALLOWLIST_INVALID",
  "AUDIT_EVENT_NOT_FOUND",
  "AUDIT_EXPORT_INVALID",
  "INPUT_INVALID",
  "TEXT_CONTROL_CHARACTERS",
  "UNEXPECTED",
] as const;

export type SpeErrorCode = (typeof SPE_ERROR_CODES)[number];

/**
 * What a code's words need to be said in any language (`{ id }`, `{ permitId }`, `{ field }`): sent with the
 * error, so that clients word it themselves rather than show our English sentence.
 */
export type ErrorValues = Readonly<Record<string, string | number>>;

/** The values of an input check's answer: the field, its problem, and the bound it broke if it has one. */
const INPUT_VALUES = ["field", "problem", "limit"] as const;

/**
 * The values each code is sent with, by name: the only ones its words may use (the UI's test holds them to
 * this). A code not listed is sent with none, so its words must read whole without any.
 */
export const ERROR_VALUES: Partial<Record<SpeErrorCode, readonly string[]>> = {
  AUTH_FORBIDDEN: ["role"],
  TEXT_CONTROL_CHARACTERS: ["field"],
  INPUT_INVALID: INPUT_VALUES,
  ENVIRONMENT_REASON_MISSING: INPUT_VALUES,
  ENVIRONMENT_REASON_TOO_LONG: INPUT_VALUES,
  PACKAGE_ALLOWLIST_INVALID: INPUT_VALUES,
};

export class SpeError extends Error {
  readonly values?: ErrorValues;
  constructor(
    readonly code: SpeErrorCode,
    message: string,
    options?: { cause?: unknown; values?: ErrorValues },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.values = options?.values;
  }
}
