export type LocalNodeErrorCode =
  | "NODE_UNSUPPORTED"
  | "NODE_BUILD_FAILED"
  | "NODE_START_FAILED"
  | "NODE_IMAGE_IMPORT_FAILED"
  | "NODE_POLICY_APPLY_FAILED"
  | "UPSTREAM_NOT_FOUND"
  | "UPSTREAM_NOT_READY";

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
