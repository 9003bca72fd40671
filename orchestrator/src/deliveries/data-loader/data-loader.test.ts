import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, request } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, type Dirent } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { freePort } from "@spe/infra/local-cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/eventually";
import { startStack, type Stack } from "../../../test/stack";
import { searchAuditEvents } from "../../audit/search-audit-events";
import { stageEnvironment, type StagedEnvironment } from "./staged-environment-fixture";
import { stagingCapabilitiesFrom } from "../../staging/staging-key";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

/** The loader as its own process, as the Job runs it; resolves with its exit code and output. */
function runLoader(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", main], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const sha256Of = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
/** Every file under `dir`, relative, sorted. */
const filesIn = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();

describe("the data loader, as a process, against a real orchestrator", () => {
  let stack: Stack;
  let env: StagedEnvironment;
  /** The loader's environment exactly as the reconciler put it into the Job, but for the orchestrator's address. */
  let jobEnv: Record<string, string>;
  let job: k8s.V1Job;
  /** A loopback port nothing listens on. */
  let closedPort: number;
  const target = () => `patientregistret@2026-09/${env.staged.files[0]!.path}`;
  const freshDataDir = () => mkdtempSync(join(tmpdir(), "spe-data-"));
  const withStaged = (change: (staged: Array<{ files: Array<Record<string, string>> }>) => void) => {
    const staged = JSON.parse(jobEnv.SPE_STAGED!) as Array<{ files: Array<Record<string, string>> }>;
    change(staged);
    return { ...jobEnv, SPE_STAGED: JSON.stringify(staged) };
  };

  beforeAll(async () => {
    stack = await startStack();
    closedPort = await freePort();
    env = await stageEnvironment(stack);
    stack.services.environments.enqueue(env.namespace);
    const batch = stack.services.kube.config.makeApiClient(k8s.BatchV1Api);
    job = await eventually(
      "the reconciler made the loader Job",
      async () => (await batch.listNamespacedJob({ namespace: env.namespace })).items[0],
      30_000,
    );
    const vars = Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value!]));
    // The token the kubelet would have projected into the loader's pod, where the Job says it is.
    const tokenDir = mkdtempSync(join(tmpdir(), "spe-loader-token-"));
    writeFileSync(join(tokenDir, "token"), env.loaderToken);
    expect(vars.SPE_STAGING_TOKEN_FILE).toBe("/var/run/secrets/spe-staging/token");
    jobEnv = {
      ...vars,
      SPE_STAGING_URL: vars.SPE_STAGING_URL!.replace(/^https?:\/\/[^/]+/, stack.stagingOrigin),
      SPE_STAGING_TOKEN_FILE: join(tokenDir, "token"),
    };
  }, 120_000);
  afterAll(() => stack.stop());

  it("is told what to load by the Job, with a capability per file and not the staging key", () => {
    expect(jobEnv.SPE_STAGING_URL).toBe(`${stack.stagingOrigin}/staging/${env.namespace}`);
    const staged = JSON.parse(jobEnv.SPE_STAGED!) as Array<{
      deliveryId: string;
      files: Array<{ path: string; sha256: string; capability: string }>;
    }>;
    expect(staged).toEqual([
      expect.objectContaining({
        deliveryId: env.staged.deliveryId,
        files: [{ ...env.staged.files[0], capability: expect.stringMatching(/^v1\.\d+\.[\w-]{43}$/) }],
      }),
    ]);
    const key = readFileSync(join(stack.config.DATA_DIR, "keys", "staging.key"), "latin1").trim();
    const json = JSON.stringify(job);
    for (const spelling of [
      key,
      Buffer.from(key, "hex").toString("base64"),
      Buffer.from(key, "hex").toString("base64url"),
    ])
      expect(json).not.toContain(spelling);
  });

  it("loads every staged file with its hash, writes MANIFEST.json, and audits each file served", async () => {
    const data = freshDataDir();
    const run = await runLoader({ ...jobEnv, SPE_DATA_DIR: data });
    expect(run.code, run.stderr).toBe(0);
    expect(filesIn(data)).toEqual(["MANIFEST.json", target()]);
    expect(sha256Of(join(data, target()))).toBe(env.staged.files[0]!.sha256);
    expect(JSON.parse(readFileSync(join(data, "MANIFEST.json"), "utf8"))).toEqual({
      manifestVersion: 1,
      permitId: env.permitId,
      datasets: [
        {
          id: "patientregistret",
          version: "2026-09",
          deliveryId: env.staged.deliveryId,
          manifestSha256: env.staged.manifestSha256,
          files: [
            { path: target(), sha256: env.staged.files[0]!.sha256, bytes: readFileSync(join(data, target())).length },
          ],
        },
      ],
    });
    const [served] = await searchAuditEvents(stack.services.database.db, {
      target: `environment:${env.namespace}`,
      action: "staging.file-served",
      limit: 1,
    });
    expect(served?.details).toMatchObject({ path: env.staged.files[0]!.path, sha256: env.staged.files[0]!.sha256 });

    // Again: nothing fetched, the same bytes. Files no longer staged leave; a damaged copy is fetched anew.
    const manifest = readFileSync(join(data, "MANIFEST.json"));
    expect(
      JSON.parse((await runLoader({ ...jobEnv, SPE_DATA_DIR: data })).stdout.trim().split("\n").at(-1)!),
    ).toMatchObject({ fetched: 0, kept: 1, removed: 0 });
    expect(readFileSync(join(data, "MANIFEST.json"))).toEqual(manifest);
    mkdirSync(join(data, "lakemedelsregistret@2026-09"));
    writeFileSync(join(data, "lakemedelsregistret@2026-09", "old.parquet"), "no longer granted");
    writeFileSync(join(data, "stray.txt"), "x");
    writeFileSync(join(data, target()), "damaged", { mode: 0o644 });
    const again = await runLoader({ ...jobEnv, SPE_DATA_DIR: data });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split("\n").at(-1)!)).toMatchObject({ fetched: 1, kept: 0, removed: 2 });
    expect(filesIn(data)).toEqual(["MANIFEST.json", target()]);
    expect(sha256Of(join(data, target()))).toBe(env.staged.files[0]!.sha256);
  });

  it.each<[string, () => Record<string, string>, RegExp]>([
    [
      "bytes that do not hash to what the Job says",
      () => withStaged((s) => (s[0]!.files[0]!.sha256 = "0".repeat(64))),
      /LOADER_HASH_MISMATCH: patientregistret@2026-09\/\S+ from \S+ has SHA-256 [0-9a-f]{64}, not the staged 0{64}/,
    ],
    [
      "a forged capability",
      () => withStaged((s) => (s[0]!.files[0]!.capability = `v1.1900000000.${"A".repeat(43)}`)),
      /LOADER_REFUSED: GET \S+ was answered 403: STAGING_CAPABILITY_INVALID/,
    ],
    [
      "an expired capability",
      () =>
        withStaged(
          (s) =>
            (s[0]!.files[0]!.capability = stagingCapabilitiesFrom(stack.config).sign(
              {
                namespace: env.namespace,
                deliveryId: env.staged.deliveryId,
                path: env.staged.files[0]!.path,
                sha256: env.staged.files[0]!.sha256,
              },
              new Date(Date.now() - 60_000),
            )),
        ),
      /answered 403: STAGING_CAPABILITY_EXPIRED/,
    ],
    [
      "no token of the loader's pod (the Job's capabilities copied and run elsewhere)",
      () => Object.fromEntries(Object.entries(jobEnv).filter(([k]) => k !== "SPE_STAGING_TOKEN_FILE")),
      /answered 401: STAGING_LOADER_TOKEN_MISSING/,
    ],
    [
      "another environment's staging URL",
      () => ({ ...jobEnv, SPE_STAGING_URL: `${stack.stagingOrigin}/staging/spe-other-0123456789` }),
      /answered 404: STAGING_NAMESPACE_UNKNOWN/,
    ],
    [
      "no orchestrator at the address",
      () => ({ ...jobEnv, SPE_STAGING_URL: `http://127.0.0.1:${closedPort}/staging/x`, SPE_RETRY_SECONDS: "0" }),
      /LOADER_FETCH_FAILED: GET http:\/\/127\.0\.0\.1:\d+\/staging\/x\/\S+ failed: fetch failed: ECONNREFUSED\. The Job will try again\./,
    ],
  ])("exits 1 and leaves nothing half-written given %s", async (_, loaderEnv, message) => {
    const data = freshDataDir();
    const run = await runLoader({ ...loaderEnv(), SPE_DATA_DIR: data });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/v1\.\d+\.[\w-]{43}/);
    expect(readdirSync(data)).toEqual([]);
  });

  it("waits out an orchestrator that answers 'not now' at first, for SPE_RETRY_SECONDS", async () => {
    let requests = 0;
    // In front of the orchestrator: 503 once, as during a restart, then the real answers.
    const flaky = createServer((req, res) => {
      if (++requests === 1)
        return void res
          .writeHead(503, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "RESTARTING", message: "Back soon." }));
      req.pipe(
        request(`${stack.stagingOrigin}${req.url}`, { method: req.method, headers: req.headers }, (up) =>
          up.pipe(res.writeHead(up.statusCode!, up.headers)),
        ),
      );
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = flaky.address() as { port: number };
      const data = freshDataDir();
      const run = await runLoader({
        ...jobEnv,
        SPE_STAGING_URL: `http://127.0.0.1:${port}/staging/${env.namespace}`,
        SPE_DATA_DIR: data,
        SPE_RETRY_SECONDS: "10",
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /"msg":"Retrying file after a transient failure".*"code":"LOADER_REFUSED","attempt":1/,
      );
      expect(requests).toBe(2);
      expect(sha256Of(join(data, target()))).toBe(env.staged.files[0]!.sha256);
    } finally {
      flaky.close();
    }
  });

  it("waits as long as a 429's Retry-After asks, rather than failing the Job, and then loads", async () => {
    let requests = 0;
    // In front of the orchestrator: the refusal limit's answer once, then the real answers.
    const limited = createServer((req, res) => {
      if (++requests === 1)
        return void res.writeHead(429, { "content-type": "application/json", "retry-after": "2" }).end(
          JSON.stringify({
            error: "STAGING_TOO_MANY_REFUSALS",
            limit: "all addresses",
            message: "Too many refused requests.",
          }),
        );
      req.pipe(
        request(`${stack.stagingOrigin}${req.url}`, { method: req.method, headers: req.headers }, (up) =>
          up.pipe(res.writeHead(up.statusCode!, up.headers)),
        ),
      );
    });
    await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = limited.address() as { port: number };
      const data = freshDataDir();
      const run = await runLoader({
        ...jobEnv,
        SPE_STAGING_URL: `http://127.0.0.1:${port}/staging/${env.namespace}`,
        SPE_DATA_DIR: data,
        SPE_RETRY_SECONDS: "10",
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /"msg":"Retrying file after a transient failure".*"code":"LOADER_REFUSED","attempt":1,"pauseMs":2000,"reason":"GET \S+ was answered 429: STAGING_TOO_MANY_REFUSALS/,
      );
      expect(requests).toBe(2);
      expect(sha256Of(join(data, target()))).toBe(env.staged.files[0]!.sha256);
    } finally {
      limited.close();
    }
  });

  it("exits 2 and says which setting is wrong when the Job's environment is not the orchestrator's", async () => {
    const run = await runLoader({
      ...jobEnv,
      SPE_STAGED: JSON.stringify([
        { datasetId: "x", version: "1", deliveryId: "not-a-uuid", manifestSha256: "a".repeat(64), files: [] },
      ]),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Invalid configuration: SPE_STAGED\.0\.deliveryId: .*; SPE_STAGED\.0\.files: /);
  });

  it("exits 1 when the staged file changed in staging, keeping what was loaded before", async () => {
    const data = freshDataDir();
    expect((await runLoader({ ...jobEnv, SPE_DATA_DIR: data })).code).toBe(0);
    const { staging } = stack.services.deliveries;
    const staged = {
      namespace: env.namespace,
      datasetId: env.staged.datasetId,
      datasetVersion: env.staged.version,
      id: env.staged.deliveryId,
    };
    const path = env.staged.files[0]!.path;
    const original = (await staging.openFile(staged, path)).body;
    const bytes: Buffer[] = [];
    for await (const chunk of original) bytes.push(chunk as Buffer);
    await staging.writeFile(staged, path, Readable.from([Buffer.concat([...bytes, Buffer.from("appended")])]));
    writeFileSync(join(data, target()), "damaged", { mode: 0o644 });
    const run = await runLoader({ ...jobEnv, SPE_DATA_DIR: data, SPE_RETRY_SECONDS: "0" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/answered 503: STAGING_FILE_UNAVAILABLE/);
    expect(filesIn(data)).toEqual(["MANIFEST.json", target()]);
    expect(existsSync(join(data, ".loading"))).toBe(false);
  });
});
