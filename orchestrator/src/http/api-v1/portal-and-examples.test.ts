import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../../e2e/browser";
import type { ExampleResult } from "../../../../examples/typescript/integrator-client";
import { startStack, type Stack } from "../../../test/stack";
import { DEMO_DATA_HOLDER, DEMO_HDAB_CLIENT } from "../../auth/demo-accounts";
import { synthRegisterCsv } from "../../datasets";
import { demoPermitPayload } from "../../permits/demo-permit";
import { devHdabKeyFile, devHdabPrivateKey } from "../../permits/dev-hdab";
import { signPermit } from "../../permits/sign-permit";
import { API_V1_OPERATIONS } from "./operations";
import { GUIDES } from "./portal-pages";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "spe-examples-"));
const run = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repo, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

let stack: Stack;
let credentials: NodeJS.ProcessEnv;
const extract = join(dir, "extract.csv");

beforeAll(async () => {
  stack = await startStack();
  writeFileSync(extract, [...synthRegisterCsv({ rows: 300, seed: 5 })].join(""));
  credentials = {
    SPE_URL: stack.appUrl,
    EXTRACT_FILE: extract,
    HDAB_CLIENT_ID: DEMO_HDAB_CLIENT.clientId,
    HDAB_CLIENT_SECRET: DEMO_HDAB_CLIENT.clientSecret,
    HOLDER_CLIENT_ID: DEMO_DATA_HOLDER.clientId,
    HOLDER_CLIENT_SECRET: DEMO_DATA_HOLDER.clientSecret,
  };
});
afterAll(() => stack.stop());

describe("the example clients in examples/, against a running orchestrator", () => {
  it("curl/integrator.sh pushes a permit, reads its status, checks and delivers an extract", async () => {
    // The script's own tools; CI must have them, or the docs would rot unseen.
    for (const tool of ["curl", "jq"])
      expect(spawnSync(tool, ["--version"]).status, `${tool} is needed to run the curl example`).toBe(0);
    const permit = join(dir, "permit.jws");
    writeFileSync(
      permit,
      await signPermit(
        { ...demoPermitPayload(new Date()), permitId: `EXAMPLE-CURL-${Date.now().toString(36)}` },
        devHdabPrivateKey(),
      ),
    );
    const result = await run("bash", ["examples/curl/integrator.sh"], { ...credentials, PERMIT_FILE: permit });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^permit EXAMPLE-CURL-\w+: created$/m);
    expect(result.stdout).toMatch(/^environment: (provisioning|ready) \(permit valid\): /m);
    expect(result.stdout).toMatch(/^check: valid=true, 300 rows, 0 issue\(s\)$/m);
    expect(result.stdout).toMatch(/^delivery [0-9a-f-]{36}: staged, 300 rows, upload sha256 [0-9a-f]{64}$/m);
  });

  it("typescript/integrator-client.ts signs and pushes a permit, then checks and delivers an extract", async () => {
    const payload = join(dir, "permit.json");
    const permitId = `EXAMPLE-TS-${Date.now().toString(36)}`;
    writeFileSync(payload, JSON.stringify({ ...demoPermitPayload(new Date()), permitId }));
    const result = await run(process.execPath, ["--import", "tsx", "examples/typescript/integrator-client.ts"], {
      ...credentials,
      PERMIT_PAYLOAD_FILE: payload,
      SIGNING_KEY_FILE: devHdabKeyFile,
    });
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as ExampleResult;
    expect(outcome).toMatchObject({ permitId, outcome: "created", valid: true, deliveryState: "staged", rows: 300 });
  });

  it("the TypeScript example reports a refusal with the API's code and exit 1", async () => {
    const payload = join(dir, "bad-permit.json");
    writeFileSync(
      payload,
      JSON.stringify({ ...demoPermitPayload(new Date()), permitId: "EXAMPLE-BAD", validUntil: "2020-01-01T00:00:00Z" }),
    );
    const result = await run(process.execPath, ["--import", "tsx", "examples/typescript/integrator-client.ts"], {
      ...credentials,
      PERMIT_PAYLOAD_FILE: payload,
      SIGNING_KEY_FILE: devHdabKeyFile,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^422 PERMIT_SCHEMA_INVALID: .*\n- validUntil: must be after validFrom/m);
  });
});

describe("the developer portal at /developers", () => {
  it("renders the API reference with Swagger UI from our own origin, within its Content-Security-Policy", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const problems: string[] = [];
      page.on("request", (req) => {
        if (new URL(req.url()).origin !== stack.appUrl) elsewhere.push(req.url());
      });
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (err) => problems.push(err.message));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      const res = await page.goto(`${stack.appUrl}/developers`);
      expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
      // Swagger UI lists each operation once it has loaded and rendered the document.
      await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
      expect(await page.locator(".opblock").count()).toBe(API_V1_OPERATIONS.length);
      await expect(page.getByText("Push a granted, amended or revoked permit").count()).resolves.toBe(1);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);

      await page.getByRole("link", { name: "Error codes" }).click();
      await page.getByRole("heading", { level: 1, name: "Error codes and what to do about them" }).waitFor();
      expect(await page.locator("td code", { hasText: "IDEMPOTENCY_IN_PROGRESS" }).count()).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it.each(GUIDES.map((g) => [g.slug, g.title]))("serves the guide %s without sign-in", async (slug, title) => {
    const res = await fetch(`${stack.appUrl}/developers/guides/${slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await res.text()).toContain(`<title>${title.replace(/&/g, "&amp;")} · SPE developer portal</title>`);
  });

  it("serves only its own assets", async () => {
    expect((await fetch(`${stack.appUrl}/developers/assets/swagger-ui-bundle.js`)).headers.get("content-type")).toMatch(
      /^text\/javascript/,
    );
    for (const name of ["package.json", "..%2F..%2Fpackage.json", "index.html"])
      expect((await fetch(`${stack.appUrl}/developers/assets/${name}`)).status).toBe(404);
    expect((await fetch(`${stack.appUrl}/developers/guides/nosuch`)).status).toBe(404);
  });
});
