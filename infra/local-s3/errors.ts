export type LocalS3ErrorCode = "S3_NO_TOOLCHAIN" | "S3_BUILD_FAILED" | "S3_START_FAILED";

/** A failure of the local S3-compatible server, with a stable code and a message that says what to do. */
export class LocalS3Error extends Error {
  constructor(
    readonly code: LocalS3ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
