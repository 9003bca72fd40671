import { pino } from "pino";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import { SpeError } from "../errors";
import { readS3Credentials, s3CredentialsProvider } from "./s3-credentials";
import { stagingStoreFrom } from "./staging-store-from-config";

const dir = mkdtempSync(join(tmpdir(), "spe-s3-credentials-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

describe("the staging bucket's credentials file", () => {
  it("reads access key, secret and an optional session token, to be read again after a while", () => {
    const creds = readS3Credentials(
      file("ok.json", JSON.stringify({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: SECRET, sessionToken: "token" })),
      () => 0,
    );
    expect(creds).toEqual({
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: SECRET,
      sessionToken: "token",
      expiration: new Date(5 * 60_000),
    });
  });

  it.each([
    ["a file that is not there", () => join(dir, "missing.json"), /Cannot read .* ENOENT/],
    [
      "a file that is not JSON",
      () => file("text.json", `accessKeyId=AKIAEXAMPLE\nsecret=${SECRET}\n`),
      /it is not JSON/,
    ],
    [
      "a file without the secret",
      () => file("partial.json", JSON.stringify({ accessKeyId: "AKIAEXAMPLE" })),
      /wrong or unknown: secretAccessKey/,
    ],
    [
      "a file with a misspelt field",
      () => file("typo.json", JSON.stringify({ accessKeyId: "AKIAEXAMPLE", secretKey: SECRET })),
      /wrong or unknown: .*secretAccessKey/,
    ],
  ])("refuses %s with CONFIG_INVALID, naming the file and never its contents", (_, path, message) => {
    const at = path();
    let caught: unknown;
    try {
      readS3Credentials(at);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SpeError);
    expect((caught as SpeError).code).toBe("CONFIG_INVALID");
    expect((caught as Error).message).toContain(at);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain(SECRET);
  });

  it("stops the start when STAGING_STORE=s3 and the credentials file is bad", () => {
    const config = parseConfig({
      STAGING_STORE: "s3",
      STAGING_S3_BUCKET: "spe-staging",
      STAGING_S3_CREDENTIALS_FILE: file("bad.json", "{}"),
      DATA_DIR: dir,
    });
    expect(() => stagingStoreFrom(config, pino({ level: "silent" }))).toThrow(
      /STAGING_S3_CREDENTIALS_FILE|credentials file/,
    );
  });

  it("picks up a rotated secret once the credentials it read have expired", async () => {
    const path = file("rotating.json", JSON.stringify({ accessKeyId: "AKIAOLD", secretAccessKey: SECRET }));
    let clock = Date.now();
    const provide = s3CredentialsProvider(path, () => clock);
    expect((await provide()).accessKeyId).toBe("AKIAOLD");
    writeFileSync(path, JSON.stringify({ accessKeyId: "AKIANEW", secretAccessKey: SECRET }));
    expect((await provide()).accessKeyId).toBe("AKIAOLD");
    clock += 6 * 60_000;
    expect((await provide()).accessKeyId).toBe("AKIANEW");
  });
});
