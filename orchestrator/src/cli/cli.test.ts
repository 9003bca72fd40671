import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@spe/infra/local-cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpe } from "../../test/run-spe";
import { startStack, type Stack } from "../../test/stack";
import { demoPermitPayload } from "../permits/demo-permit";
import { devHdabKeyFile } from "../permits/dev-hdab";
import { issuerKey, TEST_ISSUER, type IssuerKey } from "../permits/test-fixtures";

const dir = mkdtempSync(join(tmpdir(), "spe-cli-"));

/** The real `spe`, in development mode, with TRUSTED_ISSUERS_FILE only as the test says. */
const run = (args: string[], { env = {}, stdin }: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) =>
  runSpe(args, { env: { NODE_ENV: "development", ...env }, stdin, isolate: ["TRUSTED_ISSUERS_FILE"] });

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Signs with the real CLI; the JWS it prints is what the other commands read. */
async function signed(name: string, payload: unknown, key = devHdabKeyFile): Promise<string> {
  const result = await run(["permit", "sign", "--key", key, file(`${name}.json`, payload)]);
  expect(result.code, result.stderr).toBe(0);
  return file(`${name}.jws`, result.stdout);
}

describe("spe permit", () => {
  let permit: string;
  let se: IssuerKey;
  beforeAll(async () => {
    permit = await signed("demo", demoPermitPayload(new Date()));
    se = await issuerKey("ES256", "se-1");
  });

  it("validate: exit 0 for a valid permit, in words and as JSON", async () => {
    const words = await run(["permit", "validate", permit]);
    expect(words).toMatchObject({ code: 0, stderr: "" });
    expect(words.stdout).toMatch(
      /^Valid: permit DEMO-HDAB-2026-0001 sequence 1 \(granted\) from https:\/\/hdab\.dev\.invalid/,
    );
    const json = await run(["permit", "validate", "--json", permit]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      permitId: "DEMO-HDAB-2026-0001",
      sequence: 1,
      alg: "EdDSA",
      kid: "dev-hdab-1",
    });
  });

  it("validate: reads standard input for -", async () => {
    expect((await run(["permit", "validate", "-"], { stdin: readFileSync(permit, "utf8") })).code).toBe(0);
  });

  it("validate: exit 1 for a forged permit, with the code", async () => {
    const [h, , s] = readFileSync(permit, "utf8").trim().split(".");
    const forged = file(
      "forged.jws",
      `${h}.${Buffer.from(JSON.stringify(demoPermitPayload(new Date(), 7))).toString("base64url")}.${s}`,
    );
    const words = await run(["permit", "validate", forged]);
    expect(words.code).toBe(1);
    expect(words.stderr).toMatch(/^Invalid: PERMIT_SIGNATURE_INVALID: /);
    const json = await run(["permit", "validate", forged, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      errors: [{ code: "PERMIT_SIGNATURE_INVALID", message: expect.stringContaining("does not verify") }],
    });
  });

  it("validate --json: one entry per bad field", async () => {
    const bad = await signed("bad", {
      ...demoPermitPayload(new Date()),
      environment: { tools: ["jupyterlab"], cpu: "2", memory: "4GB", storage: "10Gi" },
      status: "paused",
    });
    const json = await run(["permit", "validate", "--json", bad]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).errors).toEqual([
      { code: "PERMIT_SCHEMA_INVALID", path: "status", message: expect.stringContaining("granted") },
      { code: "PERMIT_SCHEMA_INVALID", path: "environment.memory", message: 'a size in Mi, Gi or Ti ("16Gi")' },
    ]);
  });

  it("validate: trusts --trusted-issuers, then TRUSTED_ISSUERS_FILE; never the development HDAB in production", async () => {
    const foreign = await signed(
      "foreign",
      { ...demoPermitPayload(new Date()), issuer: TEST_ISSUER },
      file("se.jwk", se.privateJwk),
    );
    const trust = file("trust.json", { [TEST_ISSUER]: { keys: [se.publicJwk] } });
    expect((await run(["permit", "validate", foreign])).stderr).toMatch(/PERMIT_ISSUER_UNKNOWN/);
    expect((await run(["permit", "validate", foreign, "--trusted-issuers", trust])).code).toBe(0);
    expect((await run(["permit", "validate", foreign], { env: { TRUSTED_ISSUERS_FILE: trust } })).code).toBe(0);
    const production = await run(["permit", "validate", permit, "--json"], { env: { NODE_ENV: "production" } });
    expect(production.code).toBe(1);
    expect(JSON.parse(production.stdout).errors[0].code).toBe("PERMIT_ISSUER_UNKNOWN");
  });

  it.each<[string, string[], RegExp]>([
    ["no command", [], /Unknown command/],
    ["an unknown command", ["permit", "frob"], /Unknown command: spe permit frob/],
    ["no FILE", ["permit", "validate"], /exactly one FILE/],
    ["two FILEs", ["permit", "validate", "a.jws", "b.jws"], /exactly one FILE/],
    ["an unknown option", ["permit", "validate", "--strict", "x.jws"], /Unknown option '--strict'/],
    [
      "a FILE that does not exist",
      ["permit", "validate", join(dir, "absent.jws")],
      /Cannot read the permit file .*absent\.jws: ENOENT/,
    ],
    ["sign without --key", ["permit", "sign", "payload.json"], /needs --key/],
    [
      "import with a URL that is not http",
      ["permit", "import", "x.jws", "--url", "ftp://localhost"],
      /not an http\(s\) URL/,
    ],
  ])("exit 2 for %s, with the usage", async (_name, args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage:");
    expect(result.stdout).toBe("");
  });

  it("exit 2 for a trusted-issuers file that holds a private key", async () => {
    const leaky = file("leaky.json", { [TEST_ISSUER]: { keys: [se.privateJwk] } });
    const result = await run(["permit", "validate", permit, "--trusted-issuers", leaky]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TRUSTED_ISSUERS_INVALID: .*keys\[0\]\.d: is a private key part/s);
  });

  it("sign: exit 2 for a public key, and warns about a payload a receiver will refuse", async () => {
    const refused = await run([
      "permit",
      "sign",
      "--key",
      file("public.jwk", se.publicJwk),
      file("p.json", demoPermitPayload(new Date())),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/PERMIT_SIGNING_KEY_INVALID: The signing key is a public key/);
    const warned = await run([
      "permit",
      "sign",
      "--key",
      devHdabKeyFile,
      file("w.json", { ...demoPermitPayload(new Date()), sequence: 0 }),
    ]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^Warning: sequence: /);
    expect(warned.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  describe("import, against a running orchestrator", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack();
    });
    afterAll(() => stack.stop());

    it("prints the outcome: created, then unchanged", async () => {
      const first = await run(["permit", "import", permit, "--url", stack.appUrl]);
      expect(first, first.stderr).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(
        /^Created: permit DEMO-HDAB-2026-0001 sequence 1, environment spe-demo-hdab-2026-0001-[0-9a-f]{10}\.$/m,
      );
      expect((await run(["permit", "import", permit, "--url", `${stack.appUrl}/`])).stdout).toMatch(
        /^Unchanged \(already held\): /,
      );
    });

    it("exit 1 with the orchestrator's code when it refuses", async () => {
      const conflicting = await signed("conflicting", { ...demoPermitPayload(new Date()), conditions: "Other." });
      const result = await run(["permit", "import", conflicting, "--url", stack.appUrl]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Refused \(HTTP 409\): PERMIT_CONFLICT: /);
    });

    it("exit 1 when no orchestrator answers", async () => {
      const result = await run(["permit", "import", permit, "--url", `http://127.0.0.1:${await freePort()}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Could not reach the orchestrator/);
    });
  });
});
