/**
 * Checks a release record (compact JWS, ES256) against the orchestrator's published release keys with
 * WebCrypto, and reads what it says. The browser re-checks what anyone receiving the files can check.
 */
export interface ReleaseRecordContent {
  requestId: string;
  permitId: string;
  releasedAt: string;
  released: Array<{ path: string; version: number; sha256: string; reviews: Array<{ vote: string }> }>;
  withheld: Array<{ path: string; decision: string }>;
}

/** Why a record does not verify, as a key of the UI's words (`exports.record.<reason>`). */
export type RefusalReason = "notJws" | "unknownAlgorithm" | "unknownKey" | "noCrypto" | "badSignature";

export type Verified =
  { valid: true; kid: string; record: ReleaseRecordContent } | { valid: false; reason: RefusalReason; alg?: string };

const fromBase64Url = (part: string) =>
  Uint8Array.from(
    atob(
      part
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(part.length / 4) * 4, "="),
    ),
    (c) => c.charCodeAt(0),
  );
const json = (part: string) => JSON.parse(new TextDecoder().decode(fromBase64Url(part))) as Record<string, unknown>;

export async function verifyReleaseRecord(jws: string, keys: Array<JsonWebKey & { kid?: string }>): Promise<Verified> {
  const parts = jws.trim().split(".");
  if (parts.length !== 3) return { valid: false, reason: "notJws" };
  const [header, payload, signature] = parts as [string, string, string];
  const protectedHeader = json(header);
  if (protectedHeader.alg !== "ES256")
    return { valid: false, reason: "unknownAlgorithm", alg: String(protectedHeader.alg) };
  const jwk = keys.find((k) => k.kid === protectedHeader.kid);
  if (!jwk) return { valid: false, reason: "unknownKey" };
  if (!globalThis.crypto?.subtle) return { valid: false, reason: "noCrypto" };
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    fromBase64Url(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  if (!valid) return { valid: false, reason: "badSignature" };
  return { valid: true, kid: String(protectedHeader.kid), record: json(payload) as unknown as ReleaseRecordContent };
}
