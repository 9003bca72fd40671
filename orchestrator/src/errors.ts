/** Stable error codes that tests, the CLI and the UI match on. */
export type SpeErrorCode =
  | "CONFIG_INVALID"
  | "DATABASE_UNAVAILABLE"
  | "KUBERNETES_UNAVAILABLE"
  | "PORT_IN_USE"
  | "AUTH_LOGIN_FAILED"
  | "AUTH_UNAUTHENTICATED"
  | "AUTH_FORBIDDEN";

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
