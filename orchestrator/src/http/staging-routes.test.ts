import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../test/stack";
import { searchAuditEvents } from "../audit/search-audit-events";
import { stageEnvironment, type StagedEnvironment } from "../deliveries/data-loader/staged-environment-fixture";
import { stagingCapabilities, type StagedFileClaim, type StagingCapabilities } from "../deliveries/data-loader/staging-capability";
import { stagingCapabilitiesFrom } from "../deliveries/data-loader/staging-key";
import { stagedPath } from "../deliveries/receive-delivery";

/** A GET with the path exactly as written (fetch would resolve `..` before sending it). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { path, headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject).end();
  });
}

describe("GET /staging/<namespace>/<delivery>/<file> for data loaders", () => {
  let stack: Stack;
  let caps: StagingCapabilities;
  let a: StagedEnvironment;
  let b: StagedEnvironment;
  const claimOf = (e: StagedEnvironment): StagedFileClaim => ({ namespace: e.namespace, deliveryId: e.staged.deliveryId, path: e.staged.files[0]!.path, sha256: e.staged.files[0]!.sha256 });
  const pathOf = (c: Pick<StagedFileClaim, "namespace" | "deliveryId" | "path">) => `/staging/${c.namespace}/${c.deliveryId}/${c.path}`;
  const get = (path: string, capability?: string) => rawGet(stack.appUrl, path, capability === undefined ? {} : { authorization: `Bearer ${capability}` });
  const lastEvent = async (namespace: string, action: string) => (await searchAuditEvents(stack.services.database.db, { target: `environment:${namespace}`, action, limit: 1 }))[0];

  beforeAll(async () => {
    stack = await startStack();
    caps = stagingCapabilitiesFrom(stack.config);
    [a, b] = [await stageEnvironment(stack), await stageEnvironment(stack)];
  });
  afterAll(() => stack.stop());

  it("streams a staged file to the bearer of its capability, with its digest, and audits it with its hash", async () => {
    const claim = claimOf(a);
    const res = await fetch(`${stack.appUrl}${pathOf(claim)}`, { headers: { authorization: `Bearer ${caps.sign(claim, a.validUntil)}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(claim.sha256);
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("repr-digest")).toBe(`sha-256=:${Buffer.from(claim.sha256, "hex").toString("base64")}:`);
    expect(await lastEvent(a.namespace, "staging.file-served")).toMatchObject({
      actor: { subject: `data-loader:${a.namespace}`, role: "system" },
      details: { deliveryId: claim.deliveryId, path: claim.path, sha256: claim.sha256, bytes: bytes.length, dataset: { id: "patientregistret", version: "2026-09" } },
    });
  });

  const refusals: Array<[string, () => { path: string; capability?: string }, number, string]> = [
    ["no capability", () => ({ path: pathOf(claimOf(a)) }), 401, "STAGING_CAPABILITY_MISSING"],
    ["a capability that is not a bearer token", () => ({ path: pathOf(claimOf(a)), capability: "a b" }), 401, "STAGING_CAPABILITY_MISSING"],
    ["a capability made with another key", () => ({ path: pathOf(claimOf(a)), capability: stagingCapabilities(randomBytes(32)).sign(claimOf(a), a.validUntil) }), 403, "STAGING_CAPABILITY_INVALID"],
    ["another namespace's capability for this namespace's file", () => ({ path: pathOf(claimOf(a)), capability: caps.sign(claimOf(b), b.validUntil) }), 403, "STAGING_CAPABILITY_INVALID"],
    ["another namespace's file through this namespace, with the other's capability", () => ({ path: pathOf({ ...claimOf(b), namespace: a.namespace }), capability: caps.sign(claimOf(b), b.validUntil) }), 404, "STAGING_FILE_NOT_STAGED"],
    ["an expired capability", () => ({ path: pathOf(claimOf(a)), capability: caps.sign(claimOf(a), new Date(Date.now() - 1000)) }), 403, "STAGING_CAPABILITY_EXPIRED"],
    ["a namespace with no environment", () => ({ path: pathOf({ ...claimOf(a), namespace: "spe-nobody-0123456789" }), capability: caps.sign({ ...claimOf(a), namespace: "spe-nobody-0123456789" }, a.validUntil) }), 404, "STAGING_NAMESPACE_UNKNOWN"],
    ["a delivery that is not staged", () => ({ path: pathOf({ ...claimOf(a), deliveryId: randomUUID() }), capability: "v1.1.x" }), 404, "STAGING_FILE_NOT_STAGED"],
    ["a file in the delivery's folder that its manifest does not list", () => ({ path: pathOf({ ...claimOf(a), path: "manifest.json" }), capability: caps.sign({ ...claimOf(a), path: "manifest.json" }, a.validUntil) }), 404, "STAGING_FILE_NOT_STAGED"],
    ["'..' in the path", () => ({ path: `${pathOf(claimOf(a))}/../../../../keys/staging.key`, capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["'..' percent-encoded", () => ({ path: pathOf({ ...claimOf(a), path: "%2e%2e/%2E%2E/keys/staging.key" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["an encoded slash and '..'", () => ({ path: pathOf({ ...claimOf(a), path: "..%2f..%2fkeys%2fstaging.key" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["a backslash", () => ({ path: pathOf({ ...claimOf(a), path: "..%5c..%5cstaging.key" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["an absolute path", () => ({ path: pathOf({ ...claimOf(a), path: "%2fetc%2fpasswd" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["a NUL byte", () => ({ path: pathOf({ ...claimOf(a), path: "a.parquet%00.txt" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["a namespace that is no namespace name", () => ({ path: pathOf({ ...claimOf(a), namespace: "Spe_X" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
    ["a delivery id that is no UUID", () => ({ path: pathOf({ ...claimOf(a), deliveryId: "latest" }), capability: "v1.1.x" }), 400, "STAGING_PATH_INVALID"],
  ];
  it.each(refusals)("refuses %s, says what to do, and audits the refusal", async (_, build, status, code) => {
    const { path, capability } = build();
    const res = await get(path, capability);
    expect(res.status, res.body).toBe(status);
    const body = JSON.parse(res.body) as { error: string; message: string };
    expect(body.error).toBe(code);
    expect(body.message.length).toBeGreaterThan(20);
    const target = /^\/staging\/([a-z0-9-]+)\//.exec(path)?.[1];
    const event = await lastEvent(target ?? "unknown", "staging.refused");
    expect(event).toMatchObject({ actor: { subject: "unknown", role: "anonymous" }, details: { code } });
    expect(JSON.stringify(event)).not.toContain(capability ?? "no capability sent");
  });

  const tamper = (e: StagedEnvironment) => {
    const file = join(stagedPath(stack.services.deliveries.stagingDir, { namespace: e.namespace, datasetId: e.staged.datasetId, datasetVersion: e.staged.version, id: e.staged.deliveryId }), e.staged.files[0]!.path);
    const bytes = readFileSync(file);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(file, bytes);
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  };

  it("answers STAGING_FILE_UNAVAILABLE for a small staged file that no longer matches its manifest, and audits the mismatch", async () => {
    const claim = claimOf(b);
    const changed = tamper(b);
    const res = await get(pathOf(claim), caps.sign(claim, b.validUntil));
    expect(res.status, res.body).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: "STAGING_FILE_UNAVAILABLE" });
    expect(await lastEvent(b.namespace, "staging.file-mismatch")).toMatchObject({ details: { sha256: claim.sha256, actualSha256: changed.sha256 } });
    expect(await lastEvent(b.namespace, "staging.file-served")).toBeUndefined();
  });

  it("breaks off a large staged file that no longer matches its manifest before its last bytes", async () => {
    const large = await stageEnvironment(stack, 60_000);
    const claim = claimOf(large);
    const changed = tamper(large);
    // More than one read chunk (1 MiB): the first goes out before the mismatch can be known.
    expect(changed.bytes.length).toBeGreaterThan(1.5 * 1024 * 1024);
    const res = await fetch(`${stack.appUrl}${pathOf(claim)}`, { headers: { authorization: `Bearer ${caps.sign(claim, large.validUntil)}` } });
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(await lastEvent(large.namespace, "staging.file-mismatch")).toMatchObject({ details: { actualSha256: changed.sha256 } });
  });
});
