import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "../db/schema";
import { startStack, type Stack } from "../../test/stack";

// A window long enough that the flood lands in one or two, short enough that the summary comes soon.
const LIMITS = { perAddress: 5, total: 50, windowMs: 5000 };
const REFUSALS = ["permit.refused", "session.refused", "workspace.websocket-refused"];

/** The status a WebSocket upgrade from `origin` is answered with (a refusal is a plain HTTP answer). */
function upgradeStatus(url: string, host: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        host,
        connection: "Upgrade",
        upgrade: "websocket",
        origin,
        "sec-websocket-version": "13",
        "sec-websocket-key": Buffer.from(randomUUID().slice(0, 16)).toString("base64"),
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("what strangers can make the audit log record, under a flood on loopback", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, { strangerRefusalLimits: LIMITS });
  });
  afterAll(() => stack?.stop());

  const eventsOf = (actions: string[]) =>
    stack.services.database.db.select().from(auditEvents).where(inArray(auditEvents.action, actions));

  it("audits the first refusals one by one, answers the rest 429, and counts them in one event a window", async () => {
    const before = (await eventsOf(REFUSALS)).length;
    // A workspace host of somebody's, as a page on another site would reach it: through this listener.
    const workspaceHost = new URL(stack.workspaceHosts.originOf(stack.workspaceHosts.labelOf("spe-somebody", "bob")))
      .host;
    const flood = Array.from({ length: 60 }, async (_, i) => {
      if (i % 3 === 0)
        return (
          await fetch(`${stack.appUrl}/api/v1/permits`, {
            method: "POST",
            headers: { "content-type": "application/jose" },
            body: "not.a.permit",
          })
        ).status;
      if (i % 3 === 1)
        return (await fetch(`${stack.appUrl}/auth/callback?code=x&state=y`, { redirect: "manual" })).status;
      return upgradeStatus(`${stack.appUrl}/api/kernels/1/channels`, workspaceHost, "https://evil.example");
    });
    const statuses = await Promise.all(flood);
    const limited = await fetch(`${stack.appUrl}/api/v1/permits`, {
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: "still.not.a.permit",
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "REFUSALS_RATE_LIMITED" });

    const suppressed = statuses.filter((s) => s === 429).length + 1;
    expect(statuses.filter((s) => s !== 429).every((s) => s === 400 || s === 403 || s === 422)).toBe(true);
    // Five a window from one address, and the flood took a window or two: the rest were only counted.
    const audited = (await eventsOf(REFUSALS)).length - before;
    expect(audited).toBeGreaterThanOrEqual(5);
    expect(audited).toBeLessThanOrEqual(10);
    expect(audited + suppressed).toBe(61);
    // Within a window or two the suppressed refusals are one event a window, by address and code.
    const counted = async () =>
      (await eventsOf(["access.refusals-suppressed"])).reduce((n, e) => n + (e.details as { count: number }).count, 0);
    await expect.poll(counted, { timeout: 15_000, interval: 500 }).toBe(suppressed);
    const [summary] = await eventsOf(["access.refusals-suppressed"]);
    expect(summary!.target).toBe("access:unauthenticated-refusals");
    expect(summary!.details).toMatchObject({
      addresses: [{ address: "127.0.0.1", count: expect.any(Number) }],
      codes: expect.objectContaining({ AUTH_LOGIN_FAILED: expect.any(Number) }),
    });
  });

  it("audits a signed-in person's refused download, review file and workspace with the id asked for", async () => {
    const alice = await stack.signIn("alice");
    const id = randomUUID();
    expect((await alice.request(`${stack.appUrl}/exports/${id}/files?path=outbox/t.csv`)).status).toBe(404);
    expect((await alice.request(`${stack.appUrl}/reviews/${id}/file?path=outbox/t.csv`)).status).toBe(404);
    expect(
      (await alice.request(`${stack.appUrl}/workspaces/spe-not-hers/lab`, { headers: { accept: "text/html" } })).status,
    ).toBe(404);
    const refused = await stack.services.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "access.refused"));
    expect(refused.map((e) => [e.actorSubject, e.target])).toEqual(
      expect.arrayContaining([
        ["alice", `export:${id}`],
        ["alice", `export:${id}`],
        ["alice", "environment:spe-not-hers"],
      ]),
    );
    expect(refused.find((e) => e.target === `export:${id}`)!.details).toMatchObject({
      route: "/exports/:id/files",
      path: "outbox/t.csv",
      code: "EXPORT_REQUEST_NOT_FOUND",
    });
  });
});
