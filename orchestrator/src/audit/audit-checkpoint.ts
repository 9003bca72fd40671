import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { compactVerify, CompactSign, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";
import type { SigningKey } from "../keys/signing-key";
import type { AuditEvent } from "./audit-hash";

const CHECKPOINT_TYPE = "spe-audit-checkpoint+jws";

/**
 * What a checkpoint vouches for: the chain's head when it was signed. `eventDigest` is the head event's
 * content without its place in the chain, so that a verifier can tell a head that moved (events inserted
 * or removed before it) from one that was rewritten.
 */
export const checkpointSchema = z.strictObject({
  sequence: z.int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  eventDigest: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.iso.datetime(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** SHA-256 over an event's canonical content, without sequence and hashes: it stays when the event moves. */
export function eventDigest(event: Omit<AuditEvent, "hash" | "sequence" | "previousHash">): string {
  const { time, actor, action, target, details } = event;
  const content = canonicalize({ time, actor, action, target, details })!;
  return createHash("sha256").update(content).digest("hex");
}

/** The checkpoint of an empty log: nothing to vouch for but that it was empty. */
export const EMPTY_LOG_DIGEST = "0".repeat(64);

/** A compact JWS over the checkpoint's canonical JSON, typed so that no other signed record passes for one. */
export function signCheckpoint(checkpoint: Checkpoint, key: SigningKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalize(checkpointSchema.parse(checkpoint))))
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: CHECKPOINT_TYPE, cty: "json" })
    .sign(key.privateKey);
}

/** The checkpoint in `jws` if one of `keys` signed it; otherwise why not, in words. */
export async function openCheckpoint(
  jws: string,
  keys: JWK[],
): Promise<{ checkpoint: Checkpoint } | { problem: string }> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return { problem: "it is not a compact JWS" };
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return { problem: `it is signed by key ${kid ?? "(none named)"}, not by a trusted audit signing key` };
  try {
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key, "ES256"), {
      algorithms: ["ES256"],
    });
    if (protectedHeader.typ !== CHECKPOINT_TYPE) return { problem: `it is a ${protectedHeader.typ}, not a checkpoint` };
    const parsed = checkpointSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    return parsed.success ? { checkpoint: parsed.data } : { problem: "its content is not a checkpoint" };
  } catch {
    return { problem: "its signature does not verify" };
  }
}
