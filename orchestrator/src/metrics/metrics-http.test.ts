import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { examplePermit } from "../permits/test-fixtures";
import { insertEnvironment } from "../../test/environment-rows";
import { samples, valueOf } from "../../test/metric-samples";
import { startStack, type Stack } from "../../test/stack";

describe("the orchestrator's metrics, on a port of their own", () => {
  let stack: Stack;
  const scrape = async () => samples(await (await fetch(stack.metricsUrl!)).text());

  beforeAll(async () => {
    stack = await startStack({ METRICS_PORT: String(await freePort()) });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("count answered requests by route pattern and status class, never by the URL as sent", async () => {
    const unguessable = randomUUID();
    expect((await fetch(`${stack.appUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.appUrl}/no-such-page/${unguessable}`)).status).toBe(404);
    // Not signed in: the gateway sends the browser to sign in, whatever the namespace.
    expect(
      (
        await fetch(`${stack.appUrl}/workspaces/spe-${unguessable}/`, {
          redirect: "manual",
          headers: { accept: "text/html" },
        })
      ).status,
    ).toBe(302);

    const all = await scrape();
    expect(
      valueOf(all, "spe_http_requests_total", { method: "GET", route: "/healthz", status: "2xx" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(all, "spe_http_requests_total", { method: "GET", route: "unmatched", status: "4xx" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      all.filter((s) => s.name === "spe_http_requests_total" && s.labels.status === "3xx").map((s) => s.labels.route),
    ).toEqual([expect.stringMatching(/^\/workspaces\//)]);
    expect(valueOf(all, "spe_http_request_duration_seconds_count", { route: "/healthz" })).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(all)).not.toContain(unguessable);
  });

  it("answer /healthz there in detail, for operators' probes: the API server and the nodes' capacity", async () => {
    const res = await fetch(stack.metricsUrl!.replace(/\/metrics$/, "/healthz"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      kubernetes: { version: expect.stringMatching(/^v1\./) },
      capacity: { nodes: expect.any(Array), usable: { nodes: expect.any(Number) } },
    });
    // The users' port still says only whether it works.
    expect(await (await fetch(`${stack.appUrl}/healthz`)).json()).toEqual({ status: "ok" });
  });

  it("show the reconciler's work and the process's own health", async () => {
    await insertEnvironment(stack.services.database.db, examplePermit({ permitId: `SE-METRICS-${Date.now()}` }));
    await vi.waitFor(
      async () => {
        const all = await scrape();
        expect(valueOf(all, "spe_reconciler_leader")).toBe(1);
        expect(valueOf(all, "spe_reconciles_total", { outcome: "ok" })).toBeGreaterThanOrEqual(1);
      },
      { timeout: 30_000, interval: 250 },
    );
    const all = await scrape();
    expect(valueOf(all, "spe_reconcile_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(valueOf(all, "spe_reconcile_queue_depth")).toBeGreaterThanOrEqual(0);
    expect(valueOf(all, "spe_environments", { desired_state: "active", ready: "false" })).toBe(1);
    expect(valueOf(all, "spe_database_up")).toBe(1);
    // Event loop lag: a stall of the kind that once held sign-ins shows here.
    expect(valueOf(all, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("are served only at GET /metrics there, and not at all on the users' port", async () => {
    const origin = new URL(stack.metricsUrl!).origin;
    expect(new URL(stack.metricsUrl!).hostname).toBe("127.0.0.1");
    const got = await fetch(stack.metricsUrl!);
    expect(got.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(stack.metricsUrl!, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${stack.appUrl}/metrics`)).status).toBe(404);
  });

  it("answer a request line no URL parser accepts with 404, and go on serving", async () => {
    const { hostname, port } = new URL(stack.metricsUrl!);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.end("GET http://[/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      socket
        .setEncoding("utf8")
        .on("data", (d: string) => (text += d))
        .on("end", () => resolve(text))
        .on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect((await fetch(stack.metricsUrl!)).status).toBe(200);
    expect((await fetch(`${stack.appUrl}/healthz`)).status).toBe(200);
  });
});
