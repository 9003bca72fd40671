import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { runSpe } from "../../test/run-spe";
import { startStack, type Stack } from "../../test/stack";
import { callTrpc } from "../../test/trpc-call";
import { DELIVERY_SCOPE, DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { synthRegisterCsv } from "../datasets/synth-register";
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
    fetch(`${stack.appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) } });
  const start = (dataset = { id: "patientregistret", version: "2026-09" }) =>
    api("/api/v1/deliveries", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ permitId, dataset }) });
  const upload = (id: string, file: string) =>
    api(`/api/v1/deliveries/${id}/file`, { method: "PUT", headers: { "content-type": "text/csv" }, body: Readable.toWeb(createReadStream(file)) as ReadableStream, duplex: "half" });
  const staged = (id: string) => join(stack.config.DATA_DIR, "staging", namespace, "patientregistret@2026-09", id);

  beforeAll(async () => {
    stack = await startStack({ DELIVERY_MAX_BYTES: "100000" });
    permitId = `SE-DELIVERY-${Date.now().toString(36)}`;
    namespace = await insertEnvironment(stack.services.database.db, examplePermit({ permitId }));
    const res = await fetch(`${stack.idpUrl}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${DEMO_DATA_HOLDER.clientId}:${DEMO_DATA_HOLDER.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: DELIVERY_SCOPE, resource: stack.config.machineAudience }).toString(),
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
    const events = (await callTrpc(ida, stack.appUrl, "audit.events", { target: `delivery:${id}` }, "GET")).data as Array<{ action: string; actor: { subject: string; role: string }; details: { files?: unknown[] } }>;
    expect(events.map((e) => e.action).sort()).toEqual(["delivery.staged", "delivery.started"]);
    expect(events[0]).toMatchObject({ actor: { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder" } });
    // The supervisor's evidence report lists what was staged, with the manifest's hash, and no gap for it.
    const evidence = (await callTrpc(ida, stack.appUrl, "audit.evidence", { namespace }, "GET")).data as { requirements: Array<{ requirement: string; evidence: { staged?: Array<{ manifestSha256: string }> }; gaps: string[] }> };
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
    ["no token", () => api("/api/v1/deliveries", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, ""), 401, "AUTH_UNAUTHENTICATED"],
    ["a forged token", () => api("/api/v1/deliveries", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, "a.b.c"), 401, "AUTH_UNAUTHENTICATED"],
    ["a person's session instead of a token", async () => (await stack.signIn("olof")).request(`${stack.appUrl}/api/v1/deliveries`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), 401, "AUTH_UNAUTHENTICATED"],
    ["a body without the dataset", () => api("/api/v1/deliveries", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ permitId: "x" }) }), 400, "REQUEST_INVALID"],
    ["a dataset the permit does not grant", () => start({ id: "lakemedelsregistret", version: "2026-09" }), 422, "DATASET_NOT_IN_PERMIT"],
    ["someone else's delivery", () => api("/api/v1/deliveries/00000000-0000-4000-8000-000000000000"), 404, "DELIVERY_NOT_FOUND"],
  ])("refuses %s", async (_, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBe(code);
  });

  it("delivers from the command line: spe delivery upload exits 0 when staged, 1 with the findings, 2 on misuse", async () => {
    const credentials = ["--url", stack.appUrl, "--issuer", stack.idpUrl, "--client-id", DEMO_DATA_HOLDER.clientId, "--client-secret", DEMO_DATA_HOLDER.clientSecret];
    const ok = await runSpe(["delivery", "upload", "--permit", permitId, "--dataset", "patientregistret@2026-09", ...credentials, extract("cli.csv", 100)]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Staged: delivery [0-9a-f-]{36}, 100 rows pseudonymised/);
    const bad = await runSpe(["delivery", "upload", "--permit", permitId, "--dataset", "patientregistret@2026-09", ...credentials, extract("cli-bad.csv", 20, (lines) => (lines[2] = lines[2]!.replace(/^\d{12}/, "190001019999")))]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/PERSONNR: IDENTIFIER_INVALID: .*\(rows 2\)/);
    const wrongSecret = await runSpe(["delivery", "upload", "--permit", permitId, "--dataset", "patientregistret@2026-09", ...credentials.slice(0, -1), "wrong", extract("cli2.csv", 10)]);
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toMatch(/Could not get an access token/);
    const misuse = await runSpe(["delivery", "upload", "--permit", permitId, "--dataset", "patientregistret", ...credentials, "x.csv"]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--dataset must be ID@VERSION/);
  });
});
