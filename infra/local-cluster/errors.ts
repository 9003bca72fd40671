export type LocalClusterErrorCode =
  | "CLUSTER_NO_TOOLCHAIN"
  | "CLUSTER_BINARIES_MISSING"
  | "CLUSTER_BUILD_FAILED"
  | "CLUSTER_PORT_IN_USE"
  | "CLUSTER_START_FAILED";

/** A failure of the local control plane, with a stable code and a message that says what to do. */
export class LocalClusterError extends Error {
  constructor(
    readonly code: LocalClusterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
