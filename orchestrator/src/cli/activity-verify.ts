import { parseArgs } from "node:util";
import type { ActivityRecordVerification } from "../activity/verify-activity-record";
import { verifyActivityRecord } from "../activity/verify-activity-record";
import { activityCheckpointStoreOf } from "../audit/checkpoint-settings";
import { AUDIT_DATABASE_OPTIONS, openAuditDatabase } from "./audit-database";
import { checkpointSource } from "./audit-verify";
import { EXIT, UsageError } from "./usage";

const OPTIONS = {
  ...AUDIT_DATABASE_OPTIONS,
  checkpoints: { type: "string" },
  "checkpoint-keys": { type: "string" },
} as const;

/**
 * `spe activity verify [--database-url URL | --data-dir DIR] [--checkpoints DIR] [--checkpoint-keys FILE]`: the
 * record of activities' chain, held against its latest signed checkpoint (in the audit checkpoints' folder,
 * under `activity/`). 0 intact, 1 broken (names the first broken batch and the kind of tampering), 2 usage.
 */
export async function activityVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError("spe activity verify takes no arguments besides its options.");
  const source = await checkpointSource(values, activityCheckpointStoreOf);
  const database = await openAuditDatabase(values);
  try {
    const result = await verifyActivityRecord(database.db, source);
    console.log(describe(result, database.location, source.store.location));
    return result.intact ? EXIT.ok : EXIT.invalid;
  } finally {
    await database.close();
  }
}

function describe(result: ActivityRecordVerification, location: string, checkpointLocation: string): string {
  if (!result.intact) {
    if (result.tampering === "checkpoint-untrusted") return `Broken: ${result.problem} (in ${checkpointLocation}).`;
    return `Broken at batch ${result.brokenAt} (${result.tampering}): ${result.problem}. The ${result.batches} batch(es) before it are intact.`;
  }
  const intact = `Intact: ${result.batches} batches of ${result.entries} activities in ${location}; the last hash is ${result.lastHash}.`;
  return result.checkpoint
    ? `${intact} It holds the checkpoint signed at ${result.checkpoint.signedAt} for batch ${result.checkpoint.sequence} (${checkpointLocation}).`
    : `${intact} There is no signed checkpoint in ${checkpointLocation} to hold it against: a cut-off tail or recomputed hashes would not show.`;
}
