import { createServer, type Server } from "node:http";
import { freePort } from "@spe/infra/local-cluster";
import { eq } from "drizzle-orm";
import { WebSocket, WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient } from "../../test/cookie-client";
import { loopbackFetch, loopbackLookup, loopbackRequest } from "../../test/loopback-fetch";
import { startStack, type Stack } from "../../test/stack";
import { cookieHeader, openWorkspace } from "../../test/workspace-host";
import { hashToken } from "../auth/sessions";
import { auditEvents } from "../db/schema";
import { demoPermitPayload } from "../permits/demo-permit";
import { pushDevPermit } from "../../test/push-permit";
import { WorkspaceSessionStore } from "./workspace-sessions";

/** A stand-in for JupyterLab: answers HTTP with what it received, echoes WebSocket messages, sets a cookie on `/set`. */
async function startUpstream(): Promise<{
  url: string;
  seen: Array<{ url: string; cookie?: string }>;
  server: Server;
}> {
  const seen: Array<{ url: string; cookie?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url!, cookie: req.headers.cookie });
    const cookie = req.url === "/set" ? { "set-cookie": "_xsrf=jupyter-own; Path=/" } : {};
    res.writeHead(200, { "content-type": "application/json", ...cookie });
    res.end(JSON.stringify({ path: req.url }));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (socket, req) => {
    seen.push({ url: `ws:${req.url}`, cookie: req.headers.cookie });
    socket.on("message", (data) => socket.send(`echo:${data.toString()}`));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

/** A WebSocket as a page of `origin` opens it, with the browser's cookies for the socket's host. */
function openSocket(url: string, cookie?: string, origin?: string): Promise<WebSocket | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      headers: cookie ? { cookie } : {},
      origin: origin ?? new URL(url.replace(/^ws/, "http")).origin,
      lookup: loopbackLookup as never,
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once("error", () => resolve({ refused: -1 }));
  });
}

describe("workspace gateway", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let stack: Stack;
  let namespace: string;
  let alice: CookieClient;
  let bob: CookieClient;
  /** alice's workspace host of the environment. */
  let origin: string;
  const html = { accept: "text/html" };

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startStack({ WORKSPACE_UPSTREAM: upstream.url });
    const demo = demoPermitPayload(new Date());
    // alice's alone: bob is the researcher the permit does not name.
    const payload = {
      ...demo,
      authorisedPersons: demo.authorisedPersons.filter((p) => p.subject === "alice"),
      permitId: `SE-GATEWAY-${Date.now().toString(36)}`,
    };
    namespace = await pushDevPermit(stack.appUrl, payload);
    [alice, bob] = [await stack.signIn("alice"), await stack.signIn("bob")];
    origin = (await openWorkspace(alice, stack.appUrl, namespace)).origin;
  });
  afterAll(async () => {
    await stack.stop();
    upstream.server.close();
  });

  it("opens the named person's workspace on an opaque host of its own, through the handshake, to the clean address", async () => {
    const port = new URL(stack.appUrl).port;
    expect(origin).toMatch(new RegExp(`^http://[0-9a-f]{32}\\.ws\\.localhost:${port}$`));
    expect(origin).toBe(stack.workspaceHosts.originOf(stack.workspaceHosts.labelOf(namespace, "alice")));
    const { res, url } = await openWorkspace(alice, stack.appUrl, namespace, "/lab?x=1");
    expect(res.status).toBe(200);
    expect(url).toBe(`${origin}/lab?x=1`);
    expect(await res.json()).toEqual({ path: "/lab?x=1" });
    // The host's session is a cookie of that host alone; the UI's session never went there.
    expect([...alice.cookies(origin).keys()]).toEqual(["__Host-spe_workspace"]);
    expect(upstream.seen.at(-1)!.cookie).toBeUndefined();
  });

  it("forwards the cookies the workspace set for its host, and nothing else the browser holds there", async () => {
    await alice.request(`${origin}/set`);
    expect(alice.cookies(origin).get("_xsrf")).toBe("jupyter-own");
    // As a parent domain's cookie (the identity provider's, another workspace's tossed one) would arrive.
    alice.cookies(origin).set("idp_session", "sso");
    alice.cookies(origin).set("spe_session", "tossed");
    await alice.request(`${origin}/api/contents`);
    expect(upstream.seen.at(-1)).toEqual({ url: "/api/contents", cookie: "_xsrf=jupyter-own" });
    alice.cookies(origin).delete("idp_session");
    alice.cookies(origin).delete("spe_session");
  });

  it("answers the UI's routes on a workspace host with the workspace's, and the gateway's on the UI's host with nothing", async () => {
    for (const path of ["/trpc/environments.mine", "/auth/login", "/healthz", "/api/v1/openapi.json", "/"]) {
      const res = await alice.request(`${origin}${path}`);
      expect(await res.json()).toEqual({ path });
    }
    const before = upstream.seen.length;
    for (const path of ["/_workspace-host/lab", "/_workspace-host"]) {
      const res = await alice.request(`${stack.appUrl}${path}`);
      expect(res.status).toBe(404);
    }
    expect(upstream.seen.length).toBe(before);
  });

  it("answers nothing of the UI's API to a workspace host's page, and lets no page frame the UI", async () => {
    const cookie = cookieHeader(alice, stack.appUrl);
    const asWorkspacePage = { cookie, origin, "content-type": "application/json" };
    // A write as alice from her workspace's page (same site in a shared-domain layout: her cookie goes along).
    const write = await loopbackRequest(`${stack.appUrl}/trpc/exports.create`, {
      method: "POST",
      headers: { ...asWorkspacePage, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" },
    });
    expect([write.status, JSON.parse(write.body).error]).toEqual([403, "CSRF_ORIGIN_MISMATCH"]);
    // A read: refused outright, and in any case with no CORS header that would let the page see it.
    for (const site of ["same-site", "cross-site"]) {
      const res = await loopbackFetch(`${stack.appUrl}/trpc/environments.mine`, {
        headers: { cookie, "sec-fetch-site": site, "sec-fetch-dest": "empty" },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    // The page of the UI itself, and a link to it from anywhere, still work; no page may frame it.
    const own = await loopbackFetch(`${stack.appUrl}/trpc/environments.mine`, {
      headers: { cookie, "sec-fetch-site": "same-origin" },
    });
    expect(own.status).toBe(200);
    const link = await loopbackRequest(`${stack.appUrl}/`, {
      headers: { cookie, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
    });
    expect(link.status).not.toBe(403);
    expect(own.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
  });

  it.each([
    ["nobody signed in", undefined, 401],
    ["a researcher the permit does not name", "bob", 404],
  ] as const)("refuses to hand over to %s", async (_name, who, status) => {
    const client = who === "bob" ? bob : new CookieClient();
    const before = upstream.seen.length;
    const res = await client.request(`${stack.appUrl}/workspaces/${namespace}/lab`);
    expect(res.status).toBe(status);
    expect(upstream.seen.length).toBe(before);
  });

  it("refuses an environment that does not exist the same way as one the person is not named in", async () => {
    const res = await alice.request(`${stack.appUrl}/workspaces/spe-nothing-here-0000000000/lab`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("WORKSPACE_NOT_FOUND");
  });

  it("sends a browser without a session to sign in, and on to the workspace host after it", async () => {
    const link = `${stack.appUrl}/workspaces/${namespace}/lab/tree?path=analys`;
    const client = new CookieClient();
    const first = await client.request(link, { headers: html });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(
      `/auth/login?next=${encodeURIComponent(`/workspaces/${namespace}/lab/tree?path=analys`)}`,
    );
    const { res, url } = await stack.submitLoginForm(client, "alice", "demo", {}, link);
    const back = await client.followFrom(res, url, undefined, { headers: html });
    expect(back.url).toBe(`${origin}/lab/tree?path=analys`);
    expect(await back.res.json()).toEqual({ path: "/lab/tree?path=analys" });
  });

  it("sends a browser that comes to the workspace host without its session through the handshake again", async () => {
    const client = await stack.signIn("alice");
    const first = await client.request(`${origin}/lab/tree?path=x`, { headers: html });
    expect(first.status).toBe(302);
    const label = new URL(origin).hostname.split(".")[0]!;
    expect(first.headers.get("location")).toBe(
      `${stack.appUrl}/workspaces/open?host=${label}&next=${encodeURIComponent("/lab/tree?path=x")}`,
    );
    const back = await client.followFrom(first, `${origin}/lab/tree?path=x`, undefined, { headers: html });
    expect(back.url).toBe(`${origin}/lab/tree?path=x`);
    // A program gets a 401, not a page.
    expect((await new CookieClient().request(`${origin}/api/kernels`)).status).toBe(401);
  });

  it("never hands over to another person's host: a host is found only among the person's own", async () => {
    const bobsLabel = stack.workspaceHosts.labelOf(namespace, "bob");
    const res = await alice.request(`${stack.appUrl}/workspaces/open?host=${bobsLabel}&next=/lab`, { headers: html });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Ingen arbetsyta här");
    // alice's host session is no key to any other host.
    const other = stack.workspaceHosts.originOf(bobsLabel);
    const res2 = await new CookieClient().request(`${other}/api/kernels`, {
      headers: { cookie: cookieHeader(alice, origin) },
    });
    expect(res2.status).toBe(401);
  });

  it("refuses a code used twice, an expired one and one shown on another host, with a page in words and an audit event", async () => {
    const store = new WorkspaceSessionStore(stack.services.database.db);
    const label = stack.workspaceHosts.labelOf(namespace, "alice");
    const first = await alice.request(`${stack.appUrl}/workspaces/${namespace}/lab`, { headers: html });
    expect(first.status).toBe(303);
    const handshake = first.headers.get("location")!;
    expect(handshake).toMatch(new RegExp(`^${origin}/_spe/handshake\\?code=[\\w-]{43}&next=%2Flab$`));
    expect(first.headers.get("referrer-policy")).toBe("no-referrer");
    const fresh = new CookieClient();
    expect((await fresh.request(handshake)).status).toBe(303);
    const again = await new CookieClient().request(handshake, { headers: { ...html, "accept-language": "en" } });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("<h1>This link to the workspace is no longer valid</h1>");

    const sessionHash = hashToken(alice.cookies(stack.appUrl).get("__Host-spe_session")!);
    const grant = { label, namespace, subject: "alice", sessionHash };
    const expired = await store.createCode(grant, new Date(Date.now() - 61_000));
    expect((await new CookieClient().request(`${origin}/_spe/handshake?code=${expired}`)).status).toBe(403);
    const elsewhere = await store.createCode(grant);
    const otherHost = stack.workspaceHosts.originOf(stack.workspaceHosts.labelOf(namespace, "bob"));
    expect((await new CookieClient().request(`${otherHost}/_spe/handshake?code=${elsewhere}`)).status).toBe(403);
    // Spent on the wrong host, it is no good on its own either.
    expect((await new CookieClient().request(`${origin}/_spe/handshake?code=${elsewhere}`)).status).toBe(403);

    const refused = await stack.services.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "workspace.link-refused"));
    // A code unknown (used, or never made) names nobody; one spent names whose it was.
    const otherLabel = new URL(otherHost).hostname.split(".")[0];
    expect(refused.map((e) => [e.actorSubject, e.target, (e.details as { reason: string }).reason])).toEqual([
      ["anonymous", `workspace-host:${label}`, "unknown"],
      ["alice", `environment:${namespace}`, "expired"],
      ["alice", `environment:${namespace}`, "other-host"],
      ["anonymous", `workspace-host:${label}`, "unknown"],
    ]);
    expect(otherLabel).not.toBe(label);
  });

  it("answers a refused page load with a page in words, in Swedish unless the browser prefers English", async () => {
    const page = async (language?: string) => {
      const res = await bob.request(`${stack.appUrl}/workspaces/${namespace}/lab`, {
        headers: { ...html, ...(language ? { "accept-language": language } : {}) },
      });
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
    const swedish = await page("sv-SE,sv;q=0.9,en;q=0.8");
    expect(swedish).toMatchObject({ status: 404, type: expect.stringContaining("text/html") });
    expect(swedish.text).toContain('<html lang="sv">');
    expect(swedish.text).toContain("<h1>Ingen arbetsyta här</h1>");
    expect((await page("en-GB,en;q=0.9")).text).toContain("<h1>No workspace here</h1>");
    expect((await page()).text).toContain("<h1>Ingen arbetsyta här</h1>");
  });

  it("proxies WebSockets from the workspace host's own pages only", async () => {
    const wsUrl = `${origin.replace("http", "ws")}/api/kernels/k1/channels`;
    const socket = await openSocket(wsUrl, cookieHeader(alice, origin));
    expect(socket).toBeInstanceOf(WebSocket);
    const ws = socket as WebSocket;
    const reply = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
    ws.send("hello");
    expect(await reply).toBe("echo:hello");
    // While it is open, alice's workspace is in use: the idle culler keeps it.
    const personId = stack.services.environmentConfig.workspaceIdentities!.personIdOf(namespace, "alice");
    expect(stack.connections.count(namespace, personId)).toBe(1);
    ws.close();
    await expect.poll(() => stack.connections.count(namespace, personId)).toBe(0);
    expect(upstream.seen.find((s) => s.url.startsWith("ws:"))?.cookie).toBe("_xsrf=jupyter-own");
    expect(await openSocket(wsUrl)).toEqual({ refused: 401 });
    // With alice's cookie, from another site's page, from the UI's and from another workspace host's: refused.
    const otherHost = stack.workspaceHosts.originOf(stack.workspaceHosts.labelOf(namespace, "bob"));
    for (const page of ["https://evil.example", stack.appUrl, otherHost])
      expect(await openSocket(wsUrl, cookieHeader(alice, origin), page)).toEqual({ refused: 403 });
  });

  it("closes an open WebSocket with 1008 when its person signs out of the UI, and ends the host's session", async () => {
    const second = await stack.signIn("alice");
    const host = (await openWorkspace(second, stack.appUrl, namespace)).origin;
    const socket = await openSocket(`${host.replace("http", "ws")}/terminals/websocket/1`, cookieHeader(second, host));
    expect(socket).toBeInstanceOf(WebSocket);
    const closed = new Promise<number>((resolve) => (socket as WebSocket).once("close", (code) => resolve(code)));
    const out = await second.request(`${stack.appUrl}/auth/logout`, {
      method: "POST",
      headers: { origin: stack.appUrl },
    });
    expect(out.status).toBe(200);
    expect(await closed).toBe(1008);
    expect((await second.request(`${host}/api/kernels`)).status).toBe(401);
  });

  it("refuses while the environment is suspended, and records who opened what", async () => {
    const olof = await stack.signIn("olof");
    const suspend = await olof.request(`${stack.appUrl}/trpc/environments.suspend`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.appUrl },
      body: JSON.stringify({ namespace, reason: "Checking the gateway refuses" }),
    });
    expect(suspend.status).toBe(200);
    expect((await alice.request(`${origin}/lab`)).status).toBe(423);
    expect((await alice.request(`${stack.appUrl}/workspaces/${namespace}/lab`)).status).toBe(423);
    const ida = await stack.signIn("ida");
    const events = await ida.request(
      `${stack.appUrl}/trpc/audit.events?input=${encodeURIComponent(JSON.stringify({ action: "workspace.*" }))}`,
    );
    const actions = (
      (await events.json()) as { result: { data: Array<{ action: string; actor: { subject: string } }> } }
    ).result.data;
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "workspace.opened", actor: expect.objectContaining({ subject: "alice" }) }),
        expect.objectContaining({
          action: "workspace.session-created",
          actor: expect.objectContaining({ subject: "alice" }),
        }),
        expect.objectContaining({
          action: "workspace.websocket-opened",
          actor: expect.objectContaining({ subject: "alice" }),
        }),
      ]),
    );
  });
});
