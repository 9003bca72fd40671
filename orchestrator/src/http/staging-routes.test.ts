import { pino } from "pino";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { startLocalS3, type LocalS3 } from "@spe/infra/local-s3";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startStack, type Stack } from "../../test/stack";
import { eq } from "drizzle-orm";
import { searchAuditEvents } from "../audit/search-audit-events";
import { permits } from "../db/schema";
import { stageEnvironment, type StagedEnvironment } from "../deliveries/data-loader/staged-environment-fixture";
import { stagingCapabilities, type StagedFileClaim, type StagingCapabilities } from "../staging/staging-capability";
import { stagingCapabilitiesFrom } from "../staging/staging-key";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { parseConfig } from "../config";
import { synthRegisterCsv } from "../datasets";
import { receiveDelivery } from "../deliveries/receive-delivery";
import { startDelivery } from "../deliveries/start-delivery";
import { stagingStoreFrom } from "../staging/staging-store-from-config";
import { StagedFileUnavailable, type StagingStore } from "../staging/staging-store";
import { registerStagingRoutes } from "./staging-routes";
import * as k8s from "@kubernetes/client-node";
import { LOADER_TOKEN_HEADER } from "../deliveries/data-loader/loader-plan";
import { tokenReviewLoaderIdentity } from "../staging/loader-identity";

/** A GET with the path exactly as written (fetch would resolve `..` before sending it), from `from` (a loopback address) if given. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  from?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { path, headers, localAddress: from }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject).end();
  });
}

describe("GET /staging/<namespace>/<delivery>/<file> for data loaders", () => {
  let stack: Stack;
  let caps: StagingCapabilities;
  let a: StagedEnvironment;
  let b: StagedEnvironment;
  const claimOf = (e: StagedEnvironment): StagedFileClaim => ({
    namespace: e.namespace,
    deliveryId: e.staged.deliveryId,
    path: e.staged.files[0]!.path,
    sha256: e.staged.files[0]!.sha256,
  });
  const pathOf = (c: Pick<StagedFileClaim, "namespace" | "deliveryId" | "path">) =>
    `/staging/${c.namespace}/${c.deliveryId}/${c.path}`;
  /** The loader pod's token of each environment staged here, sent with every request for its files. */
  const tokens = new Map<string, string>();
  const stage = async (rows?: number) => {
    const e = await stageEnvironment(stack, rows);
    tokens.set(e.namespace, e.loaderToken);
    return e;
  };
  const loaderHeader = (path: string): Record<string, string> => {
    const token = tokens.get(/^\/staging\/([a-z0-9-]+)\//.exec(path)?.[1] ?? "");
    return token ? { [LOADER_TOKEN_HEADER]: token } : {};
  };
  const get = (path: string, capability?: string, headers = loaderHeader(path)) =>
    rawGet(stack.stagingOrigin, path, {
      ...headers,
      ...(capability === undefined ? {} : { authorization: `Bearer ${capability}` }),
    });
  const lastEvent = async (namespace: string, action: string) =>
    (await searchAuditEvents(stack.services.database.db, { target: `environment:${namespace}`, action, limit: 1 }))[0];

  beforeAll(async () => {
    stack = await startStack();
    caps = stagingCapabilitiesFrom(stack.config);
    [a, b] = [await stage(), await stage()];
  });
  afterAll(() => stack.stop());

  it("streams a staged file to the bearer of its capability, with its digest, and audits it with its hash", async () => {
    const claim = claimOf(a);
    const res = await fetch(`${stack.stagingOrigin}${pathOf(claim)}`, {
      headers: { authorization: `Bearer ${caps.sign(claim, a.validUntil)}`, ...loaderHeader(pathOf(claim)) },
    });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(claim.sha256);
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("repr-digest")).toBe(`sha-256=:${Buffer.from(claim.sha256, "hex").toString("base64")}:`);
    expect(await lastEvent(a.namespace, "staging.file-served")).toMatchObject({
      actor: { subject: `data-loader:${a.namespace}`, role: "system" },
      details: {
        pod: expect.stringMatching(/^data-loader-[0-9a-f]{10}-/),
        deliveryId: claim.deliveryId,
        path: claim.path,
        sha256: claim.sha256,
        bytes: bytes.length,
        dataset: { id: "patientregistret", version: "2026-09" },
      },
    });
  });

  const refusals: Array<[string, () => { path: string; capability?: string }, number, string]> = [
    ["no capability", () => ({ path: pathOf(claimOf(a)) }), 401, "STAGING_CAPABILITY_MISSING"],
    [
      "a capability that is not a bearer token",
      () => ({ path: pathOf(claimOf(a)), capability: "a b" }),
      401,
      "STAGING_CAPABILITY_MISSING",
    ],
    [
      "a capability made with another key",
      () => ({
        path: pathOf(claimOf(a)),
        capability: stagingCapabilities(randomBytes(32)).sign(claimOf(a), a.validUntil),
      }),
      403,
      "STAGING_CAPABILITY_INVALID",
    ],
    [
      "another namespace's capability for this namespace's file",
      () => ({ path: pathOf(claimOf(a)), capability: caps.sign(claimOf(b), b.validUntil) }),
      403,
      "STAGING_CAPABILITY_INVALID",
    ],
    [
      "another namespace's file through this namespace, with the other's capability",
      () => ({
        path: pathOf({ ...claimOf(b), namespace: a.namespace }),
        capability: caps.sign(claimOf(b), b.validUntil),
      }),
      404,
      "STAGING_FILE_NOT_STAGED",
    ],
    [
      "an expired capability",
      () => ({ path: pathOf(claimOf(a)), capability: caps.sign(claimOf(a), new Date(Date.now() - 1000)) }),
      403,
      "STAGING_CAPABILITY_EXPIRED",
    ],
    [
      "a namespace with no environment",
      () => ({
        path: pathOf({ ...claimOf(a), namespace: "spe-nobody-0123456789" }),
        capability: caps.sign({ ...claimOf(a), namespace: "spe-nobody-0123456789" }, a.validUntil),
      }),
      404,
      "STAGING_NAMESPACE_UNKNOWN",
    ],
    [
      "a delivery that is not staged",
      () => ({ path: pathOf({ ...claimOf(a), deliveryId: randomUUID() }), capability: "v1.1.x" }),
      404,
      "STAGING_FILE_NOT_STAGED",
    ],
    [
      "a file in the delivery's folder that its manifest does not list",
      () => ({
        path: pathOf({ ...claimOf(a), path: "manifest.json" }),
        capability: caps.sign({ ...claimOf(a), path: "manifest.json" }, a.validUntil),
      }),
      404,
      "STAGING_FILE_NOT_STAGED",
    ],
    [
      "'..' in the path",
      () => ({ path: `${pathOf(claimOf(a))}/../../../../keys/staging.key`, capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "'..' percent-encoded",
      () => ({ path: pathOf({ ...claimOf(a), path: "%2e%2e/%2E%2E/keys/staging.key" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "an encoded slash and '..'",
      () => ({ path: pathOf({ ...claimOf(a), path: "..%2f..%2fkeys%2fstaging.key" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "a backslash",
      () => ({ path: pathOf({ ...claimOf(a), path: "..%5c..%5cstaging.key" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "an absolute path",
      () => ({ path: pathOf({ ...claimOf(a), path: "%2fetc%2fpasswd" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "a NUL byte",
      () => ({ path: pathOf({ ...claimOf(a), path: "a.parquet%00.txt" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "a namespace that is no namespace name",
      () => ({ path: pathOf({ ...claimOf(a), namespace: "Spe_X" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
    [
      "a delivery id that is no UUID",
      () => ({ path: pathOf({ ...claimOf(a), deliveryId: "latest" }), capability: "v1.1.x" }),
      400,
      "STAGING_PATH_INVALID",
    ],
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

  it("refuses a file of a permit whose validity has ended, before its teardown has begun", async () => {
    const ended = await stage();
    const claim = claimOf(ended);
    const capability = caps.sign(claim, new Date(Date.now() + 3_600_000));
    expect((await get(pathOf(claim), capability)).status).toBe(200);
    await stack.services.database.db
      .update(permits)
      .set({ validUntil: new Date(Date.now() - 1000) })
      .where(eq(permits.permitId, ended.permitId));
    const res = await get(pathOf(claim), capability);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: "STAGING_NAMESPACE_UNKNOWN" });
  });

  it.each([
    [
      "without the loader pod's token (a capability copied from the Job)",
      () => ({}),
      401,
      "STAGING_LOADER_TOKEN_MISSING",
    ],
    [
      "with another environment's loader token",
      () => ({ [LOADER_TOKEN_HEADER]: b.loaderToken }),
      403,
      "STAGING_NOT_THE_LOADER",
    ],
  ])("refuses a valid capability %s, and audits it as such", async (_what, headers, status, code) => {
    const claim = claimOf(a);
    const res = await get(pathOf(claim), caps.sign(claim, a.validUntil), headers());
    expect(res.status, res.body).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ error: code });
    expect(await lastEvent(a.namespace, "staging.refused")).toMatchObject({ details: { code } });
  });

  it("refuses the loader's token once its pod is gone: a copy outlives nothing", async () => {
    const gone = await stage();
    const claim = claimOf(gone);
    expect((await get(pathOf(claim), caps.sign(claim, gone.validUntil))).status).toBe(200);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject("kubeconfig"));
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({
      namespace: gone.namespace,
      labelSelector: "app.kubernetes.io/component=data-loader",
    });
    // A break-glass administrator's deletion, as a finished or evicted pod's: the Job makes a new one.
    for (const pod of pods.items)
      await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: gone.namespace, gracePeriodSeconds: 0 });
    await expect
      .poll(async () => (await get(pathOf(claim), caps.sign(claim, gone.validUntil))).status, { timeout: 15_000 })
      .toBe(403);
    expect(await lastEvent(gone.namespace, "staging.refused")).toMatchObject({
      details: { code: "STAGING_NOT_THE_LOADER" },
    });
  });

  /** Flips a byte of the environment's staged file in the store, behind the manifest's back. */
  const tamper = async (e: StagedEnvironment) => {
    const { staging } = stack.services.deliveries;
    const ref = {
      namespace: e.namespace,
      datasetId: e.staged.datasetId,
      datasetVersion: e.staged.version,
      id: e.staged.deliveryId,
    };
    const chunks: Buffer[] = [];
    for await (const chunk of (await staging.openFile(ref, e.staged.files[0]!.path)).body) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    bytes[100] = bytes[100]! ^ 0xff;
    await staging.writeFile(ref, e.staged.files[0]!.path, Readable.from([bytes]));
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  };

  it("answers STAGING_FILE_UNAVAILABLE for a small staged file that no longer matches its manifest, and audits the mismatch", async () => {
    const claim = claimOf(b);
    const changed = await tamper(b);
    const res = await get(pathOf(claim), caps.sign(claim, b.validUntil));
    expect(res.status, res.body).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: "STAGING_FILE_UNAVAILABLE" });
    expect(await lastEvent(b.namespace, "staging.file-mismatch")).toMatchObject({
      details: { sha256: claim.sha256, actualSha256: changed.sha256 },
    });
    expect(await lastEvent(b.namespace, "staging.file-served")).toBeUndefined();
  });

  it("breaks off a large staged file that no longer matches its manifest before its last bytes", async () => {
    const large = await stage(60_000);
    const claim = claimOf(large);
    const changed = await tamper(large);
    // More than one read chunk (1 MiB): the first goes out before the mismatch can be known.
    expect(changed.bytes.length).toBeGreaterThan(1.5 * 1024 * 1024);
    const res = await fetch(`${stack.stagingOrigin}${pathOf(claim)}`, {
      headers: { authorization: `Bearer ${caps.sign(claim, large.validUntil)}`, ...loaderHeader(pathOf(claim)) },
    });
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(await lastEvent(large.namespace, "staging.file-mismatch")).toMatchObject({
      details: { actualSha256: changed.sha256 },
    });
  });
});

describe("/staging under a flood of refused requests", () => {
  let stack: Stack;
  let caps: StagingCapabilities;
  let staged: StagedEnvironment;
  let app: FastifyInstance;
  let url: string;
  const limits = { perAddress: 5, total: 12, windowMs: 60_000 };
  const refusedIn = async (namespace: string) =>
    (
      await searchAuditEvents(stack.services.database.db, {
        target: `environment:${namespace}`,
        action: "staging.refused",
        limit: 1000,
      })
    ).length;
  /** A namespace no environment has: each request costs the lookups, and is refused STAGING_NAMESPACE_UNKNOWN. */
  const unknownFile = (namespace: string) => `/staging/${namespace}/${randomUUID()}/data.parquet`;

  beforeAll(async () => {
    stack = await startStack();
    caps = stagingCapabilitiesFrom(stack.config);
    staged = await stageEnvironment(stack);
    // Its own server on the stack's database, with low limits, so that the flood's counts are exact.
    app = Fastify();
    registerStagingRoutes(app, {
      db: stack.services.database.db,
      store: stack.services.deliveries.staging,
      capabilities: caps,
      loaderIdentity: tokenReviewLoaderIdentity(stack.services.kube.config),
      refusalLimits: limits,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close().catch(() => undefined);
    await stack.stop();
  });

  it("audits an address's first refusals, answers the rest 429 without an event each, serves a valid capability throughout, and summarises what it suppressed in one event", async () => {
    const namespace = `spe-flood-${randomUUID().slice(0, 8)}`;
    const statuses: number[] = [];
    let retryAfter: unknown;
    let tooMany: { error: string; limit: string; message: string } | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await rawGet(url, unknownFile(namespace), { authorization: "Bearer v1.1.x" });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter ??= res.headers["retry-after"];
        tooMany ??= JSON.parse(res.body) as typeof tooMany;
      }
    }
    expect(statuses.filter((s) => s === 404)).toHaveLength(limits.perAddress);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - limits.perAddress);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(tooMany).toMatchObject({
      error: "STAGING_TOO_MANY_REFUSALS",
      limit: "address",
      message: expect.stringMatching(/from this address/),
    });
    expect(await refusedIn(namespace)).toBe(limits.perAddress);

    // The same address, flooding still, gets its file with a valid capability.
    const claim = {
      namespace: staged.namespace,
      deliveryId: staged.staged.deliveryId,
      path: staged.staged.files[0]!.path,
      sha256: staged.staged.files[0]!.sha256,
    };
    const res = await fetch(`${url}/staging/${claim.namespace}/${claim.deliveryId}/${claim.path}`, {
      headers: {
        authorization: `Bearer ${caps.sign(claim, staged.validUntil)}`,
        [LOADER_TOKEN_HEADER]: staged.loaderToken,
      },
    });
    expect(res.status).toBe(200);
    expect(
      createHash("sha256")
        .update(Buffer.from(await res.arrayBuffer()))
        .digest("hex"),
    ).toBe(claim.sha256);

    // Other addresses share the total: 12 audited in all, 5 of them already this address's.
    const others = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
    const answers = (
      await Promise.all(
        others.map((from) =>
          Promise.all(
            Array.from({ length: 5 }, () =>
              rawGet(url, unknownFile(`${namespace}-b`), { authorization: "Bearer v1.1.x" }, from),
            ),
          ),
        ),
      )
    ).flat();
    expect(answers.filter((r) => r.status === 404)).toHaveLength(limits.total - limits.perAddress);
    // None of these addresses passed its own limit: the 429s name the limit of all addresses together.
    const shared = answers
      .filter((r) => r.status === 429)
      .map((r) => JSON.parse(r.body) as { limit: string; message: string });
    expect(shared).toHaveLength(15 - (limits.total - limits.perAddress));
    for (const body of shared)
      expect(body).toMatchObject({
        limit: "all addresses",
        message: expect.stringMatching(/from all addresses together/),
      });
    expect(await refusedIn(`${namespace}-b`)).toBe(limits.total - limits.perAddress);

    const before = await searchAuditEvents(stack.services.database.db, {
      action: "staging.refusals-suppressed",
      limit: 10,
    });
    await app.close();
    const summaries = await searchAuditEvents(stack.services.database.db, {
      action: "staging.refusals-suppressed",
      limit: 10,
    });
    expect(summaries).toHaveLength(before.length + 1);
    const details = summaries[0]!.details as {
      count: number;
      codes: Record<string, number>;
      addresses: Array<{ address: string; count: number; namespaces: string[] }>;
    };
    expect(details.count).toBe(200 - limits.perAddress + 15 - (limits.total - limits.perAddress));
    expect(details.codes).toEqual({ STAGING_NAMESPACE_UNKNOWN: details.count });
    expect(details.addresses[0]).toEqual({
      address: "127.0.0.1",
      count: 200 - limits.perAddress,
      namespaces: [namespace],
    });
  });
});

describe("/staging while the staging store cannot give files", () => {
  let stack: Stack;
  let staged: StagedEnvironment;
  let app: FastifyInstance;
  let url: string;
  const limits = { perAddress: 3, total: 5, windowMs: 60_000 };

  beforeAll(async () => {
    stack = await startStack();
    staged = await stageEnvironment(stack);
    // The stack's real store, but every file it is asked for is unavailable, as in a bucket's outage.
    const store: StagingStore = {
      ...stack.services.deliveries.staging,
      openFile: () => Promise.reject(new StagedFileUnavailable("ServiceUnavailable")),
    };
    app = Fastify();
    registerStagingRoutes(app, {
      db: stack.services.database.db,
      store,
      capabilities: stagingCapabilitiesFrom(stack.config),
      loaderIdentity: tokenReviewLoaderIdentity(stack.services.kube.config),
      refusalLimits: limits,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  it("answers a valid capability 503 and audits it every time, never 429, and leaves the address's refusal budget untouched", async () => {
    const claim = {
      namespace: staged.namespace,
      deliveryId: staged.staged.deliveryId,
      path: staged.staged.files[0]!.path,
      sha256: staged.staged.files[0]!.sha256,
    };
    const capability = stagingCapabilitiesFrom(stack.config).sign(claim, staged.validUntil);
    const tries = limits.total * 2;
    const statuses: number[] = [];
    for (let i = 0; i < tries; i++)
      statuses.push(
        (
          await rawGet(url, `/staging/${claim.namespace}/${claim.deliveryId}/${claim.path}`, {
            authorization: `Bearer ${capability}`,
            [LOADER_TOKEN_HEADER]: staged.loaderToken,
          })
        ).status,
      );
    expect(statuses).toEqual(Array.from({ length: tries }, () => 503));
    const events = await searchAuditEvents(stack.services.database.db, {
      target: `environment:${staged.namespace}`,
      action: "staging.refused",
      limit: 100,
    });
    expect(events).toHaveLength(tries);
    expect(events[0]).toMatchObject({ details: { code: "STAGING_FILE_UNAVAILABLE", reason: "ServiceUnavailable" } });
    // A refusal before the capability check still counts from the first: the budget is whole.
    const refused = await rawGet(url, `/staging/${claim.namespace}/${randomUUID()}/${claim.path}`, {
      authorization: `Bearer ${capability}`,
    });
    expect(refused.status).toBe(404);
  });
});

describe("/staging serving from an S3-compatible bucket (a real versitygw server)", () => {
  let s3: LocalS3;
  let stack: Stack;
  const s3Env = () => ({
    STAGING_STORE: "s3",
    STAGING_S3_ENDPOINT: s3.endpoint,
    STAGING_S3_BUCKET: "spe-staging",
    STAGING_S3_PREFIX: "staging/",
    STAGING_S3_FORCE_PATH_STYLE: "true",
    STAGING_S3_CREDENTIALS_FILE: s3.credentialsFile,
  });

  beforeAll(async () => {
    // The first run on a machine builds the server from the Go module proxy (minutes, once).
    s3 = await startLocalS3({ buckets: ["spe-staging"] });
    stack = await startStack(s3Env());
  }, 900_000);
  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
  });

  it("stages a delivery into the bucket, keeps no local copy, serves it to a valid capability, and a re-delivery replaces it there", async () => {
    expect(stack.services.deliveries.staging.kind).toBe("s3");
    const first = await stageEnvironment(stack);
    const ref = {
      namespace: first.namespace,
      datasetId: first.staged.datasetId,
      datasetVersion: first.staged.version,
      id: first.staged.deliveryId,
    };
    const { staging } = stack.services.deliveries;
    expect((await staging.listFiles(ref)).map((f) => f.path)).toEqual(
      [...first.staged.files.map((f) => f.path), "manifest.json"].sort(),
    );
    expect(readdirSync(join(stack.config.DATA_DIR, "incoming"))).toEqual([]);

    const caps = stagingCapabilitiesFrom(stack.config);
    const claim = {
      namespace: first.namespace,
      deliveryId: first.staged.deliveryId,
      path: first.staged.files[0]!.path,
      sha256: first.staged.files[0]!.sha256,
    };
    const res = await fetch(`${stack.stagingOrigin}/staging/${claim.namespace}/${claim.deliveryId}/${claim.path}`, {
      headers: {
        authorization: `Bearer ${caps.sign(claim, first.validUntil)}`,
        [LOADER_TOKEN_HEADER]: first.loaderToken,
      },
    });
    expect(res.status).toBe(200);
    expect(
      createHash("sha256")
        .update(Buffer.from(await res.arrayBuffer()))
        .digest("hex"),
    ).toBe(claim.sha256);

    // The configuration's store is the same bucket: another orchestrator replica sees the same files.
    const replica = stagingStoreFrom(parseConfig(s3Env()), pino({ level: "silent" }));
    expect(await replica.listFiles(ref)).toEqual(await staging.listFiles(ref));
    await replica.writeFile(ref, claim.path, Readable.from([Buffer.from("changed behind the manifest's back")]));
    await replica.close();
    const changed = await fetch(`${stack.stagingOrigin}/staging/${claim.namespace}/${claim.deliveryId}/${claim.path}`, {
      headers: {
        authorization: `Bearer ${caps.sign(claim, first.validUntil)}`,
        [LOADER_TOKEN_HEADER]: first.loaderToken,
      },
    });
    expect(changed.status).toBe(503);

    // A new delivery of the dataset replaces the old one in the bucket.
    const holder = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder" as const, address: null };
    const { id } = await startDelivery(
      stack.services.database.db,
      { permitId: first.permitId, dataset: { id: ref.datasetId, version: ref.datasetVersion } },
      holder,
      stack.services.deliveries.catalogue,
    );
    await receiveDelivery(
      stack.services.database.db,
      stack.services.deliveries,
      id,
      Readable.from(synthRegisterCsv({ rows: 50, seed: 3 })),
      holder,
    );
    expect(await staging.listFiles(ref)).toEqual([]);
    expect((await staging.listFiles({ ...ref, id })).length).toBe(first.staged.files.length + 1);
  });
});
