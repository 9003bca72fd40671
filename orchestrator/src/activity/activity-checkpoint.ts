import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { compactVerify, CompactSign, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";
import type { SigningKey } from "../keys/signing-key";
import type { ActivityBatch } from "./activity-hash";

/** Typed apart from the audit log's checkpoints: neither passes for the other. */
const ACTIVITY_CHECKPOINT_TYPE = "spe-activity-checkpoint+jws";

/**
 * What an activity checkpoint vouches for: the record's head batch when it was signed. `batchDigest` is that
 * batch's content without its place in the chain, so that a verifier can tell a head that moved (batches
 * inserted or removed before it) from one that was rewritten, as the audit log's checkpoints do.
 */
export const activityCheckpointSchema = z.strictObject({
  sequence: z.int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  batchDigest: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.iso.datetime(),
});
export type ActivityCheckpoint = z.infer<typeof activityCheckpointSchema>;

/** The checkpoint of an empty record: nothing to vouch for but that it was empty. */
export const EMPTY_RECORD_DIGEST = "0".repeat(64);

/** SHA-256 over a batch's canonical content without sequence and hashes: it stays when the batch moves. */
export function batchDigest(batch: Pick<ActivityBatch, "time" | "entries">): string {
  const entries = batch.entries.map(({ time, namespace, subject, kind, details }) => ({
    time,
    namespace,
    subject,
    kind,
    details,
  }));
  return createHash("sha256")
    .update(canonicalize({ time: batch.time, entries })!)
    .digest("hex");
}

/** A compact JWS over the checkpoint's canonical JSON, with the installation's signing key. */
export function signActivityCheckpoint(checkpoint: ActivityCheckpoint, key: SigningKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalize(activityCheckpointSchema.parse(checkpoint))))
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: ACTIVITY_CHECKPOINT_TYPE, cty: "json" })
    .sign(key.privateKey);
}

/** The checkpoint in `jws` if one of `keys` signed it; otherwise why not, in words. */
export async function openActivityCheckpoint(
  jws: string,
  keys: JWK[],
): Promise<{ checkpoint: ActivityCheckpoint } | { problem: string }> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return { problem: "it is not a compact JWS" };
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return { problem: `it is signed by key ${kid ?? "(none named)"}, not by a trusted signing key` };
  try {
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key, "ES256"), {
      algorithms: ["ES256"],
    });
    if (protectedHeader.typ !== ACTIVITY_CHECKPOINT_TYPE)
      return { problem: `it is a ${protectedHeader.typ}, not an activity checkpoint` };
    const parsed = activityCheckpointSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    return parsed.success ? { checkpoint: parsed.data } : { problem: "its content is not an activity checkpoint" };
  } catch {
    return { problem: "its signature does not verify" };
  }
}
