import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SpeError } from "../errors";
import { DEV_HDAB_ISSUER, devHdabPublicKey } from "./dev-hdab";
import { trustedIssuersFor } from "./permit-intake";
import { issuerKey, OTHER_ISSUER, TEST_ISSUER, type IssuerKey } from "./test-fixtures";
import { parseTrustedIssuers, readTrustedIssuersFile } from "./trusted-issuers";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SpeError);
    expect((err as SpeError).code).toBe("TRUSTED_ISSUERS_INVALID");
    return (err as Error).message;
  }
  throw new Error("expected the trusted issuers to be refused");
}

const dir = mkdtempSync(join(tmpdir(), "spe-trust-"));
function fileWith(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("trusted issuers", () => {
  let ed: IssuerKey;
  let ec: IssuerKey;
  beforeAll(async () => {
    [ed, ec] = await Promise.all([issuerKey("EdDSA", "se-2026"), issuerKey("ES256", "fi-1")]);
  });

  it("accepts several issuers with EdDSA and ES256 public keys", () => {
    const trusted = parseTrustedIssuers(
      {
        [TEST_ISSUER]: { keys: [ed.publicJwk] },
        [OTHER_ISSUER]: { keys: [{ ...ec.publicJwk, use: "sig", alg: "ES256" }] },
      },
      "test",
    );
    expect([...trusted.keys()]).toEqual([TEST_ISSUER, OTHER_ISSUER]);
    expect(trusted.get(OTHER_ISSUER)!.keys[0]).toMatchObject({ kid: "fi-1", kty: "EC", crv: "P-256" });
  });

  it("refuses a key that carries its private part d, naming where", () => {
    const message = refusal(() =>
      parseTrustedIssuers({ [TEST_ISSUER]: { keys: [ed.publicJwk, ed.privateJwk] } }, "issuers.json"),
    );
    expect(message).toContain("issuers.json");
    expect(message).toContain(`"${TEST_ISSUER}".keys[1].d: is a private key part`);
    expect(message).toContain("public keys only");
  });

  it.each<[string, unknown, RegExp]>([
    ["a symmetric key", { keys: [{ kty: "oct", k: "c2VjcmV0", kid: "h" }] }, /keys\[0\]\.k: is a private key part/],
    [
      "an RSA key",
      { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB", kid: "r" }] },
      /keys\[0\]\.kty: must be "EC" .* or "OKP"/,
    ],
    [
      "a P-384 key",
      { keys: [{ kty: "EC", crv: "P-384", x: "AA", y: "AA", kid: "p" }] },
      /keys\[0\]\.crv: must be "P-256"/,
    ],
    ["a key without kid", { keys: [{ kty: "OKP", crv: "Ed25519", x: "AA" }] }, /keys\[0\]\.kid: /],
    [
      "a key for encryption",
      { keys: [{ kty: "OKP", crv: "Ed25519", x: "AA", kid: "e", use: "enc" }] },
      /keys\[0\]\.use: must be "sig"/,
    ],
    [
      "two keys with one kid",
      {
        keys: [
          { kty: "OKP", crv: "Ed25519", x: "AA", kid: "k" },
          { kty: "OKP", crv: "Ed25519", x: "BB", kid: "k" },
        ],
      },
      /keys\[1\]\.kid: "k" is used by two keys/,
    ],
    ["an issuer without keys", { keys: [] }, /keys: lists no key/],
  ])("refuses %s", (_name, entry, message) => {
    expect(refusal(() => parseTrustedIssuers({ [TEST_ISSUER]: entry }, "test"))).toMatch(message);
  });

  it("refuses an issuer that is not an http(s) URL", () => {
    expect(refusal(() => parseTrustedIssuers({ "hdab-se": { keys: [ed.publicJwk] } }, "test"))).toMatch(
      /"hdab-se": must be the issuer's http\(s\) URL/,
    );
  });

  it("reads a file, and refuses a missing file or one that is not JSON", () => {
    expect(readTrustedIssuersFile(fileWith({ [TEST_ISSUER]: { keys: [ed.publicJwk] } })).has(TEST_ISSUER)).toBe(true);
    expect(refusal(() => readTrustedIssuersFile(join(dir, "absent.json")))).toMatch(
      /Could not read the trusted-issuers file .*absent\.json/,
    );
    expect(refusal(() => readTrustedIssuersFile(fileWith("{ not json")))).toMatch(/is not JSON/);
  });

  describe("trustedIssuersFor", () => {
    it("adds the development HDAB outside production", () => {
      const trusted = trustedIssuersFor({
        trustedIssuersFile: fileWith({ [TEST_ISSUER]: { keys: [ed.publicJwk] } }),
        production: false,
      });
      expect([...trusted.keys()].sort()).toEqual([DEV_HDAB_ISSUER, TEST_ISSUER].sort());
      expect(trustedIssuersFor({ production: false }).get(DEV_HDAB_ISSUER)!.keys).toEqual([devHdabPublicKey()]);
    });

    it("never trusts the development HDAB in production", () => {
      expect([...trustedIssuersFor({ production: true }).keys()]).toEqual([]);
      const trusted = trustedIssuersFor({
        trustedIssuersFile: fileWith({ [TEST_ISSUER]: { keys: [ed.publicJwk] } }),
        production: true,
      });
      expect([...trusted.keys()]).toEqual([TEST_ISSUER]);
    });

    it("refuses, in production, a file that lists the development key, under any issuer or kid", () => {
      const smuggled = fileWith({
        [TEST_ISSUER]: { keys: [ed.publicJwk, { ...devHdabPublicKey(), kid: "innocent" }] },
      });
      expect(refusal(() => trustedIssuersFor({ trustedIssuersFile: smuggled, production: true }))).toMatch(
        /trusts the development HDAB .* in production/,
      );
      const byName = fileWith({ [DEV_HDAB_ISSUER]: { keys: [ed.publicJwk] } });
      expect(refusal(() => trustedIssuersFor({ trustedIssuersFile: byName, production: true }))).toMatch(
        /development HDAB/,
      );
    });
  });
});
