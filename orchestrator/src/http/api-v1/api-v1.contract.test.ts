import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../../test/stack";
import { DEMO_DATA_HOLDER, DEMO_HDAB_CLIENT } from "../../auth/demo-accounts";
import { DELIVERY_SCOPE, PERMITS_SCOPE } from "../../auth/machine-tokens";
import { deliveries, idempotencyKeys, permitRevisions } from "../../db/schema";
import { synthRegisterCsv } from "../../datasets";
import { API_ERRORS, type ApiErrorCode } from "../../integrator/error-codes";
import { demoPermitPayload } from "../../permits/demo-permit";
import { devHdabPrivateKey } from "../../permits/dev-hdab";
import type { PermitPayload } from "../../permits/permit";
import { signPermit } from "../../permits/sign-permit";
import { issuerKey, type IssuerKey } from "../../permits/test-fixtures";
import { MAX_PERMIT_JWS_LENGTH } from "../../permits/verify-permit";
import { API_V1_OPERATIONS, type ApiOperation } from "./operations";

type Documented = Record<string, Record<string, { responses: Record<string, { "x-error-codes"?: ApiErrorCode[] }> }>>;

const dir = mkdtempSync(join(tmpdir(), "spe-api-v1-"));
function extract(name: string, rows: number, change?: (lines: string[]) => void): string {
  const lines = [...synthRegisterCsv({ rows, seed: 11 })].join("").trimEnd().split("\n");
  change?.(lines);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
const readFile = (path: string) => new Blob([readFileSync(path)]);

let stack: Stack;
let documented: Documented;
let hdabToken: string;
let holderToken: string;
// A second health data access body, trusted for its permits, whose status is not the demo HDAB's to read.
const OTHER_HDAB = "https://hdab.other-member-state.example";
let otherHdab: IssuerKey;
const suffix = Date.now().toString(36);
const permitOf = (name: string, overrides: Partial<PermitPayload> = {}): PermitPayload => ({
  ...demoPermitPayload(new Date()),
  permitId: `API-${name}-${suffix}`,
  ...overrides,
});
const sign = (payload: unknown) => signPermit(payload, devHdabPrivateKey());

async function clientToken(clientId: string, secret: string, scope: string): Promise<string> {
  const res = await fetch(`${stack.idpUrl}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      scope,
      resource: stack.config.machineAudience,
    }).toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

interface Call {
  method?: string;
  token?: string;
  key?: string;
  type?: string;
  body?: RequestInit["body"];
}
function call(path: string, { method = "GET", token, key, type, body }: Call = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers["idempotency-key"] = key;
  if (type) headers["content-type"] = type;
  return fetch(`${stack.appUrl}${path}`, { method, headers, body });
}
const push = (jws: string, key?: string) =>
  call("/api/v1/permits", { method: "POST", type: "application/jose", body: jws, key });
const startDelivery = (
  permitId: string,
  key?: string,
  dataset = { id: "patientregistret", version: "2026-09" },
  token = holderToken,
) =>
  call("/api/v1/deliveries", {
    method: "POST",
    token,
    key,
    type: "application/json",
    body: JSON.stringify({ permitId, dataset }),
  });
const validate = (file: string, dataset = "patientregistret@2026-09", key?: string) =>
  call(`/api/v1/deliveries/validate?dataset=${dataset}`, {
    method: "POST",
    token: holderToken,
    key,
    type: "text/csv",
    body: readFile(file),
  });
const deliveryCount = async (permitId: string) =>
  (
    await stack.services.database.db.select({ n: count() }).from(deliveries).where(eq(deliveries.permitId, permitId))
  )[0]!.n;

/**
 * Checks an answer against the document the server serves: its status is documented for the operation, an
 * error's code is one the document lists under that status, a success parses with the handler's schema.
 */
async function expectDocumented(
  op: ApiOperation,
  res: Response,
  status: number,
  code?: ApiErrorCode,
): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(status);
  const response = documented[op.path]![op.method]!.responses[String(status)];
  expect(response, `${op.operationId} does not document ${status}`).toBeDefined();
  if (code) {
    expect(body.error).toBe(code);
    expect(response!["x-error-codes"]).toContain(code);
    expect(API_ERRORS[code].status).toBe(status);
    expect(typeof body.message).toBe("string");
  } else {
    expect(() => op.responses[status]!.schema.parse(body)).not.toThrow();
  }
  exercised.add(`${op.method} ${op.path} ${status}`);
  return body;
}
const exercised = new Set<string>();
const op = (operationId: string) => API_V1_OPERATIONS.find((o) => o.operationId === operationId)!;

beforeAll(async () => {
  otherHdab = await issuerKey("ES256", "other-1");
  const trustedIssuersFile = join(dir, "trusted-issuers.json");
  writeFileSync(
    trustedIssuersFile,
    JSON.stringify({ [OTHER_HDAB]: { keys: [otherHdab.publicJwk], clients: ["other-hdab-system"] } }),
  );
  stack = await startStack({ DELIVERY_MAX_BYTES: "200000", TRUSTED_ISSUERS_FILE: trustedIssuersFile });
  documented = ((await (await fetch(`${stack.appUrl}/api/v1/openapi.json`)).json()) as { paths: Documented }).paths;
  hdabToken = await clientToken(DEMO_HDAB_CLIENT.clientId, DEMO_HDAB_CLIENT.clientSecret, PERMITS_SCOPE);
  holderToken = await clientToken(DEMO_DATA_HOLDER.clientId, DEMO_DATA_HOLDER.clientSecret, DELIVERY_SCOPE);
});
afterAll(() => stack.stop());

describe("POST /api/v1/permits", () => {
  const importPermit = op("importPermit");

  it("creates (201), recognises the identical permit (200), refuses a different one with the same sequence (409)", async () => {
    const payload = permitOf("PUSH");
    const jws = await sign(payload);
    expect(await expectDocumented(importPermit, await push(jws), 201)).toMatchObject({
      outcome: "created",
      permitId: payload.permitId,
    });
    expect(await expectDocumented(importPermit, await push(jws), 200)).toMatchObject({ outcome: "unchanged" });
    await expectDocumented(
      importPermit,
      await push(await sign({ ...payload, conditions: "Other." })),
      409,
      "PERMIT_CONFLICT",
    );
    await expectDocumented(importPermit, await push(await sign({ ...payload, sequence: 2, status: "revoked" })), 200);
  });

  it.each<[string, () => Promise<Response>, number, ApiErrorCode, RegExp?]>([
    [
      "a changed payload (forged signature)",
      async () => push(tamper(await sign(permitOf("FORGED")))),
      422,
      "PERMIT_SIGNATURE_INVALID",
    ],
    [
      "a payload that is not a permit, naming the field",
      async () => push(await sign({ ...permitOf("BAD"), validUntil: "2020-01-01T00:00:00Z" })),
      422,
      "PERMIT_SCHEMA_INVALID",
      /validUntil/,
    ],
    [
      "a signed payload whose text holds NUL, naming the field (400-level, never a 500)",
      async () => {
        const payload = permitOf("NUL");
        return push(await sign({ ...payload, purpose: { ...payload.purpose, description: "Cohort\u0000study" } }));
      },
      422,
      "PERMIT_SCHEMA_INVALID",
      /purpose\.description/,
    ],
    [
      "the JSON payload instead of the JWS",
      async () => push(JSON.stringify(permitOf("JSON"))),
      422,
      "PERMIT_MALFORMED",
    ],
    [
      "JSON content",
      async () =>
        call("/api/v1/permits", {
          method: "POST",
          type: "application/json",
          body: JSON.stringify({ jws: await sign(permitOf("CT")) }),
        }),
      415,
      "MEDIA_TYPE_UNSUPPORTED",
    ],
    ["a body over the limit", async () => push("a".repeat(600 * 1024)), 413, "REQUEST_TOO_LARGE"],
    [
      "a body just over the longest permit",
      async () => push("a".repeat(MAX_PERMIT_JWS_LENGTH + 10)),
      400,
      "REQUEST_INVALID",
    ],
    [
      "a malformed Idempotency-Key",
      async () => push(await sign(permitOf("KEY")), "short"),
      400,
      "IDEMPOTENCY_KEY_INVALID",
    ],
  ])("refuses %s", async (_, send, status, code, field) => {
    const body = await expectDocumented(importPermit, await send(), status, code);
    if (field) expect((body.issues as Array<{ path: string }>).map((i) => i.path).join(" ")).toMatch(field);
  });

  it("answers a retry with the same Idempotency-Key with the first answer (201, replayed), recording the permit once", async () => {
    const jws = await sign(permitOf("IDEM"));
    const key = crypto.randomUUID();
    const first = await push(jws, key);
    const second = await push(jws, key);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectDocumented(importPermit, second, 201)).toEqual(await first.json());
    const revisions = await stack.services.database.db
      .select({ n: count() })
      .from(permitRevisions)
      .where(eq(permitRevisions.permitId, `API-IDEM-${suffix}`));
    expect(revisions).toEqual([{ n: 1 }]);
    // The key is the verified issuer's: another permit under it is another request.
    await expectDocumented(importPermit, await push(await sign(permitOf("IDEM2")), key), 422, "IDEMPOTENCY_KEY_REUSED");
  });
});

describe("GET /api/v1/permits/{id}", () => {
  const getStatus = op("getPermitStatus");
  it("tells the HDAB the permit's validity and its environment's state in words", async () => {
    const payload = permitOf("STATUS");
    await push(await sign(payload));
    const body = await expectDocumented(
      getStatus,
      await call(`/api/v1/permits/${payload.permitId}`, { token: hdabToken }),
      200,
    );
    expect(body).toMatchObject({
      permitId: payload.permitId,
      status: "granted",
      validity: { state: "valid" },
      environment: { state: expect.stringMatching(/provisioning|ready/) },
    });
    expect((body.environment as { summary: string }).summary).toMatch(/^(Provisioning|Ready)/);
  });

  it.each<[string, () => Promise<Response>, number, ApiErrorCode]>([
    ["no token", () => call(`/api/v1/permits/API-STATUS-${suffix}`), 401, "AUTH_UNAUTHENTICATED"],
    [
      "a data holder's token (no permits scope)",
      () => call(`/api/v1/permits/API-STATUS-${suffix}`, { token: holderToken }),
      403,
      "AUTH_FORBIDDEN",
    ],
    ["an unknown permit", () => call("/api/v1/permits/NO-SUCH-PERMIT", { token: hdabToken }), 404, "PERMIT_NOT_FOUND"],
    [
      "another HDAB's permit, as if unknown",
      async () => {
        const theirs = permitOf("OTHER-HDAB", { issuer: OTHER_HDAB });
        expect((await push(await otherHdab.sign(theirs))).status).toBe(201);
        return call(`/api/v1/permits/${theirs.permitId}`, { token: hdabToken });
      },
      404,
      "PERMIT_NOT_FOUND",
    ],
    [
      "a data holder that asks the provider for the permits scope",
      async () => {
        const res = await fetch(`${stack.idpUrl}/token`, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${DEMO_DATA_HOLDER.clientId}:${DEMO_DATA_HOLDER.clientSecret}`).toString("base64")}`,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            scope: PERMITS_SCOPE,
            resource: stack.config.machineAudience,
          }).toString(),
        });
        // The provider itself refuses: each machine client gets only its own scope. Then no token is no access.
        expect(res.status).toBe(400);
        return call(`/api/v1/permits/API-STATUS-${suffix}`, {
          token: ((await res.json()) as { access_token?: string }).access_token,
        });
      },
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "an id that cannot be a permit id",
      () => call("/api/v1/permits/-bad", { token: hdabToken }),
      400,
      "REQUEST_INVALID",
    ],
  ])("refuses %s", async (_, send, status, code) => {
    await expectDocumented(getStatus, await send(), status, code);
  });
});

describe("deliveries", () => {
  const permit = permitOf("DELIVERY");
  const [start, upload, get, check] = [
    op("startDelivery"),
    op("uploadExtract"),
    op("getDelivery"),
    op("validateExtract"),
  ];
  beforeAll(async () => {
    expect((await push(await sign(permit))).status).toBe(201);
  });

  it("refuses text with a control character as a 400 that names the field, before anything is stored", async () => {
    const body = await expectDocumented(
      start,
      await startDelivery(`${permit.permitId}\u0000`, crypto.randomUUID()),
      400,
      "REQUEST_INVALID",
    );
    expect(body.issues).toEqual([
      { path: "body.permitId", message: "holds a control character (such as NUL); remove it and send again" },
    ]);
  });

  it("opens, stages and tells a delivery again", async () => {
    const opened = await expectDocumented(start, await startDelivery(permit.permitId, crypto.randomUUID()), 201);
    const staged = await expectDocumented(
      upload,
      await call(`/api/v1/deliveries/${opened.id}/file`, {
        method: "PUT",
        token: holderToken,
        type: "text/csv",
        body: readFile(extract("ok.csv", 200)),
      }),
      200,
    );
    expect(staged).toMatchObject({ state: "staged", rows: 200 });
    expect(
      await expectDocumented(get, await call(`/api/v1/deliveries/${opened.id}`, { token: holderToken }), 200),
    ).toEqual(staged);
    await expectDocumented(
      upload,
      await call(`/api/v1/deliveries/${opened.id}/file`, {
        method: "PUT",
        token: holderToken,
        type: "text/csv",
        body: "x",
      }),
      409,
      "DELIVERY_STATE_CONFLICT",
    );
  });

  it("refuses an invalid extract with its rows, keeping nothing", async () => {
    const { id } = (await (await startDelivery(permit.permitId)).json()) as { id: string };
    const bad = extract("bad.csv", 30, (lines) => (lines[4] = lines[4]!.replace(/^\d{12}/, "190001019999")));
    const body = await expectDocumented(
      upload,
      await call(`/api/v1/deliveries/${id}/file`, {
        method: "PUT",
        token: holderToken,
        type: "text/csv",
        body: readFile(bad),
      }),
      422,
      "DELIVERY_INVALID",
    );
    expect(body.report).toMatchObject({ issues: [expect.objectContaining({ code: "IDENTIFIER_INVALID", rows: [4] })] });
  });

  it.each<[string, () => Promise<Response>, ApiOperation, number, ApiErrorCode]>([
    [
      "opening without a token",
      () => startDelivery(permit.permitId, undefined, undefined, ""),
      op("startDelivery"),
      401,
      "AUTH_UNAUTHENTICATED",
    ],
    [
      "opening with the HDAB's token",
      () => startDelivery(permit.permitId, undefined, undefined, hdabToken),
      op("startDelivery"),
      403,
      "AUTH_FORBIDDEN",
    ],
    [
      "opening without the dataset",
      () =>
        call("/api/v1/deliveries", {
          method: "POST",
          token: holderToken,
          type: "application/json",
          body: JSON.stringify({ permitId: permit.permitId }),
        }),
      op("startDelivery"),
      400,
      "REQUEST_INVALID",
    ],
    [
      "opening for an unknown permit",
      () => startDelivery("NO-SUCH-PERMIT"),
      op("startDelivery"),
      404,
      "PERMIT_NOT_FOUND",
    ],
    [
      "opening for a dataset version the permit does not grant",
      () => startDelivery(permit.permitId, undefined, { id: "patientregistret", version: "1999-01" }),
      op("startDelivery"),
      422,
      "DATASET_NOT_IN_PERMIT",
    ],
    [
      "an unknown delivery's file",
      () =>
        call("/api/v1/deliveries/00000000-0000-4000-8000-000000000000/file", {
          method: "PUT",
          token: holderToken,
          type: "text/csv",
          body: "x",
        }),
      op("uploadExtract"),
      404,
      "DELIVERY_NOT_FOUND",
    ],
    [
      "a file as JSON",
      () =>
        call("/api/v1/deliveries/00000000-0000-4000-8000-000000000000/file", {
          method: "PUT",
          token: holderToken,
          type: "application/json",
          body: "{}",
        }),
      op("uploadExtract"),
      415,
      "MEDIA_TYPE_UNSUPPORTED",
    ],
    [
      "an unknown delivery",
      () => call("/api/v1/deliveries/00000000-0000-4000-8000-000000000000", { token: holderToken }),
      op("getDelivery"),
      404,
      "DELIVERY_NOT_FOUND",
    ],
    [
      "a check without a dataset",
      () => call("/api/v1/deliveries/validate", { method: "POST", token: holderToken, type: "text/csv", body: "a" }),
      op("validateExtract"),
      400,
      "REQUEST_INVALID",
    ],
    [
      "a check against an unknown dataset",
      () => validate(extract("any.csv", 5), "nosuch@1"),
      op("validateExtract"),
      404,
      "DATASET_NOT_FOUND",
    ],
    [
      "a check over the size limit",
      () => validate(extract("large.csv", 3000)),
      op("validateExtract"),
      413,
      "DELIVERY_TOO_LARGE",
    ],
  ])("refuses %s", async (_, send, operation, status, code) => {
    await expectDocumented(operation, await send(), status, code);
  });

  it("checks an extract without storing anything: valid, and invalid with row numbers", async () => {
    const before = await deliveryCount(permit.permitId);
    expect(await expectDocumented(check, await validate(extract("check-ok.csv", 50)), 200)).toMatchObject({
      valid: true,
      rows: 50,
      issues: [],
    });
    const bad = extract("check-bad.csv", 50, (lines) => (lines[7] = lines[7]!.replace(/^\d{12}/, "190001019999")));
    const report = await expectDocumented(check, await validate(bad), 200);
    expect(report).toMatchObject({
      valid: false,
      issues: [expect.objectContaining({ code: "IDENTIFIER_INVALID", rows: [7], count: 1 })],
    });
    expect(await deliveryCount(permit.permitId)).toBe(before);
  });

  it("creates one delivery for sequential retries with one Idempotency-Key, and refuses the key with another body or operation", async () => {
    const before = await deliveryCount(permit.permitId);
    const key = crypto.randomUUID();
    const first = await expectDocumented(start, await startDelivery(permit.permitId, key), 201);
    const retry = await startDelivery(permit.permitId, key);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectDocumented(start, retry, 201)).toEqual(first);
    expect(await deliveryCount(permit.permitId)).toBe(before + 1);
    await expectDocumented(start, await startDelivery(`${permit.permitId}-other`, key), 422, "IDEMPOTENCY_KEY_REUSED");
    await expectDocumented(
      check,
      await validate(extract("reuse.csv", 5), undefined, key),
      422,
      "IDEMPOTENCY_KEY_REUSED",
    );
  });

  it("creates one delivery under concurrent retries: the others wait (409) or get the same delivery", async () => {
    const before = await deliveryCount(permit.permitId);
    const key = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => startDelivery(permit.permitId, key)));
    const bodies = await Promise.all(answers.map((r) => r.json() as Promise<{ id?: string; error?: string }>));
    expect(answers.map((r) => r.status).every((s) => s === 201 || s === 409)).toBe(true);
    expect(new Set(bodies.filter((b) => b.id).map((b) => b.id)).size).toBe(1);
    for (const [i, r] of answers.entries())
      if (r.status === 409) expect(bodies[i]!.error).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(await deliveryCount(permit.permitId)).toBe(before + 1);
    const later = (await (await startDelivery(permit.permitId, key)).json()) as { id: string };
    expect(later.id).toBe(bodies.find((b) => b.id)!.id);
  });

  it("keeps no key for a refused request, so the same request may be sent again once fixed", async () => {
    const key = crypto.randomUUID();
    expect((await startDelivery("NOT-YET-PUSHED", key)).status).toBe(404);
    expect(await stack.services.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key))).toEqual(
      [],
    );
  });
});

describe("the contract", () => {
  it("every documented operation was called above and answered with a documented status, and every success status was seen", () => {
    for (const operation of API_V1_OPERATIONS) {
      for (const status of Object.keys(operation.responses))
        expect(exercised, `${operation.operationId} ${status}`).toContain(
          `${operation.method} ${operation.path} ${status}`,
        );
    }
  });
});

/** The same JWS with a field of its payload changed (still JSON): its signature no longer fits. */
function tamper(jws: string): string {
  const [header, payload, signature] = jws.split(".");
  const changed = {
    ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as PermitPayload),
    conditions: "None.",
  };
  return [header, Buffer.from(JSON.stringify(changed)).toString("base64url"), signature].join(".");
}
