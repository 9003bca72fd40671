import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stagingCapabilitiesFrom } from "./staging-key";

const claim = {
  namespace: "spe-x",
  deliveryId: "00000000-0000-4000-8000-000000000001",
  path: "a.parquet",
  sha256: "b".repeat(64),
};
const until = new Date("2030-01-01T00:00:00Z");
const now = new Date("2027-01-01T00:00:00Z");
const dir = () => mkdtempSync(join(tmpdir(), "spe-staging-key-"));
const keyFile = (text: string) => {
  const file = join(dir(), "staging.key");
  writeFileSync(file, text);
  return file;
};

describe("the staging key", () => {
  it("is made once under DATA_DIR, readable only by the orchestrator, and kept across starts", () => {
    const DATA_DIR = dir();
    const token = stagingCapabilitiesFrom({ DATA_DIR }).sign(claim, until);
    expect(statSync(join(DATA_DIR, "keys", "staging.key")).mode & 0o777).toBe(0o600);
    expect(stagingCapabilitiesFrom({ DATA_DIR }).verify(token, claim, now)).toMatchObject({ ok: true });
    expect(stagingCapabilitiesFrom({ DATA_DIR: dir() }).verify(token, claim, now)).toMatchObject({ ok: false });
  });

  it("is read from STAGING_KEY_FILE in hex or base64, the same key either way", () => {
    const key = randomBytes(32);
    const hex = stagingCapabilitiesFrom({ DATA_DIR: dir(), STAGING_KEY_FILE: keyFile(`${key.toString("hex")}\n`) });
    const base64 = stagingCapabilitiesFrom({ DATA_DIR: dir(), STAGING_KEY_FILE: keyFile(key.toString("base64")) });
    expect(base64.verify(hex.sign(claim, until), claim, now)).toMatchObject({ ok: true });
  });

  it.each([
    [
      "a key file that is not there",
      () => join(dir(), "missing.key"),
      /Cannot read the staging key file .*missing\.key: ENOENT/,
    ],
    [
      "a key shorter than 32 bytes",
      () => keyFile(randomBytes(16).toString("hex")),
      /at least 32 bytes; make one with `openssl rand -hex 32`/,
    ],
  ])("refuses %s with CONFIG_INVALID", (_, file, message) => {
    const DATA_DIR = dir();
    expect(() => stagingCapabilitiesFrom({ DATA_DIR, STAGING_KEY_FILE: file() })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringMatching(message) }),
    );
    // A configured key file is never made up: that would hide a broken deployment.
    expect(() => readFileSync(join(DATA_DIR, "keys", "staging.key"))).toThrow();
  });
});
