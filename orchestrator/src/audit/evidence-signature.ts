import canonicalize from "canonicalize";
import { compactVerify, CompactSign, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";
import type { SigningKey } from "../keys/signing-key";

/** The JWS type of a compliance evidence report: no release record or checkpoint passes for one, nor the reverse. */
export const EVIDENCE_TYPE = "spe-compliance-evidence+jws";

/**
 * The report as a compact JWS over its canonical JSON (RFC 8785), signed with the installation's key
 * (keys/signing-keys.ts): what the supervisor keeps can be shown later to be what the orchestrator reported,
 * checked against the keys published at /.well-known/spe-signing-keys.json.
 */
export function signEvidenceReport(report: unknown, key: SigningKey): Promise<string> {
  const json = canonicalize(JSON.parse(JSON.stringify(report)))!;
  return new CompactSign(new TextEncoder().encode(json))
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: EVIDENCE_TYPE, cty: "json" })
    .sign(key.privateKey);
}

/**
 * What a signed report says of itself: who issued it, when, and the audit chain's head it was built from.
 * Reports signed before they named these lack them: `null`, never a guess.
 */
const provenanceSchema = z.object({
  issuer: z.object({ name: z.string(), url: z.string() }).nullable().catch(null),
  generatedAt: z.string().nullable().catch(null),
  auditChain: z
    .object({
      sequence: z.number(),
      hash: z.string(),
      checkpoint: z.object({ name: z.string(), sequence: z.number(), signedAt: z.string() }).nullable().catch(null),
    })
    .nullable()
    .catch(null),
});
export type EvidenceProvenance = z.infer<typeof provenanceSchema>;

/** A verified report's issuer, time and chain head. */
export const evidenceProvenance = (report: unknown): EvidenceProvenance =>
  provenanceSchema.parse(typeof report === "object" && report !== null ? report : {});

/** The report in `jws` if one of `keys` signed it as an evidence report, with the key; otherwise why not, in words. */
export async function openEvidenceReport(
  jws: string,
  keys: JWK[],
): Promise<{ report: unknown; kid: string } | { problem: string }> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return { problem: "it is not a compact JWS" };
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return { problem: `it is signed by key ${kid ?? "(none named)"}, not by a published signing key` };
  try {
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key, "ES256"), {
      algorithms: ["ES256"],
    });
    if (protectedHeader.typ !== EVIDENCE_TYPE)
      return { problem: `it is a ${protectedHeader.typ}, not an evidence report` };
    return { report: JSON.parse(new TextDecoder().decode(payload)), kid: key.kid! };
  } catch {
    return { problem: "its signature does not verify" };
  }
}
