import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCheckpoint, signCheckpoint } from "../audit/audit-checkpoint";
import { openEvidenceReport, signEvidenceReport } from "../audit/evidence-signature";
import { parseConfig } from "../config";
import { loadSigningKeys, rotateSigningKey, signingKeyFilesOf } from "./signing-keys";

const freshConfig = (env: Record<string, string> = {}) =>
  parseConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "spe-keys-")), ...env });
const checkpoint = {
  sequence: 3,
  hash: "a".repeat(64),
  eventDigest: "b".repeat(64),
  signedAt: new Date().toISOString(),
};

describe("the signing key store", () => {
  it("makes one key on first start in the embedded default, keeps it, and publishes its public half alone", async () => {
    const config = freshConfig();
    const first = await loadSigningKeys(config);
    expect((await loadSigningKeys(config)).current.kid).toBe(first.current.kid);
    expect(first.published).toEqual([first.current.publicJwk]);
    expect(first.published[0]).not.toHaveProperty("d");
    // The file earlier versions made: their release records keep verifying.
    expect(signingKeyFilesOf(config).keyFile).toBe(join(config.DATA_DIR, "keys", "release-signing.jwk"));
  });

  it("rotates: a new key signs, the old one's public half is retired and still verifies what it signed", async () => {
    const config = freshConfig();
    const before = await loadSigningKeys(config);
    const oldCheckpoint = await signCheckpoint(checkpoint, before.current);
    const oldReport = await signEvidenceReport({ permit: "SE-1" }, before.current);

    const rotated = await rotateSigningKey(signingKeyFilesOf(config));
    expect(rotated.retired).toBe(before.current.kid);
    const after = await loadSigningKeys(config);
    expect(after.current.kid).toBe(rotated.current);
    expect(after.current.kid).not.toBe(before.current.kid);
    expect(after.published.map((k) => k.kid)).toEqual([after.current.kid, before.current.kid]);
    // The retired file holds public keys only: the old private key is gone.
    const retired = JSON.parse(readFileSync(signingKeyFilesOf(config).retiredFile, "utf8")) as { keys: object[] };
    expect(retired.keys).toHaveLength(1);
    expect(retired.keys[0]).not.toHaveProperty("d");

    expect(await openCheckpoint(oldCheckpoint, after.published)).toEqual({ checkpoint });
    expect(await openEvidenceReport(oldReport, after.published)).toEqual({
      report: { permit: "SE-1" },
      kid: before.current.kid,
    });
    // Without the retired keys (a verifier that only knows the new one), the old signature is not trusted.
    expect(await openCheckpoint(oldCheckpoint, [after.current.publicJwk])).toMatchObject({
      problem: expect.stringContaining(`signed by key ${before.current.kid}`),
    });

    // A second rotation keeps both earlier keys.
    await rotateSigningKey(signingKeyFilesOf(config));
    expect((await loadSigningKeys(config)).published).toHaveLength(3);
  });

  it("reads the deprecated RELEASE_SIGNING_KEY_FILE when SIGNING_KEY_FILE is not set", async () => {
    const made = freshConfig();
    const { current } = await loadSigningKeys(made);
    const keyFile = signingKeyFilesOf(made).keyFile;
    const viaOldName = await loadSigningKeys(freshConfig({ RELEASE_SIGNING_KEY_FILE: keyFile }));
    expect(viaOldName.current.kid).toBe(current.kid);
    expect((await loadSigningKeys(freshConfig({ SIGNING_KEY_FILE: keyFile }))).current.kid).toBe(current.kid);
  });

  it("refuses a configured key that is not there, naming the setting, rather than making one", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "spe-keys-")), "nope.jwk");
    await expect(loadSigningKeys(freshConfig({ SIGNING_KEY_FILE: missing }))).rejects.toThrow(
      /The signing key .*nope\.jwk does not exist\. Set SIGNING_KEY_FILE/,
    );
    const retired = join(mkdtempSync(join(tmpdir(), "spe-keys-")), "retired.jwks");
    writeFileSync(retired, JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }));
    await expect(loadSigningKeys(freshConfig({ SIGNING_RETIRED_KEYS_FILE: retired }))).rejects.toThrow(
      /retired signing keys .* must hold P-256 \(EC\) JWKs/,
    );
  });

  it("types each signed thing apart: an evidence report never passes for a checkpoint, nor the reverse", async () => {
    const { current, published } = await loadSigningKeys(freshConfig());
    const report = await signEvidenceReport(checkpoint, current);
    expect(await openCheckpoint(report, published)).toEqual({
      problem: "it is a spe-compliance-evidence+jws, not a checkpoint",
    });
    expect(await openEvidenceReport(await signCheckpoint(checkpoint, current), published)).toEqual({
      problem: "it is a spe-audit-checkpoint+jws, not an evidence report",
    });
    const [header, payload, signature] = report.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ permit: "other" })).toString("base64url")}.${signature}`;
    expect(payload).not.toBe(forged.split(".")[1]);
    expect(await openEvidenceReport(forged, published)).toEqual({ problem: "its signature does not verify" });
  });
});
