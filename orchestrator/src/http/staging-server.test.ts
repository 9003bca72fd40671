import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "../db/schema";
import { startStack, type Stack } from "../../test/stack";

// One window for the whole test: what the staging listener's refusals use up, the people's port lacks.
const LIMITS = { perAddress: 4, total: 100, windowMs: 60_000 };

describe("the data loaders' listener, apart from the people's", () => {
  let stack: Stack;
  const stagingPath = () => `/staging/spe-nowhere-${randomUUID().slice(0, 8)}/${randomUUID()}/extract.parquet`;
  const refusedStaging = () =>
    stack.services.database.db.select().from(auditEvents).where(eq(auditEvents.action, "staging.refused"));

  beforeAll(async () => {
    stack = await startStack({}, { strangerRefusalLimits: LIMITS });
  });
  afterAll(() => stack?.stop());

  it("is not served on the people's port: /staging there is a plain 404 and no audit event", async () => {
    const before = (await refusedStaging()).length;
    const res = await fetch(`${stack.appUrl}${stagingPath()}`, { headers: { authorization: "Bearer v1.1.x" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("www-authenticate")).toBeNull();
    expect((await refusedStaging()).length).toBe(before);
  });

  it("serves /staging alone: the UI, the API and health answer 404 there without echoing the request", async () => {
    for (const path of ["/", "/healthz", "/api/v1/openapi.json", "/trpc/session.me", "/auth/login"]) {
      const res = await fetch(`${stack.stagingOrigin}${path}`);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as { error: string; message: string };
      expect(body).toEqual({
        error: "NOT_FOUND",
        message: "This listener serves only GET /staging/… to data loaders.",
      });
    }
  });

  it("counts its refusals against the budget strangers share on the people's port", async () => {
    // Refused at /staging until this address's budget is spent (each audited), then 429 there ...
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.perAddress + 1; i++)
      statuses.push((await fetch(`${stack.stagingOrigin}${stagingPath()}`)).status);
    expect(statuses.slice(0, LIMITS.perAddress).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // ... and a stranger's garbage permit on the people's port is over the same budget: not audited, 429.
    const permit = await fetch(`${stack.appUrl}/api/v1/permits`, {
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: "not.a.permit",
    });
    expect(permit.status).toBe(429);
    expect(await permit.json()).toMatchObject({ error: "REFUSALS_RATE_LIMITED" });
  });
});
