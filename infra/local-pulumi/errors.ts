export type LocalPulumiErrorCode = "PULUMI_NO_TOOLCHAIN" | "PULUMI_VERSION_MISMATCH" | "PULUMI_BUILD_FAILED";

/** A failure to build or find the Pulumi engine, with a stable code and a message that says what to do. */
export class LocalPulumiError extends Error {
  constructor(
    readonly code: LocalPulumiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
