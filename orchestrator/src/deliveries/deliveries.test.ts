import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendEnvironment, environmentRow, insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { runSpe } from "../../test/run-spe";
import { startStack, type Stack } from "../../test/stack";
import { callTrpc } from "../../test/trpc-call";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { DELIVERY_SCOPE } from "../auth/machine-tokens";
import { synthRegisterCsv } from "../datasets";
import { examplePermit } from "../permits/test-fixtures";

const dir = mkdtempSync(join(tmpdir(), "spe-deliveries-"));

function extract(name: string, rows: number, change?: (lines: string[]) => void): string {
  const lines = [...synthRegisterCsv({ rows, seed: 7 })].join("").trimEnd().split("\n");
  change?.(lines);
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe("deliveries through /api/v1 with a data holder's access token", () => {
  let stack: Stack;
  let token: string;
  let permitId: string;
  let namespace: string;
  const api = (path: string, init: RequestInit & { duplex?: "half" } = {}, bearer = token) =>
    fetch(`${stack.appUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) },
    });
  const start = (dataset = { id: "patientregistret", version: "2026-09" }) =>
    api("/api/v1/deliveries", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ permitId, dataset }),
    });
  const upload = (id: string, file: string) =>
    api(`/api/v1/deliveries/${id}/file`, {
      method: "PUT",
      headers: { "content-type": "text/csv" },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: "half",
    });
  const staged = (id: string) => join(stack.config.DATA_DIR, "staging", namespace, "patientregistret@2026-09", id);

  /**
   * Sends the headers and the first 64 KiB of a body declared `declared` bytes long, then waits for the answer
   * without sending more: a server that reads the body before answering never answers.
   */
  const answerToUnfinishedBody = (method: string, path: string, headers: Record<string, string>, declared: number) =>
    new Promise<{ status: number; error: string; connection: string | undefined }>((resolve, reject) => {
      const req = request(`${stack.appUrl}${path}`, {
        method,
        headers: { ...headers, "content-length": String(declared) },
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode!,
            error: (JSON.parse(Buffer.concat(chunks).toString()) as { error: string }).error,
            connection: res.headers.connection,
          });
          req.destroy();
        });
      });
      // The server closes the connection after its answer; what the rest of the body then meets is no matter.
      req.on("error", reject);
      req.write(`"${"x".repeat(64 * 1024)}`);
    });

  beforeAll(async () => {
    stack = await startStack({ DELIVERY_MAX_BYTES: "100000" });
    permitId = `SE-DELIVERY-${Date.now().toString(36)}`;
    namespace = await insertEnvironment(stack.services.database.db, examplePermit({ permitId }));
    const res = await fetch(`${stack.idpUrl}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO_DATA_HOLDER.clientId}:${DEMO_DATA_HOLDER.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: DELIVERY_SCOPE,
        resource: stack.config.machineAudience,
      }).toString(),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => stack.stop());

  it("stages a valid extract pseudonymised, keeps no raw upload and no raw identifier, and audits the hashes", async () => {
    const file = extract("valid.csv", 400);
    const person = readFileSync(file, "utf8").split("\n")[1]!.split(";")[0]!;
    const started = await start();
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const res = await upload(id, file);
    const body = (await res.json()) as { state: string; rows: number; manifestSha256: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ state: "staged", rows: 400 });

    const files = readdirSync(staged(id));
    expect(files).toContain("manifest.json");
    expect(files.some((f) => f.endsWith(".parquet"))).toBe(true);
    for (const f of files) expect(readFileSync(join(staged(id), f)).includes(person)).toBe(false);
    expect(readdirSync(join(stack.config.DATA_DIR, "incoming"))).toEqual([]);

    const again = await api(`/api/v1/deliveries/${id}`);
    expect(await again.json()).toMatchObject({ state: "staged", manifestSha256: body.manifestSha256 });
    const ida = await stack.signIn("ida");
    const events = (await callTrpc(ida, stack.appUrl, "audit.events", { target: `delivery:${id}` }, "GET"))
      .data as Array<{ action: string; actor: { subject: string; role: string }; details: { files?: unknown[] } }>;
    expect(events.map((e) => e.action).sort()).toEqual(["delivery.staged", "delivery.started"]);
    expect(events[0]).toMatchObject({ actor: { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder" } });
    // The supervisor's evidence report lists what was staged, with the manifest's hash, and no gap for it.
    const evidence = (await callTrpc(ida, stack.appUrl, "audit.evidence", { namespace }, "GET")).data as {
      requirements: Array<{
        requirement: string;
        evidence: { staged?: Array<{ manifestSha256: string }> };
        gaps: string[];
      }>;
    };
    const data = evidence.requirements.find((r) => r.requirement === "Only the data covered by the permit")!;
    expect(data.evidence.staged).toEqual([expect.objectContaining({ manifestSha256: body.manifestSha256 })]);
    expect(data.gaps).toEqual([]);
  });

  it("rejects an extract with an invalid personnummer, names the row, and stages nothing", async () => {
    const file = extract("bad.csv", 50, (lines) => {
      const cells = lines[3]!.split(";");
      cells[0] = cells[0]!.slice(0, 11) + String((Number(cells[0]!.at(-1)) + 1) % 10);
      lines[3] = cells.join(";");
    });
    const { id } = (await (await start()).json()) as { id: string };
    const res = await upload(id, file);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; report: { issues: Array<{ code: string; rows: number[] }> } };
    expect(body.error).toBe("DELIVERY_INVALID");
    expect(body.report.issues).toEqual([expect.objectContaining({ code: "IDENTIFIER_INVALID", rows: [3] })]);
    expect(JSON.stringify(body)).not.toMatch(/\d{12}/);
    expect(existsSync(staged(id))).toBe(false);
    expect(await (await api(`/api/v1/deliveries/${id}`)).json()).toMatchObject({ state: "rejected" });
    expect((await upload(id, file)).status).toBe(409);
  });

  it("refuses an extract over the size limit while it streams", async () => {
    const { id } = (await (await start()).json()) as { id: string };
    const res = await upload(id, extract("large.csv", 2000));
    expect(res.status).toBe(413);
    expect(readdirSync(join(stack.config.DATA_DIR, "incoming"))).toEqual([]);
  });

  it.each<[string, () => Promise<Response>, number, string]>([
    [
      "no token",
      () =>
        api("/api/v1/deliveries", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, ""),
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "a forged token",
      () =>
        api(
          "/api/v1/deliveries",
          { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
          "a.b.c",
        ),
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "a person's session instead of a token",
      async () =>
        (await stack.signIn("olof")).request(`${stack.appUrl}/api/v1/deliveries`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "a body without the dataset",
      () =>
        api("/api/v1/deliveries", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ permitId: "x" }),
        }),
      400,
      "REQUEST_INVALID",
    ],
    [
      "a dataset the permit does not grant",
      () => start({ id: "lakemedelsregistret", version: "2026-09" }),
      422,
      "DATASET_NOT_IN_PERMIT",
    ],
    [
      "someone else's delivery",
      () => api("/api/v1/deliveries/00000000-0000-4000-8000-000000000000"),
      404,
      "DELIVERY_NOT_FOUND",
    ],
  ])("refuses %s", async (_, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBe(code);
  });

  it.each<[string, string, string, Record<string, string>, number, number, string]>([
    [
      "64 MiB of JSON to a delivery's file without a token",
      "PUT",
      "/api/v1/deliveries/00000000-0000-4000-8000-000000000001/file",
      { "content-type": "application/json" },
      64 << 20,
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "64 MiB of CSV to a delivery's file with a forged token",
      "PUT",
      "/api/v1/deliveries/00000000-0000-4000-8000-000000000001/file",
      { "content-type": "text/csv", authorization: "Bearer a.b.c" },
      64 << 20,
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "64 MiB of JSON to the check without a token",
      "POST",
      "/api/v1/deliveries/validate?dataset=patientregistret@2026-09",
      { "content-type": "application/json" },
      64 << 20,
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "512 KiB of JSON opening a delivery without a token",
      "POST",
      "/api/v1/deliveries",
      { "content-type": "application/json" },
      512 << 10,
      401,
      "AUTH_UNAUTHENTICATED",
    ],
  ])("answers %s before reading the body", async (_, method, path, headers, declared, status, code) => {
    const answer = await answerToUnfinishedBody(method, path, headers, declared);
    expect(answer).toEqual({ status, error: code, connection: "close" });
  });

  it("refuses JSON to a delivery's file from an authenticated holder before reading it (415), keeping the delivery open", async () => {
    const { id } = (await (await start()).json()) as { id: string };
    const answer = await answerToUnfinishedBody(
      "PUT",
      `/api/v1/deliveries/${id}/file`,
      { "content-type": "application/json", authorization: `Bearer ${token}` },
      64 << 20,
    );
    expect(answer).toEqual({ status: 415, error: "MEDIA_TYPE_UNSUPPORTED", connection: "close" });
    expect(await (await api(`/api/v1/deliveries/${id}`)).json()).toMatchObject({ state: "receiving", bytes: null });
  });

  it("gives one of two parallel uploads of a delivery the delivery; the other is a 409 and the staged files are the winner's", async () => {
    const { id } = (await (await start()).json()) as { id: string };
    const file = extract("twice.csv", 300);
    const answers = await Promise.all([upload(id, file), upload(id, file)]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{
      state?: string;
      error?: string;
      manifestSha256?: string;
    }>;
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(bodies.find((b) => b.error)).toMatchObject({ error: "DELIVERY_STATE_CONFLICT" });
    const winner = bodies.find((b) => b.state)!;
    expect(winner).toMatchObject({ state: "staged" });
    const manifest = JSON.parse(readFileSync(join(staged(id), "manifest.json"), "utf8")) as {
      files: Array<{ path: string }>;
    };
    expect(readdirSync(staged(id)).sort()).toEqual(["manifest.json", ...manifest.files.map((f) => f.path)].sort());
    expect(await (await api(`/api/v1/deliveries/${id}`)).json()).toMatchObject({
      state: "staged",
      manifestSha256: winner.manifestSha256,
    });
  });

  it("refuses an extract for a permit revoked since the delivery opened, after its teardown completed, and keeps nothing of it", async () => {
    const revoked = examplePermit({ permitId: `SE-DELIVERY-REVOKED-${Date.now().toString(36)}` });
    const ns = await insertEnvironment(stack.services.database.db, revoked);
    const opened = await api("/api/v1/deliveries", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ permitId: revoked.permitId, dataset: revoked.datasets[0] }),
    });
    const { id } = (await opened.json()) as { id: string };
    await amendEnvironment(stack.services.database.db, { ...revoked, sequence: 2, status: "revoked" }, "torn-down");
    stack.services.environments.enqueue(ns);
    await eventually(
      "the teardown completed",
      async () => (await environmentRow(stack.services.database.db, ns)).teardown?.completedAt,
    );

    const res = await upload(id, extract("after-teardown.csv", 50));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: "PERMIT_TORN_DOWN",
      message: expect.stringMatching(/permit was revoked/),
    });
    // The certificate said the staged data was deleted; it still is.
    expect(existsSync(join(stack.config.DATA_DIR, "staging", ns))).toBe(false);
    expect(readdirSync(join(stack.config.DATA_DIR, "incoming"))).toEqual([]);
    expect((await environmentRow(stack.services.database.db, ns)).teardown).toMatchObject({
      stagingDeleted: true,
      stagedData: [],
    });
    expect(await (await api(`/api/v1/deliveries/${id}`)).json()).toMatchObject({
      state: "failed",
      manifestSha256: null,
    });
  });

  it("delivers from the command line: spe delivery upload exits 0 when staged, 1 with the findings, 2 on misuse", async () => {
    const credentials = [
      "--url",
      stack.appUrl,
      "--issuer",
      stack.idpUrl,
      "--client-id",
      DEMO_DATA_HOLDER.clientId,
      "--client-secret",
      DEMO_DATA_HOLDER.clientSecret,
    ];
    const ok = await runSpe([
      "delivery",
      "upload",
      "--permit",
      permitId,
      "--dataset",
      "patientregistret@2026-09",
      ...credentials,
      extract("cli.csv", 100),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Staged: delivery [0-9a-f-]{36}, 100 rows pseudonymised/);
    const bad = await runSpe([
      "delivery",
      "upload",
      "--permit",
      permitId,
      "--dataset",
      "patientregistret@2026-09",
      ...credentials,
      extract("cli-bad.csv", 20, (lines) => (lines[2] = lines[2]!.replace(/^\d{12}/, "190001019999"))),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/PERSONNR: IDENTIFIER_INVALID: .*\(rows 2\)/);
    const wrongSecret = await runSpe([
      "delivery",
      "upload",
      "--permit",
      permitId,
      "--dataset",
      "patientregistret@2026-09",
      ...credentials.slice(0, -1),
      "wrong",
      extract("cli2.csv", 10),
    ]);
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toMatch(/Could not get an access token/);
    const misuse = await runSpe([
      "delivery",
      "upload",
      "--permit",
      permitId,
      "--dataset",
      "patientregistret",
      ...credentials,
      "x.csv",
    ]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--dataset must be ID@VERSION/);
  });
});
