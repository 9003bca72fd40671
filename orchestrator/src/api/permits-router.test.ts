import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient } from "../../test/cookie-client";
import { startStack, type Stack } from "../../test/stack";
import { DEMO_PERMIT_ID, demoPermitPayload, signDemoPermit } from "../permits/demo-permit";
import { devHdabPrivateKey } from "../permits/dev-hdab";
import { signPermit } from "../permits/sign-permit";
import { pushPermit } from "../../test/push-permit";

interface Answer {
  status: number;
  data?: Record<string, unknown> & { outcome?: string };
  error?: { message: string; data: { code: string; httpStatus: number } };
}

async function call(
  client: CookieClient,
  stack: Stack,
  path: string,
  input?: unknown,
  method: "GET" | "POST" = "POST",
): Promise<Answer> {
  const url =
    `${stack.appUrl}/trpc/${path}` +
    (method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "");
  const res = await client.request(
    url,
    method === "POST" ? { method, headers: { "content-type": "application/json" }, body: JSON.stringify(input) } : {},
  );
  const body = (await res.json()) as { result?: { data: Answer["data"] }; error?: Answer["error"] };
  return { status: res.status, data: body.result?.data, error: body.error };
}

describe("permits over tRPC and HTTP", () => {
  let stack: Stack;
  let hdab: CookieClient; // no session, no cookies of anyone
  let olof: CookieClient;
  const now = new Date();

  beforeAll(async () => {
    stack = await startStack();
    hdab = new CookieClient();
    olof = await stack.signIn("olof");
  });
  afterAll(() => stack.stop());

  // The HDAB's own path is POST /api/v1/permits (its contract tests are in http/api-v1); the UI's API
  // has no unauthenticated way in.
  it("takes no permit over tRPC without an operator's session", async () => {
    const answer = await call(hdab, stack, "permits.push", { jws: await signDemoPermit(now) });
    expect(answer.status).toBe(404);
    expect((await call(hdab, stack, "permits.list", undefined, "GET")).status).toBe(401);
  });

  it("records a forged permit pushed over HTTP as evidence: an auditor finds it, with the code and the sender's address", async () => {
    expect((await pushPermit(stack.appUrl, await signDemoPermit(now))).body).toMatchObject({
      outcome: "created",
      permitId: DEMO_PERMIT_ID,
      sequence: 1,
      namespace: expect.stringMatching(/^spe-demo-hdab-2026-0001-[0-9a-f]{10}$/),
    });
    const [h, , s] = (await signDemoPermit(now)).split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify(demoPermitPayload(now, 2))).toString("base64url")}.${s}`;
    expect(await pushPermit(stack.appUrl, forged)).toMatchObject({
      status: 422,
      body: { error: "PERMIT_SIGNATURE_INVALID" },
    });
    const ida = await stack.signIn("ida");
    const refused = await call(ida, stack, "audit.events", { action: "permit.refused" }, "GET");
    expect(refused.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: expect.objectContaining({ role: "anonymous", address: expect.any(String) }),
          details: expect.objectContaining({ code: "PERMIT_SIGNATURE_INVALID" }),
        }),
      ]),
    );
  });

  it("answers an operator's upload of different content under a held sequence with 409 PERMIT_CONFLICT", async () => {
    const conflicting = await signPermit(
      { ...demoPermitPayload(now), conditions: "Something else." },
      devHdabPrivateKey(),
    );
    const answer = await call(olof, stack, "permits.upload", { jws: conflicting });
    expect(answer.status).toBe(409);
    expect(answer.error?.message).toMatch(/^PERMIT_CONFLICT: /);
  });

  it("refuses an empty or oversized upload before any verification", async () => {
    expect((await call(olof, stack, "permits.upload", { jws: " " })).status).toBe(400);
    expect((await call(olof, stack, "permits.upload", { jws: "a".repeat(600 * 1024) })).status).toBe(400);
  });

  it("lets an operator upload an amendment, list permits and get one with its revisions", async () => {
    const amendment = await signPermit(demoPermitPayload(now, 2), devHdabPrivateKey());
    expect((await call(olof, stack, "permits.upload", { jws: amendment })).data).toMatchObject({
      outcome: "amended",
      sequence: 2,
    });

    const list = await call(olof, stack, "permits.list", undefined, "GET");
    expect(list.data).toEqual([
      expect.objectContaining({
        permitId: DEMO_PERMIT_ID,
        sequence: 2,
        status: "granted",
        environment: expect.objectContaining({ desiredState: "active", generation: 2, conditions: expect.any(Array) }),
      }),
    ]);
    const detail = await call(olof, stack, "permits.get", { permitId: DEMO_PERMIT_ID }, "GET");
    expect(detail.data).toMatchObject({ payload: { sequence: 2 }, revisions: [{ sequence: 1 }, { sequence: 2 }] });
    const missing = await call(olof, stack, "permits.get", { permitId: "NOPE-1" }, "GET");
    expect(missing.status).toBe(404);
    expect(missing.error?.message).toMatch(/^PERMIT_NOT_FOUND: /);
  });

  it("keeps upload, list and get to operators", async () => {
    const jws = await signDemoPermit(now);
    expect((await call(hdab, stack, "permits.upload", { jws })).status).toBe(401);
    expect((await call(hdab, stack, "permits.list", undefined, "GET")).status).toBe(401);
    const alice = await stack.signIn("alice");
    expect((await call(alice, stack, "permits.list", undefined, "GET")).status).toBe(403);
    expect((await call(alice, stack, "permits.upload", { jws })).status).toBe(403);
  });
});
