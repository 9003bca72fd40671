import { readFileSync } from "node:fs";
import { z } from "zod";
import { SpeError } from "../errors";
import { formatIssuePath } from "./permit-issues";

/** The only signature algorithms a permit may use: no `none`, no shared secrets, no RSA. */
export const PERMIT_ALGORITHMS = ["ES256", "EdDSA"] as const;
export type PermitAlgorithm = (typeof PERMIT_ALGORITHMS)[number];

// Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "base64url without padding");
const kid = z.string().min(1).max(200);
const use = z.literal("sig", 'must be "sig": these keys verify signatures').optional();

const ecKey = z.looseObject({
  kty: z.literal("EC"),
  crv: z.literal("P-256", 'must be "P-256": EC keys are for ES256 only'),
  x: base64url,
  y: base64url,
  kid,
  alg: z.literal("ES256", 'must be "ES256" for a P-256 key').optional(),
  use,
});

const okpKey = z.looseObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519", 'must be "Ed25519": OKP keys are for EdDSA only'),
  x: base64url,
  kid,
  alg: z.literal("EdDSA", 'must be "EdDSA" for an Ed25519 key').optional(),
  use,
});

/** A public key in JWK form that can verify a permit: P-256 (ES256) or Ed25519 (EdDSA), with a kid. */
export type PublicSigningJwk = z.infer<typeof ecKey> | z.infer<typeof okpKey>;

const publicSigningJwk = z
  .looseObject({})
  .superRefine((jwk, ctx) => {
    for (const member of PRIVATE_MEMBERS)
      if (member in jwk)
        ctx.addIssue({
          code: "custom",
          path: [member],
          message: `is a private key part: a trusted-issuers file holds public keys only. Remove "${member}" (and treat this key as leaked)`,
        });
  })
  .pipe(
    z.discriminatedUnion("kty", [ecKey, okpKey], {
      error: 'must be "EC" (P-256, ES256) or "OKP" (Ed25519, EdDSA): permits are signed with ES256 or EdDSA only',
    }),
  );

const issuerEntry = z.strictObject({
  /**
   * The OAuth client ids of this body's own systems: they, and no other machine client, may read the
   * status of the permits this issuer signed. An HDAB sees its own permits, not another member state's.
   */
  clients: z.array(z.string().min(1).max(200)).default([]),
  keys: z
    .array(publicSigningJwk)
    .min(1, "lists no key: an issuer needs at least one public key")
    .superRefine((keys, ctx) => {
      const kids = keys.map((k) => k.kid);
      kids.forEach((k, i) => {
        if (kids.indexOf(k) !== i)
          ctx.addIssue({ code: "custom", path: [i, "kid"], message: `"${k}" is used by two keys of this issuer` });
      });
    }),
});

const trustedIssuersSchema = z.record(
  z.url({ protocol: /^https?$/, error: "must be the issuer's http(s) URL" }),
  issuerEntry,
);

/** Issuer URL → its public keys. The issuer string must match a permit's `issuer` exactly. */
export type TrustedIssuers = ReadonlyMap<string, { keys: readonly PublicSigningJwk[]; clients: readonly string[] }>;

/** The algorithm a key verifies; jose would refuse any other. */
export function algorithmOf(jwk: PublicSigningJwk): PermitAlgorithm {
  return jwk.kty === "EC" ? "ES256" : "EdDSA";
}

/** Validates the JSON of a trusted-issuers file; `source` names it in the error. */
export function parseTrustedIssuers(json: unknown, source: string): TrustedIssuers {
  const result = trustedIssuersSchema.safeParse(json);
  if (!result.success) {
    // A bad issuer URL arrives as "Invalid key in record" with the reason nested inside.
    const messageOf = (i: z.core.$ZodIssue) =>
      i.code === "invalid_key" ? (i.issues[0]?.message ?? i.message) : i.message;
    const lines = result.error.issues.map((i) => `- ${formatTrustedIssuersPath(i.path)}: ${messageOf(i)}`);
    throw new SpeError(
      "TRUSTED_ISSUERS_INVALID",
      `The trusted issuers in ${source} have ${lines.length} problem(s):\n${lines.join("\n")}`,
    );
  }
  return new Map(Object.entries(result.data));
}

/** Reads and validates a trusted-issuers file. */
export function readTrustedIssuersFile(path: string): TrustedIssuers {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SpeError(
      "TRUSTED_ISSUERS_INVALID",
      `Could not read the trusted-issuers file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SpeError(
      "TRUSTED_ISSUERS_INVALID",
      `The trusted-issuers file ${path} is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseTrustedIssuers(json, path);
}

// The first segment is an issuer URL, full of dots: quote it so the path stays readable.
function formatTrustedIssuersPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(file)";
  const [issuer, ...rest] = path;
  return `"${String(issuer)}"${rest.length ? "." + formatIssuePath(rest) : ""}`;
}
