// The gateway's guards against a hostile page, a stale right and a leaking workspace: the real gateway on a
// real port, a real database and sessions, and a real HTTP/WebSocket server standing in for the pod.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import cookie from "@fastify/cookie";
import { and, eq } from "drizzle-orm";
import Fastify, { type FastifyInstance } from "fastify";
import { WebSocket, WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { amendEnvironment, insertEnvironment } from "../../test/environment-rows";
import { SessionStore } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { SESSION_COOKIE } from "../auth/session-cookie";
import type { PermitPayload } from "../permits/permit";
import { examplePermit } from "../permits/test-fixtures";
import { registerGateway } from "./gateway";

type Seen = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/** A stand-in for JupyterLab that records what reached it and answers its contents API like Jupyter. */
async function startWorkspace(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const path = req.url!.split("?")[0]!;
      const json = (value: unknown) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (path.endsWith("/set-cookies"))
        return res
          .writeHead(200, {
            "content-type": "text/html",
            "set-cookie": [
              "spe_session=planted; Path=/; HttpOnly",
              "=spe_session=nameless; Path=/",
              "theme=dark; Path=/; Domain=127.0.0.1",
              `_xsrf=abc; Path=${path.replace("set-cookies", "")}`,
            ],
            "service-worker-allowed": "/",
            "clear-site-data": '"cookies"',
          })
          .end("ok");
      if (path.includes("/api/contents/") && req.method === "GET") {
        if (req.url!.includes("format=base64") || path.endsWith(".parquet"))
          return json({ name: "x", type: "file", format: "base64", content: "UEFSMQ==" });
        if (path.endsWith("/analys"))
          return json({
            name: "analys",
            type: "directory",
            format: "json",
            content: [{ name: "a.ipynb", type: "notebook", format: null, content: null }],
          });
        return json({ name: "a.csv", type: "file", format: "text", content: "kommun;antal\n" });
      }
      json({ method: req.method, path });
    });
  });
  // Speaks subprotocol "b" when offered (else the first offered); refuses sockets under `…/refuse` with 503.
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has("b") ? "b" : ([...protocols][0] ?? false)),
    verifyClient: (info, done) => (info.req.url?.endsWith("/refuse") ? done(false, 503) : done(true)),
  });
  wss.on("connection", (socket, req) => {
    if (req.url?.endsWith("/ping")) socket.ping("from-workspace");
    seen.push({ method: "WS", url: req.url!, headers: req.headers, body: "" });
    socket.on("message", (data) => socket.send(`echo:${data.toString()}`));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => resolve(-1));
  });
}

/** The close code and reason a socket gets, or a failure when it stays open (the hole this closes). */
function closeOf(ws: WebSocket, withinMs = 10_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the socket is still open after ${withinMs} ms`)), withinMs);
    ws.once("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

const echo = (ws: WebSocket, text: string) =>
  new Promise<string>((resolve) => {
    ws.once("message", (data) => resolve(data.toString()));
    ws.send(text);
  });

describe("workspace gateway security", () => {
  let database: Database;
  let sessions: SessionStore;
  let workspace: Awaited<ReturnType<typeof startWorkspace>>;
  const apps: FastifyInstance[] = [];
  let appUrl: string;
  let namespace: string;
  let aliceCookie: string;

  /** A gateway on a port of its own; the main one checks open sockets only when the database announces a change. */
  async function startGateway(socketRecheckMs: number): Promise<{ app: FastifyInstance; url: string }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = Fastify();
    await app.register(cookie);
    await registerGateway(app, {
      db: database.db,
      sessions,
      upstreamFor: () => Promise.resolve(workspace.url),
      publicUrl: url,
      socketRecheckMs,
    });
    await app.listen({ host: "127.0.0.1", port });
    apps.push(app);
    return { app, url };
  }
  const signIn = async (subject = "alice") =>
    `${SESSION_COOKIE}=${await sessions.create({ subject, name: subject, email: null, roles: ["researcher"] }, undefined)}`;
  async function environment(
    overrides: Partial<PermitPayload> = {},
  ): Promise<{ payload: PermitPayload; namespace: string }> {
    const payload = examplePermit({ permitId: `SE-GWSEC-${Math.random().toString(36).slice(2, 10)}`, ...overrides });
    return { payload, namespace: await insertEnvironment(database.db, payload) };
  }
  const socketUrl = (base: string, ns: string, path = "api/terminals/websocket/1") =>
    `${base.replace("http", "ws")}/workspaces/${ns}/${path}`;
  const events = async (action: string, ns: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.target, `environment:${ns}`)));

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    sessions = new SessionStore(database.db, { idleMs: 600_000, absoluteMs: 3_600_000 });
    workspace = await startWorkspace();
    appUrl = (await startGateway(3_600_000)).url;
    namespace = (await environment()).namespace;
    aliceCookie = await signIn();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    workspace.server.close();
    await database.close();
  });

  describe("WebSocket origin", () => {
    it("refuses a WebSocket opened by another site's page, or by no page, and records the refusal", async () => {
      const before = workspace.seen.length;
      expect(
        await openSocket(socketUrl(appUrl, namespace), { cookie: aliceCookie, origin: "https://evil.example" }),
      ).toBe(403);
      expect(await openSocket(socketUrl(appUrl, namespace), { cookie: aliceCookie })).toBe(403);
      expect(workspace.seen.length).toBe(before);
      const refused = await events("workspace.websocket-refused", namespace);
      expect(refused.map((e) => [e.actorSubject, (e.details as { origin: string | null }).origin])).toEqual([
        ["alice", "https://evil.example"],
        ["alice", null],
      ]);
      const ours = await openSocket(socketUrl(appUrl, namespace), { cookie: aliceCookie, origin: appUrl });
      expect(ours).toBeInstanceOf(WebSocket);
      expect(await echo(ours as WebSocket, "hej")).toBe("echo:hej");
      (ours as WebSocket).close();
    });
  });

  describe("an open WebSocket authorised again", () => {
    const openAs = async (ns: string, cookieHeader: string, base = appUrl) => {
      const ws = await openSocket(socketUrl(base, ns), { cookie: cookieHeader, origin: base });
      expect(ws).toBeInstanceOf(WebSocket);
      expect(await echo(ws as WebSocket, "before")).toBe("echo:before");
      return ws as WebSocket;
    };

    it("closes with 1008 at once when its session ends (logout), and records why", async () => {
      const session = await signIn();
      const ws = await openAs(namespace, session);
      const closed = closeOf(ws);
      await sessions.delete(session.split("=")[1]);
      expect(await closed).toEqual({ code: 1008, reason: "AUTH_UNAUTHENTICATED" });
      const [event] = (await events("workspace.websocket-closed", namespace)).filter(
        (e) => (e.details as { reason: string }).reason === "AUTH_UNAUTHENTICATED",
      );
      expect(event).toMatchObject({
        actorSubject: "alice",
        details: { path: "/workspaces/" + namespace + "/api/terminals/websocket/1" },
      });
    });

    it("closes when the person is removed from the permit, and leaves another person's socket open", async () => {
      const bob = { subject: "bob", name: "Bob", email: "bob@uni.example" };
      const { payload, namespace: ns } = await environment({
        authorisedPersons: [examplePermit().principalInvestigator, bob],
      });
      const [alice, bobs] = [await openAs(ns, await signIn()), await openAs(ns, await signIn("bob"))];
      const closed = closeOf(alice);
      await amendEnvironment(database.db, { ...payload, sequence: 2, authorisedPersons: [bob] });
      expect(await closed).toEqual({ code: 1008, reason: "WORKSPACE_NOT_FOUND" });
      expect(await echo(bobs, "still")).toBe("echo:still");
      bobs.close();
    });

    it.each([
      [
        "the permit is revoked",
        (p: PermitPayload) => ({
          payload: { ...p, sequence: 2, status: "revoked" as const },
          state: "torn-down" as const,
        }),
      ],
      ["the environment is suspended", (p: PermitPayload) => ({ payload: p, state: "suspended" as const })],
    ])("closes when %s", async (_what, change) => {
      const { payload, namespace: ns } = await environment();
      const ws = await openAs(ns, aliceCookie);
      const closed = closeOf(ws);
      const { payload: amended, state } = change(payload);
      await amendEnvironment(database.db, amended, state);
      expect(await closed).toEqual({ code: 1008, reason: "WORKSPACE_UNAVAILABLE" });
    });

    it("checks every open socket on a timer too: one closes when its permit's validity ends, which nothing announces", async () => {
      const timed = await startGateway(200);
      const { namespace: ns } = await environment({ validUntil: new Date(Date.now() + 1_500).toISOString() });
      const ws = await openAs(ns, aliceCookie, timed.url);
      expect(await closeOf(ws)).toEqual({ code: 1008, reason: "WORKSPACE_UNAVAILABLE" });
    });

    it("closes every open socket when the gateway's app closes", async () => {
      const closing = await startGateway(3_600_000);
      const ws = await openAs(namespace, aliceCookie, closing.url);
      const closed = closeOf(ws);
      await closing.app.close();
      expect(await closed).toMatchObject({ code: 1001 });
    });
  });

  describe("the socket between them", () => {
    it("lets the workspace choose among every subprotocol the browser offers, and gives the browser its choice", async () => {
      const ws = new WebSocket(socketUrl(appUrl, namespace), ["a", "b"], {
        headers: { cookie: aliceCookie, origin: appUrl },
      });
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      expect(ws.protocol).toBe("b");
      expect(workspace.seen.at(-1)!.headers["sec-websocket-protocol"]).toBe("a,b");
      expect(await echo(ws, "x")).toBe("echo:x");
      ws.close();
    });

    it("answers the browser in HTTP when the workspace refuses the socket, rather than opening one only to close it", async () => {
      expect(
        await openSocket(socketUrl(appUrl, namespace, "api/kernels/1/refuse"), { cookie: aliceCookie, origin: appUrl }),
      ).toBe(502);
    });

    it("passes the workspace's ping to the browser and the browser's pong back, so each learns whether the other is alive", async () => {
      const ws = new WebSocket(socketUrl(appUrl, namespace, "api/kernels/1/ping"), {
        headers: { cookie: aliceCookie, origin: appUrl },
      });
      const ping = await new Promise<string>((resolve) => ws.once("ping", (data) => resolve(data.toString())));
      expect(ping).toBe("from-workspace");
      ws.close();
    });
  });

  describe("headers between the browser and the workspace", () => {
    it("keeps the workspace's cookies inside its path and drops any that names one of ours", async () => {
      const res = await fetch(`${appUrl}/workspaces/${namespace}/set-cookies`, { headers: { cookie: aliceCookie } });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([
        `theme=dark; Path=/workspaces/${namespace}/`,
        `_xsrf=abc; Path=/workspaces/${namespace}/`,
      ]);
      expect(res.headers.get("service-worker-allowed")).toBeNull();
      expect(res.headers.get("clear-site-data")).toBeNull();
    });

    it("passes neither the client's forwarded address nor its credentials to the workspace, over HTTP or WebSocket", async () => {
      const smuggled = {
        "x-forwarded-for": "6.6.6.6",
        "x-real-ip": "6.6.6.6",
        "x-forwarded-host": "evil.example",
        authorization: "Bearer smuggled",
      };
      await fetch(`${appUrl}/workspaces/${namespace}/lab`, {
        headers: { cookie: `${aliceCookie}; _xsrf=own`, ...smuggled },
      });
      const http = workspace.seen.at(-1)!;
      expect(http.headers).toMatchObject({ "x-forwarded-for": "127.0.0.1", cookie: "_xsrf=own" });
      for (const name of ["x-real-ip", "x-forwarded-host", "authorization"]) expect(http.headers[name]).toBeUndefined();
      const ws = (await openSocket(socketUrl(appUrl, namespace), {
        cookie: aliceCookie,
        origin: appUrl,
        ...smuggled,
      })) as WebSocket;
      await echo(ws, "x");
      const socket = workspace.seen.filter((s) => s.method === "WS").at(-1)!;
      expect(socket.headers["x-forwarded-for"]).toBe("127.0.0.1");
      for (const name of ["x-real-ip", "x-forwarded-host", "authorization", "cookie"])
        expect(socket.headers[name]).toBeUndefined();
      ws.close();
    });
  });

  describe("files out and binaries in", () => {
    it.each([
      ["GET", "files/analys/register.csv?download=1"],
      ["GET", "files/analys/register.csv"],
      ["HEAD", "files/register.csv"],
      ["GET", "%66iles/register.csv"],
      ["GET", "./Files//register.csv"],
      ["GET", "nbconvert/html/analys/a.ipynb?download=true"],
      ["POST", "nbconvert/script"],
      ["GET", "view/analys/register.csv"],
    ])("refuses %s %s before it reaches the workspace", async (method, path) => {
      const before = workspace.seen.length;
      const res = await fetch(`${appUrl}/workspaces/${namespace}/${path}`, {
        method,
        headers: { cookie: aliceCookie },
      });
      expect(res.status).toBe(403);
      if (method !== "HEAD")
        expect(await res.json()).toMatchObject({
          error: "WORKSPACE_TRANSFER_BLOCKED",
          message: expect.stringContaining("airlock"),
        });
      expect(workspace.seen.length).toBe(before);
    });

    it("answers a download link opened in the browser with a page in words, and records the refusal", async () => {
      const res = await fetch(`${appUrl}/workspaces/${namespace}/files/ut.csv?download=1`, {
        headers: { cookie: aliceCookie, accept: "text/html", "accept-language": "en" },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("<h1>Files do not leave the environment this way</h1>");
      const refused = await events("workspace.transfer-refused", namespace);
      expect(refused.at(-1)).toMatchObject({
        actorSubject: "alice",
        details: { route: "files", path: `/workspaces/${namespace}/files/ut.csv`, method: "GET" },
      });
    });

    it("lets the contents API through untouched, notebooks and binaries alike: the Lab opens, saves and uploads through it", async () => {
      const contents = (path: string, init?: RequestInit) =>
        fetch(`${appUrl}/workspaces/${namespace}/api/contents/${path}`, {
          ...init,
          headers: { cookie: aliceCookie, "content-type": "application/json" },
        });
      const text = await contents("analys/a.csv?type=file&format=text&content=1");
      expect(await text.json()).toMatchObject({ format: "text", content: "kommun;antal\n" });
      // What a notebook's JSON or a terminal can carry, a gateway cannot hold back: refusing base64 here only
      // broke image viewing and uploads (see transfer-rules.ts).
      expect(await (await contents("register.parquet?content=1")).json()).toMatchObject({ format: "base64" });
      const notebook = JSON.stringify({
        type: "notebook",
        format: "json",
        content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
      });
      expect((await contents("analys/a.ipynb", { method: "PUT", body: notebook })).status).toBe(200);
      expect(workspace.seen.at(-1)).toMatchObject({ method: "PUT", body: notebook });
      const upload = JSON.stringify({ type: "file", format: "base64", content: "cHJpbnQoMSk=" });
      expect((await contents("analys/a.py", { method: "PUT", body: upload })).status).toBe(200);
      expect(workspace.seen.at(-1)).toMatchObject({ method: "PUT", body: upload });
    });
  });
});
