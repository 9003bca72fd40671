import { createServer, type Server } from "node:http";
import { freePort } from "@spe/infra/local-cluster";
import { WebSocket, WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient } from "../../test/cookie-client";
import { startStack, type Stack } from "../../test/stack";
import { demoPermitPayload } from "../permits/demo-permit";
import { pushDevPermit } from "../../test/push-permit";

/** A stand-in for JupyterLab: answers HTTP with what it received, echoes WebSocket messages. */
async function startUpstream(): Promise<{
  url: string;
  seen: Array<{ url: string; cookie?: string }>;
  server: Server;
}> {
  const seen: Array<{ url: string; cookie?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url!, cookie: req.headers.cookie });
    res.writeHead(200, { "content-type": "application/json" });
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

/** A WebSocket as a page opens it: with the page's origin (the orchestrator's own unless given) and the browser's cookies. */
function openSocket(
  url: string,
  cookie?: string,
  origin = new URL(url.replace(/^ws/, "http")).origin,
): Promise<WebSocket | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: cookie ? { cookie } : {}, origin });
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
  const cookieHeader = (client: CookieClient, url: string) =>
    [...client.cookies(url)].map(([k, v]) => `${k}=${v}`).join("; ");

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startStack({ WORKSPACE_UPSTREAM: upstream.url });
    const payload = { ...demoPermitPayload(new Date()), permitId: `SE-GATEWAY-${Date.now().toString(36)}` };
    namespace = await pushDevPermit(stack.appUrl, payload);
    [alice, bob] = [await stack.signIn("alice"), await stack.signIn("bob")];
  });
  afterAll(async () => {
    await stack.stop();
    upstream.server.close();
  });

  it("lets a person named in the permit through, without passing on our session cookie", async () => {
    alice.cookies(stack.appUrl).set("_xsrf", "jupyter-own");
    const res = await alice.request(`${stack.appUrl}/workspaces/${namespace}/lab?x=1`, {
      headers: { accept: "text/html" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: `/workspaces/${namespace}/lab?x=1` });
    const last = upstream.seen.at(-1)!;
    expect(last.cookie).toBe("_xsrf=jupyter-own");
  });

  it.each([
    ["nobody signed in", undefined, 401],
    ["a researcher the permit does not name", "bob", 404],
  ] as const)("refuses %s", async (_name, who, status) => {
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

  it("sends a browser that is not signed in to sign in, and back to the workspace link after it", async () => {
    const link = `${stack.appUrl}/workspaces/${namespace}/lab/tree?path=analys`;
    const client = new CookieClient();
    const first = await client.request(link, { headers: { accept: "text/html" } });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(
      `/auth/login?next=${encodeURIComponent(`/workspaces/${namespace}/lab/tree?path=analys`)}`,
    );
    const { res, url } = await stack.submitLoginForm(client, "alice", "demo", {}, link);
    const back = await client.followFrom(res, url);
    expect(back.url).toBe(link);
    expect(await back.res.json()).toEqual({ path: `/workspaces/${namespace}/lab/tree?path=analys` });
  });

  it("answers a refused page load with a page in words, in Swedish unless the browser prefers English", async () => {
    const page = async (language?: string) => {
      const res = await bob.request(`${stack.appUrl}/workspaces/${namespace}/lab`, {
        headers: { accept: "text/html", ...(language ? { "accept-language": language } : {}) },
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

  it("proxies WebSockets for the named person and refuses them for others", async () => {
    const wsUrl = `${stack.appUrl.replace("http", "ws")}/workspaces/${namespace}/api/kernels/k1/channels`;
    const socket = await openSocket(wsUrl, cookieHeader(alice, stack.appUrl));
    expect(socket).toBeInstanceOf(WebSocket);
    const ws = socket as WebSocket;
    const reply = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
    ws.send("hello");
    expect(await reply).toBe("echo:hello");
    ws.close();
    expect(upstream.seen.find((s) => s.url.startsWith("ws:"))?.cookie ?? "").not.toContain("spe_session");
    expect(await openSocket(wsUrl, cookieHeader(bob, stack.appUrl))).toEqual({ refused: 404 });
    expect(await openSocket(wsUrl)).toEqual({ refused: 401 });
    // A page of another site, with alice's cookie, is refused: only the orchestrator's public origin may open one.
    expect(await openSocket(wsUrl, cookieHeader(alice, stack.appUrl), "https://evil.example")).toEqual({
      refused: 403,
    });
  });

  it("closes an open WebSocket with 1008 when its person signs out", async () => {
    const second = await stack.signIn("alice");
    const socket = await openSocket(
      `${stack.appUrl.replace("http", "ws")}/workspaces/${namespace}/terminals/websocket/1`,
      cookieHeader(second, stack.appUrl),
    );
    expect(socket).toBeInstanceOf(WebSocket);
    const closed = new Promise<number>((resolve) => (socket as WebSocket).once("close", (code) => resolve(code)));
    const out = await second.request(`${stack.appUrl}/auth/logout`, {
      method: "POST",
      headers: { origin: stack.appUrl },
    });
    expect(out.status).toBe(200);
    expect(await closed).toBe(1008);
  });

  it("refuses while the environment is suspended, and records who opened what", async () => {
    const olof = await stack.signIn("olof");
    const suspend = await olof.request(`${stack.appUrl}/trpc/environments.suspend`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.appUrl },
      body: JSON.stringify({ namespace }),
    });
    expect(suspend.status).toBe(200);
    const res = await alice.request(`${stack.appUrl}/workspaces/${namespace}/lab`);
    expect(res.status).toBe(423);
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
          action: "workspace.websocket-opened",
          actor: expect.objectContaining({ subject: "alice" }),
        }),
      ]),
    );
  });
});
