import { createPrivateKey, sign, type JsonWebKey } from "node:crypto";
import { CompactSign, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { SpeError, type SpeErrorCode } from "../errors";
import { PermitSchemaError } from "./permit-issues";
import {
  DURING_PERMIT,
  examplePermit,
  issuerKey,
  OTHER_ISSUER,
  TEST_ISSUER,
  trustOf,
  type IssuerKey,
} from "./test-fixtures";
import type { TrustedIssuers } from "./trusted-issuers";
import { MAX_PERMIT_JWS_LENGTH, verifyPermit } from "./verify-permit";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

let ed: IssuerKey;
let ec: IssuerKey;
let impostor: IssuerKey; // the same kid as `ed`, another key
let trusted: TrustedIssuers;

beforeAll(async () => {
  [ed, ec, impostor] = await Promise.all([
    issuerKey("EdDSA", "se-1"),
    issuerKey("ES256", "se-2"),
    issuerKey("EdDSA", "se-1"),
  ]);
  trusted = trustOf({ [TEST_ISSUER]: [ed, ec] });
});

async function refusal(jws: string | Promise<string>, now = DURING_PERMIT): Promise<SpeError> {
  try {
    await verifyPermit(await jws, { trustedIssuers: trusted, now });
  } catch (err) {
    expect(err).toBeInstanceOf(SpeError);
    return err as SpeError;
  }
  throw new Error("expected the permit to be refused");
}

async function signedWith(
  header: Record<string, unknown>,
  payload: unknown,
  alg: string,
  secretOrKey: Parameters<CompactSign["sign"]>[0],
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, ...header })
    .sign(secretOrKey);
}

describe("verifyPermit", () => {
  it.each(["EdDSA", "ES256"] as const)("accepts a permit signed with %s by a trusted issuer's key", async (alg) => {
    const key = alg === "EdDSA" ? ed : ec;
    const verified = await verifyPermit(`\n  ${await key.sign(examplePermit())}\n`, {
      trustedIssuers: trusted,
      now: DURING_PERMIT,
    });
    expect(verified).toMatchObject({ alg, kid: key.publicJwk.kid, payload: examplePermit() });
    expect(verified.jws).not.toMatch(/\s/);
  });

  it.each<[string, () => Promise<string>, SpeErrorCode, RegExp]>([
    [
      "a payload changed after signing",
      async () => {
        const [h, , s] = (await ed.sign(examplePermit())).split(".");
        return `${h}.${b64(examplePermit({ environment: { ...examplePermit().environment, cpu: "64" } }))}.${s}`;
      },
      "PERMIT_SIGNATURE_INVALID",
      /does not verify with key "se-1"/,
    ],
    [
      "another key under a trusted kid",
      () => impostor.sign(examplePermit()),
      "PERMIT_SIGNATURE_INVALID",
      /does not verify/,
    ],
    [
      "an unknown kid",
      async () => (await issuerKey("EdDSA", "se-9")).sign(examplePermit()),
      "PERMIT_KEY_UNKNOWN",
      /no trusted key with kid "se-9" \(known: se-1, se-2\)/,
    ],
    [
      "an unknown issuer",
      () => ed.sign(examplePermit({ issuer: OTHER_ISSUER })),
      "PERMIT_ISSUER_UNKNOWN",
      /"https:\/\/findata\.example\.fi" is not trusted/,
    ],
    [
      "alg none",
      async () => `${b64({ alg: "none", kid: "se-1" })}.${b64(examplePermit())}.`,
      "PERMIT_ALGORITHM_REFUSED",
      /alg "none"; only ES256 and EdDSA/,
    ],
    [
      "HS256 with a shared secret",
      () => signedWith({ kid: "se-1" }, examplePermit(), "HS256", new TextEncoder().encode("s".repeat(32))),
      "PERMIT_ALGORITHM_REFUSED",
      /alg "HS256"/,
    ],
    [
      "RS256",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return signedWith({ kid: "se-1" }, examplePermit(), "RS256", privateKey);
      },
      "PERMIT_ALGORITHM_REFUSED",
      /alg "RS256"/,
    ],
    [
      "ES256 claimed for an Ed25519 key",
      async () => {
        const { privateKey } = await generateKeyPair("ES256");
        return signedWith({ kid: "se-1" }, examplePermit(), "ES256", privateKey);
      },
      "PERMIT_ALGORITHM_REFUSED",
      /is a EdDSA key/,
    ],
    [
      "no kid",
      async () => {
        const { privateKey } = await generateKeyPair("EdDSA");
        return signedWith({}, examplePermit(), "EdDSA", privateKey);
      },
      "PERMIT_MALFORMED",
      /no kid/,
    ],
    [
      "no alg",
      async () => `${b64({ kid: "se-1" })}.${b64(examplePermit())}.c2ln`,
      "PERMIT_ALGORITHM_REFUSED",
      /alg null/,
    ],
    [
      "a JSON payload instead of a JWS",
      async () => JSON.stringify(examplePermit()),
      "PERMIT_MALFORMED",
      /not a compact JWS/,
    ],
    [
      "a JWS without signature",
      async () => `${b64({ alg: "EdDSA", kid: "se-1" })}.${b64(examplePermit())}.`,
      "PERMIT_SIGNATURE_INVALID",
      /no signature/,
    ],
    [
      "a header that is not JSON",
      async () => `${b64("{alg")}.${b64(examplePermit())}.c2ln`,
      "PERMIT_MALFORMED",
      /protected header is not base64url-encoded JSON/,
    ],
    [
      "a payload without issuer",
      () => ed.sign({ ...examplePermit(), issuer: undefined }),
      "PERMIT_MALFORMED",
      /no issuer/,
    ],
    [
      "an unknown critical header",
      async () => {
        // jose will not sign this, so sign by hand with the trusted key: only the crit header is wrong.
        const signingInput = `${b64({ alg: "EdDSA", kid: "se-1", crit: ["x-spe"], "x-spe": 1 })}.${b64(examplePermit())}`;
        const signature = sign(
          null,
          Buffer.from(signingInput),
          createPrivateKey({ key: ed.privateJwk as JsonWebKey, format: "jwk" }),
        );
        return `${signingInput}.${signature.toString("base64url")}`;
      },
      "PERMIT_MALFORMED",
      /could not be verified .*x-spe|Extension Header/,
    ],
    [
      "a payload that names a member twice, signed by the trusted key",
      async () => {
        // One reader would see "revoked", another the granted status after it: refused before either.
        const payload = `{"status":"revoked",${JSON.stringify(examplePermit()).slice(1)}`;
        const signingInput = `${b64({ alg: "EdDSA", kid: "se-1" })}.${b64(payload)}`;
        const signature = sign(
          null,
          Buffer.from(signingInput),
          createPrivateKey({ key: ed.privateJwk as JsonWebKey, format: "jwk" }),
        );
        return `${signingInput}.${signature.toString("base64url")}`;
      },
      "PERMIT_MALFORMED",
      /payload names the member "status" twice/,
    ],
    [
      "a header that names a member twice, however spelt",
      async () => `${b64('{"alg":"EdDSA","kid":"se-1","\\u0061lg":"none"}')}.${b64(examplePermit())}.c2ln`,
      "PERMIT_MALFORMED",
      /protected header names the member "alg" twice/,
    ],
    ["an oversized permit", async () => "a".repeat(MAX_PERMIT_JWS_LENGTH + 1), "PERMIT_MALFORMED", /at most/],
    [
      "a permit that ended",
      () => ed.sign(examplePermit({ validUntil: "2027-01-01T00:00:00Z" })),
      "PERMIT_EXPIRED",
      /ended at 2027-01-01T00:00:00Z/,
    ],
    [
      "an issuedAt ten minutes ahead",
      () => ed.sign(examplePermit({ issuedAt: new Date(DURING_PERMIT.getTime() + 10 * 60_000).toISOString() })),
      "PERMIT_NOT_YET_VALID",
      /more than 5 minutes from now/,
    ],
  ])("refuses %s", async (_name, make, code, message) => {
    const error = await refusal(make());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("refuses a schema violation only after the signature, naming every bad field", async () => {
    const bad = {
      ...examplePermit(),
      environment: { tools: ["jupyterlab"], cpu: "4", memory: "16GB", storage: "50Gi" },
      purpose: { category: "marketing", description: "x" },
    };
    const error = await refusal(ed.sign(bad));
    expect(error).toBeInstanceOf(PermitSchemaError);
    expect(error.code).toBe("PERMIT_SCHEMA_INVALID");
    expect((error as PermitSchemaError).issues.map((i) => i.path)).toEqual(["purpose.category", "environment.memory"]);
    expect(error.message).toContain('environment.memory: a size in Mi, Gi or Ti ("16Gi")');
    // Unsigned garbage from an untrusted sender learns nothing about our schema.
    expect((await refusal(impostor.sign(bad))).code).toBe("PERMIT_SIGNATURE_INVALID");
  });

  it("accepts a revocation of a permit that has ended, so that its environment still goes", async () => {
    const revoked = examplePermit({ status: "revoked", sequence: 2, validUntil: "2027-01-01T00:00:00Z" });
    await expect(
      verifyPermit(await ed.sign(revoked), { trustedIssuers: trusted, now: DURING_PERMIT }),
    ).resolves.toMatchObject({ payload: { status: "revoked" } });
  });

  it("accepts a permit whose validFrom lies ahead: the environment waits for it", async () => {
    const early = new Date("2026-11-01T09:02:00Z"); // before validFrom 2026-11-02, after issuedAt
    await expect(
      verifyPermit(await ed.sign(examplePermit()), { trustedIssuers: trusted, now: early }),
    ).resolves.toMatchObject({ payload: { validFrom: "2026-11-02T00:00:00Z" } });
  });

  it("tolerates an issuer clock up to five minutes ahead", async () => {
    const issuedAt = new Date(DURING_PERMIT.getTime() + 4 * 60_000).toISOString();
    await expect(
      verifyPermit(await ed.sign(examplePermit({ issuedAt })), { trustedIssuers: trusted, now: DURING_PERMIT }),
    ).resolves.toBeDefined();
  });
});
