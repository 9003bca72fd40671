import { join } from "node:path";
import type { Config } from "../config";
import type { SigningKeys } from "../keys/signing-keys";
import { directoryCheckpointStore } from "./checkpoint-store";
import type { CheckpointSource } from "./verify-audit-log";

/** Where the signed audit checkpoints are published: AUDIT_CHECKPOINT_DIR, else DATA_DIR/audit-checkpoints. */
export const checkpointDirOf = (config: Pick<Config, "AUDIT_CHECKPOINT_DIR" | "DATA_DIR">): string =>
  config.AUDIT_CHECKPOINT_DIR ?? join(config.DATA_DIR, "audit-checkpoints");

/**
 * The installation's checkpoints and the keys they may be signed with (the current one and those it replaced,
 * so a rotation leaves earlier checkpoints verifiable), as the orchestrator and the auditors' page use them.
 */
export const checkpointSourceOf = (
  config: Pick<Config, "AUDIT_CHECKPOINT_DIR" | "DATA_DIR">,
  keys: SigningKeys,
): CheckpointSource => ({ store: directoryCheckpointStore(checkpointDirOf(config)), keys: keys.published });

/**
 * The record of activities' checkpoints: signed with the same keys and published beside the audit log's, in a
 * folder of their own (`activity/` in the audit checkpoints' folder), so the two heads are never confused.
 */
export const activityCheckpointSourceOf = (
  config: Pick<Config, "AUDIT_CHECKPOINT_DIR" | "DATA_DIR">,
  keys: SigningKeys,
): CheckpointSource => ({ store: activityCheckpointStoreOf(config), keys: keys.published });

export const activityCheckpointStoreOf = (config: Pick<Config, "AUDIT_CHECKPOINT_DIR" | "DATA_DIR">) =>
  directoryCheckpointStore(join(checkpointDirOf(config), "activity"));
