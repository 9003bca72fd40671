export type LocalNodeErrorCode =
  | "NODE_UNSUPPORTED"
  | "NODE_BUILD_FAILED"
  | "NODE_START_FAILED"
  | "NODE_IMAGE_IMPORT_FAILED"
  | "NODE_POLICY_APPLY_FAILED";

/** A failure of the local node (runtime, kubelet, scheduler, policy enforcer), with a stable code. */
export class LocalNodeError extends Error {
  constructor(
    readonly code: LocalNodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
