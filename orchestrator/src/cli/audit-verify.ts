import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkpointDirOf } from "../audit/checkpoint-settings";
import { directoryCheckpointStore, type CheckpointStore } from "../audit/checkpoint-store";
import { verifyAuditLog, type AuditLogVerification, type CheckpointSource } from "../audit/verify-audit-log";
import { parseConfig, type Config } from "../config";
import { SpeError } from "../errors";
import { readPublicKeys } from "../keys/signing-key";
import { signingKeyFilesOf } from "../keys/signing-keys";
import { AUDIT_DATABASE_OPTIONS, openAuditDatabase } from "./audit-database";
import { auditVerifyExport } from "./audit-verify-export";
import { EXIT, UsageError } from "./usage";

const OPTIONS = {
  ...AUDIT_DATABASE_OPTIONS,
  checkpoints: { type: "string" },
  "checkpoint-keys": { type: "string" },
  export: { type: "string" },
  against: { type: "string" },
} as const;

/**
 * `spe audit verify [--database-url URL | --data-dir DIR] [--checkpoints DIR] [--checkpoint-keys FILE]`: 0 intact
 * and holding the latest signed checkpoint, 1 broken (names the first broken link and the kind of tampering), 2 usage.
 */
export async function auditVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError("spe audit verify takes no arguments besides its options.");
  if (values.export !== undefined) return auditVerifyExport({ ...values, export: values.export });
  if (values.against !== undefined)
    throw new UsageError("--against goes with --export: the export to match against it.");
  const source = await checkpointSource(values);
  const database = await openAuditDatabase(values);
  try {
    const result = await verifyAuditLog(database.db, source);
    console.log(describe(result, database.location, source.store.location));
    return result.intact ? EXIT.ok : EXIT.invalid;
  } finally {
    await database.close();
  }
}

function describe(result: AuditLogVerification, location: string, checkpointLocation: string): string {
  if (!result.intact) {
    if (result.tampering === "checkpoint-untrusted") return `Broken: ${result.problem} (in ${checkpointLocation}).`;
    return `Broken at event ${result.brokenAt} (${result.tampering}): ${result.problem}. The ${result.events} event(s) before it are intact.`;
  }
  const intact = `Intact: ${result.events} audit events in ${location}; the last hash is ${result.lastHash}.`;
  return result.checkpoint
    ? `${intact} It holds the checkpoint signed at ${result.checkpoint.signedAt} for event ${result.checkpoint.sequence} (${checkpointLocation}).`
    : `${intact} There is no signed checkpoint in ${checkpointLocation} to hold it against: a cut-off tail or recomputed hashes would not show.`;
}

/**
 * The checkpoints as the orchestrator publishes them (--checkpoints, else AUDIT_CHECKPOINT_DIR, else under the data
 * directory) and the keys they must be signed with (--checkpoint-keys: a JWK or a JWK Set, else the orchestrator's key).
 */
export async function checkpointSource(
  values: {
    "data-dir"?: string;
    checkpoints?: string;
    "checkpoint-keys"?: string;
  },
  storeOf: (config: Config) => CheckpointStore = (config) => directoryCheckpointStore(checkpointDirOf(config)),
): Promise<CheckpointSource> {
  const config = parseConfig({
    DATA_DIR: values["data-dir"] ?? process.env.DATA_DIR,
    AUDIT_CHECKPOINT_DIR: values.checkpoints ?? process.env.AUDIT_CHECKPOINT_DIR,
    SIGNING_KEY_FILE: values["checkpoint-keys"] ?? process.env.SIGNING_KEY_FILE,
    RELEASE_SIGNING_KEY_FILE: values["checkpoint-keys"] ? undefined : process.env.RELEASE_SIGNING_KEY_FILE,
    SIGNING_RETIRED_KEYS_FILE: values["checkpoint-keys"] ? undefined : process.env.SIGNING_RETIRED_KEYS_FILE,
  });
  const store = storeOf(config);
  const { keyFile, retiredFile } = signingKeyFilesOf(config);
  if (!store.latest()) return { store, keys: [] };
  if (!existsSync(keyFile))
    throw new UsageError(
      `There are checkpoints in ${store.location} but no key to check them with at ${keyFile}: give --checkpoint-keys (the orchestrator's public keys, a JWK or a JWK Set, e.g. from /.well-known/spe-signing-keys.json).`,
    );
  try {
    const name = { what: "checkpoint key", setting: "--checkpoint-keys" };
    // The current key and, unless keys were given, those it replaced: a checkpoint a retired key signed still holds.
    const retired =
      !values["checkpoint-keys"] && existsSync(retiredFile) ? await readPublicKeys(retiredFile, name) : [];
    return { store, keys: [...(await readPublicKeys(keyFile, name)), ...retired] };
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(err.message);
    throw err;
  }
}
