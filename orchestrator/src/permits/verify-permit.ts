import { compactVerify, errors as joseErrors, importJWK } from "jose";
import { duplicateMemberName } from "./duplicate-members";
import { SpeError } from "../errors";
import { permitPayloadSchema, type PermitPayload } from "./permit";
import { permitErrorMap, permitIssuesOf, PermitSchemaError } from "./permit-issues";
import { algorithmOf, PERMIT_ALGORITHMS, type PermitAlgorithm, type TrustedIssuers } from "./trusted-issuers";

/** Far above the largest valid permit (200 persons, 100 datasets, long conditions), far below a body limit. */
export const MAX_PERMIT_JWS_LENGTH = 512 * 1024;

/** How far ahead of our clock an issuer's clock may run before we call its permit not yet issued. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface VerifiedPermit {
  payload: PermitPayload;
  /** The compact JWS as received (whitespace trimmed): the evidence we keep. */
  jws: string;
  alg: PermitAlgorithm;
  kid: string;
}

export interface VerifyOptions {
  trustedIssuers: TrustedIssuers;
  now: Date;
}

/**
 * Checks a permit as a Health Data Access Body sends it: a compact JWS (ES256 or EdDSA, `kid` in the
 * protected header) signed by a key of the issuer that the payload names, whose payload is a valid,
 * unexpired permit. Throws SpeError with a PERMIT_* code; PermitSchemaError lists every bad field.
 */
export async function verifyPermit(input: string, { trustedIssuers, now }: VerifyOptions): Promise<VerifiedPermit> {
  const jws = input.trim();
  const [headerPart, payloadPart, signaturePart] = splitCompact(jws);
  const header = decodeJson(headerPart, "protected header");
  const alg = header.alg;
  if (!PERMIT_ALGORITHMS.includes(alg as PermitAlgorithm))
    throw new SpeError(
      "PERMIT_ALGORITHM_REFUSED",
      `The permit is signed with alg ${JSON.stringify(alg ?? null)}; only ${PERMIT_ALGORITHMS.join(" and ")} are accepted. Ask the issuer to sign it with one of them.`,
    );
  if (!signaturePart)
    throw new SpeError(
      "PERMIT_SIGNATURE_INVALID",
      "The permit carries no signature. Ask the issuer to send the signed permit.",
    );
  const kid = header.kid;
  if (typeof kid !== "string" || !kid)
    throw new SpeError(
      "PERMIT_MALFORMED",
      "The permit's protected header has no kid: the issuer must name the key it signed with.",
    );

  // The issuer is read before the signature is checked only to choose the key; the signature then binds it.
  const claimedIssuer = decodeJson(payloadPart, "payload").issuer;
  if (typeof claimedIssuer !== "string")
    throw new SpeError(
      "PERMIT_MALFORMED",
      "The permit payload has no issuer: without it there is no key to check the signature with.",
    );
  const issuer = trustedIssuers.get(claimedIssuer);
  if (!issuer)
    throw new SpeError(
      "PERMIT_ISSUER_UNKNOWN",
      `The permit's issuer "${claimedIssuer}" is not trusted. If it is a health data access body whose permits we accept, add it and its public keys to the trusted-issuers file. Trusted now: ${[...trustedIssuers.keys()].join(", ") || "none"}.`,
    );
  const jwk = issuer.keys.find((k) => k.kid === kid);
  if (!jwk)
    throw new SpeError(
      "PERMIT_KEY_UNKNOWN",
      `Issuer "${claimedIssuer}" has no trusted key with kid "${kid}" (known: ${issuer.keys.map((k) => k.kid).join(", ")}). If the issuer has rotated its key, add the new public key to the trusted-issuers file.`,
    );
  if (algorithmOf(jwk) !== alg)
    throw new SpeError(
      "PERMIT_ALGORITHM_REFUSED",
      `The permit says alg ${alg}, but key "${kid}" of "${claimedIssuer}" is a ${algorithmOf(jwk)} key. Ask the issuer to sign with ${algorithmOf(jwk)}.`,
    );

  const payloadBytes = await checkSignature(jws, jwk, alg as PermitAlgorithm, `key "${kid}" of "${claimedIssuer}"`);
  const payload = parsePayload(payloadBytes);
  checkTimes(payload, now);
  return { payload, jws, alg: alg as PermitAlgorithm, kid };
}

function splitCompact(jws: string): [string, string, string] {
  if (jws.length > MAX_PERMIT_JWS_LENGTH)
    throw new SpeError(
      "PERMIT_MALFORMED",
      `The permit is ${jws.length} characters long; at most ${MAX_PERMIT_JWS_LENGTH} are accepted.`,
    );
  const parts = jws.split(".");
  // The signature may be empty here so that an unsigned ("alg": "none") permit is refused by its alg.
  if (parts.length !== 3 || parts.some((p, i) => !/^[A-Za-z0-9_-]*$/.test(p) || (i < 2 && !p)))
    throw new SpeError(
      "PERMIT_MALFORMED",
      "The permit is not a compact JWS (three base64url parts joined by dots). Send the signed permit, not its JSON payload.",
    );
  return parts as [string, string, string];
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  const text = Buffer.from(part, "base64url").toString("utf8");
  try {
    value = JSON.parse(text);
  } catch {
    throw new SpeError("PERMIT_MALFORMED", `The permit's ${what} is not base64url-encoded JSON.`);
  }
  const repeated = duplicateMemberName(text);
  if (repeated !== undefined)
    throw new SpeError(
      "PERMIT_MALFORMED",
      `The permit's ${what} names the member "${repeated}" twice: readers would disagree on which counts. Ask the issuer to sign it with each name once.`,
    );
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SpeError("PERMIT_MALFORMED", `The permit's ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

async function checkSignature(
  jws: string,
  jwk: Parameters<typeof importJWK>[0],
  alg: PermitAlgorithm,
  keyName: string,
): Promise<Uint8Array> {
  try {
    const key = await importJWK(jwk, alg);
    const { payload } = await compactVerify(jws, key, { algorithms: [alg] });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new SpeError(
        "PERMIT_SIGNATURE_INVALID",
        `The permit's signature does not verify with ${keyName}: it was changed after signing or signed with another key. Ask the issuer to send it again.`,
        { cause: err },
      );
    // jose refuses, for example, unknown critical header parameters; say which.
    throw new SpeError(
      "PERMIT_MALFORMED",
      `The permit could not be verified with ${keyName}: ${(err as Error).message}.`,
      { cause: err },
    );
  }
}

function parsePayload(bytes: Uint8Array): PermitPayload {
  const json: unknown = JSON.parse(new TextDecoder().decode(bytes)); // decodeJson has parsed these bytes already
  // No permit ever held NUL (the database cannot store it in text), so refusing it narrows nothing accepted.
  const nulAt = textWith(json, "\u0000");
  if (nulAt !== undefined)
    throw new PermitSchemaError([
      {
        path: nulAt || "(payload)",
        message: "holds a NUL character, which no text may hold; remove it and sign again",
        problem: "control-character",
      },
    ]);
  const result = permitPayloadSchema.safeParse(json, { error: permitErrorMap });
  if (!result.success) throw new PermitSchemaError(permitIssuesOf(result.error.issues));
  return result.data;
}

/** The path (`purpose.description`) of the first text or member name in `value` that holds `character`. */
function textWith(value: unknown, character: string, path: string[] = []): string | undefined {
  if (typeof value === "string") return value.includes(character) ? path.join(".") : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = key.includes(character) ? [...path, key].join(".") : textWith(item, character, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function checkTimes(permit: PermitPayload, now: Date): void {
  // A revocation of a permit that has already ended must still land, so that its environment goes.
  if (permit.status !== "revoked" && Date.parse(permit.validUntil) <= now.getTime())
    throw new SpeError(
      "PERMIT_EXPIRED",
      `Permit ${permit.permitId} ended at ${permit.validUntil}; an expired permit cannot be imported. Ask the issuer for a new permit, or for an extension before a permit ends.`,
    );
  if (Date.parse(permit.issuedAt) > now.getTime() + CLOCK_SKEW_MS)
    throw new SpeError(
      "PERMIT_NOT_YET_VALID",
      `Permit ${permit.permitId} says it was issued at ${permit.issuedAt}, more than 5 minutes from now (${now.toISOString()}). Check the issuer's clock and ours.`,
    );
}
