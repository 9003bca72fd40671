// The gateway's guards against a hostile page, a stale right and a leaking workspace: the real gateway on a
// real port, a real database and sessions, and a real HTTP/WebSocket server standing in for the pod.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { WebSocket, WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { amendEnvironment, insertEnvironment } from "../../test/environment-rows";
import { SessionStore } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import type { PermitPayload } from "../permits/permit";
import { examplePermit } from "../permits/test-fixtures";
import { gatewayApp } from "../../test/gateway-app";
import { loopbackFetch, loopbackLookup, loopbackRequest } from "../../test/loopback-fetch";
import { handshake } from "../../test/workspace-host";

const fetch = loopbackFetch;

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
              "__Host-spe_workspace=planted; Path=/; Secure",
              "theme=dark; Path=/; Domain=ws.localhost",
              "_xsrf=abc; Path=/lab",
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
    const ws = new WebSocket(url, { headers, lookup: loopbackLookup as never });
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
  let sessionCookie: string;
  /** alice's workspace host of the main environment, and its cookie there. */
  let host: { origin: string; cookie: string };

  /** A gateway on a port of its own; the main one checks open sockets only when the database announces a change. */
  async function startGateway(socketRecheckMs: number): Promise<{ app: FastifyInstance; url: string }> {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const built = await gatewayApp({
      db: database.db,
      sessions,
      upstreamFor: () => Promise.resolve(workspace.url),
      publicUrl: url,
      socketRecheckMs,
    });
    sessionCookie = built.sessionCookie;
    await built.app.listen({ host: "127.0.0.1", port });
    apps.push(built.app);
    return { app: built.app, url };
  }
  /** A UI session's cookie for `subject`. */
  const signIn = async (subject = "alice") =>
    `${sessionCookie}=${await sessions.create({ subject, name: subject, email: null, roles: ["researcher"] }, undefined)}`;
  /** The workspace host of `ns` for a UI session, through the handshake: its origin and its cookie. */
  const open = (ns: string, uiCookie: string, base = appUrl) => handshake(base, uiCookie, ns);
  async function environment(
    overrides: Partial<PermitPayload> = {},
  ): Promise<{ payload: PermitPayload; namespace: string }> {
    const payload = examplePermit({ permitId: `SE-GWSEC-${Math.random().toString(36).slice(2, 10)}`, ...overrides });
    return { payload, namespace: await insertEnvironment(database.db, payload) };
  }
  const socketUrl = (origin: string, path = "api/terminals/websocket/1") => `${origin.replace("http", "ws")}/${path}`;
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
    host = await open(namespace, aliceCookie);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    workspace.server.close();
    await database.close();
  });

  describe("WebSocket origin", () => {
    it("refuses a WebSocket opened by another site's page, or by no page, and records the refusal", async () => {
      const before = workspace.seen.length;
      expect(await openSocket(socketUrl(host.origin), { cookie: host.cookie, origin: "https://evil.example" })).toBe(
        403,
      );
      expect(await openSocket(socketUrl(host.origin), { cookie: host.cookie })).toBe(403);
      // The UI's own pages are another origin to the workspace host, and so is another workspace host.
      expect(await openSocket(socketUrl(host.origin), { cookie: host.cookie, origin: appUrl })).toBe(403);
      const other = await open((await environment()).namespace, aliceCookie);
      expect(await openSocket(socketUrl(host.origin), { cookie: host.cookie, origin: other.origin })).toBe(403);
      expect(workspace.seen.length).toBe(before);
      const refused = await events("workspace.websocket-refused", namespace);
      expect(refused.map((e) => [e.actorSubject, (e.details as { origin: string | null }).origin])).toEqual([
        ["alice", "https://evil.example"],
        ["alice", null],
        ["alice", appUrl],
        ["alice", other.origin],
      ]);
      const ours = await openSocket(socketUrl(host.origin), { cookie: host.cookie, origin: host.origin });
      expect(ours).toBeInstanceOf(WebSocket);
      expect(await echo(ours as WebSocket, "hej")).toBe("echo:hej");
      (ours as WebSocket).close();
    });
  });

  describe("an open WebSocket authorised again", () => {
    const openAs = async (ns: string, uiCookie: string, base = appUrl) => {
      const { origin, cookie } = await open(ns, uiCookie, base);
      const ws = await openSocket(socketUrl(origin), { cookie, origin });
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
        details: { path: "/api/terminals/websocket/1" },
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
        "WORKSPACE_ENDED",
      ],
      [
        "the environment is suspended",
        (p: PermitPayload) => ({ payload: p, state: "suspended" as const }),
        "WORKSPACE_SUSPENDED",
      ],
    ])("closes when %s, saying which", async (_what, change, reason) => {
      const { payload, namespace: ns } = await environment();
      const ws = await openAs(ns, aliceCookie);
      const closed = closeOf(ws);
      const { payload: amended, state } = change(payload);
      await amendEnvironment(database.db, amended, state);
      expect(await closed).toEqual({ code: 1008, reason });
    });

    it("checks every open socket on a timer too: one closes when its permit's validity ends, which nothing announces", async () => {
      const timed = await startGateway(200);
      const { namespace: ns } = await environment({ validUntil: new Date(Date.now() + 1_500).toISOString() });
      const ws = await openAs(ns, aliceCookie, timed.url);
      expect(await closeOf(ws)).toEqual({ code: 1008, reason: "WORKSPACE_ENDED" });
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
      const ws = new WebSocket(socketUrl(host.origin), ["a", "b"], {
        headers: { cookie: host.cookie, origin: host.origin },
        lookup: loopbackLookup as never,
      });
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      expect(ws.protocol).toBe("b");
      expect(workspace.seen.at(-1)!.headers["sec-websocket-protocol"]).toBe("a,b");
      expect(await echo(ws, "x")).toBe("echo:x");
      ws.close();
    });

    it("answers the browser in HTTP when the workspace refuses the socket, rather than opening one only to close it", async () => {
      expect(
        await openSocket(socketUrl(host.origin, "api/kernels/1/refuse"), { cookie: host.cookie, origin: host.origin }),
      ).toBe(502);
    });

    it("passes the workspace's ping to the browser and the browser's pong back, so each learns whether the other is alive", async () => {
      const ws = new WebSocket(socketUrl(host.origin, "api/kernels/1/ping"), {
        headers: { cookie: host.cookie, origin: host.origin },
        lookup: loopbackLookup as never,
      });
      const ping = await new Promise<string>((resolve) => ws.once("ping", (data) => resolve(data.toString())));
      expect(ping).toBe("from-workspace");
      ws.close();
    });
  });

  describe("headers between the browser and the workspace", () => {
    it("keeps the workspace's cookies to its host, drops any that names one of ours, and forwards only its own", async () => {
      const res = await fetch(`${host.origin}/set-cookies`, { headers: { cookie: host.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual(["theme=dark; Path=/", "_xsrf=abc; Path=/lab"]);
      expect(res.headers.get("clear-site-data")).toBeNull();
      await fetch(`${host.origin}/lab`, {
        headers: { cookie: `${host.cookie}; theme=dark; _xsrf=abc; idp_session=sso; spe_session=tossed` },
      });
      expect(workspace.seen.at(-1)!.headers.cookie).toBe("theme=dark; _xsrf=abc");
    });

    it("refuses what another page would do or read on the workspace host: a write from another origin, a fetch or frame from another site", async () => {
      const before = workspace.seen.length;
      const other = await open((await environment()).namespace, aliceCookie);
      const attempts: Array<[string, Record<string, string>, string]> = [
        ["POST", { origin: other.origin, "sec-fetch-site": "same-site" }, "api/contents/a.ipynb"],
        ["PUT", { origin: appUrl, "sec-fetch-site": "cross-site" }, "api/contents/a.ipynb"],
        ["POST", { origin: "null" }, "api/kernels"],
        ["GET", { "sec-fetch-site": "same-site", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }, "api/contents"],
        ["GET", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" }, "lab"],
        ["GET", { "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" }, "lab"],
      ];
      for (const [method, headers, path] of attempts) {
        const res = await loopbackRequest(`${host.origin}/${path}`, {
          method,
          headers: { cookie: host.cookie, ...headers },
        });
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
      expect(workspace.seen.length).toBe(before);
      // A link followed from anywhere opens the page; the host's own pages do what they like.
      const link = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
      expect((await loopbackRequest(`${host.origin}/lab`, { headers: { cookie: host.cookie, ...link } })).status).toBe(
        200,
      );
      const own = { origin: host.origin, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };
      const write = await loopbackRequest(`${host.origin}/api/kernels`, {
        method: "POST",
        headers: { cookie: host.cookie, ...own },
      });
      expect(write.status).toBe(200);
    });

    it("passes neither the client's forwarded address nor its credentials to the workspace, over HTTP or WebSocket", async () => {
      const smuggled = {
        "x-forwarded-for": "6.6.6.6",
        "x-real-ip": "6.6.6.6",
        "x-forwarded-host": "evil.example",
        authorization: "Bearer smuggled",
      };
      await fetch(`${host.origin}/lab`, {
        headers: { cookie: `${host.cookie}; _xsrf=own`, ...smuggled },
      });
      const http = workspace.seen.at(-1)!;
      expect(http.headers).toMatchObject({ "x-forwarded-for": "127.0.0.1", cookie: "_xsrf=own" });
      for (const name of ["x-real-ip", "x-forwarded-host"]) expect(http.headers[name]).toBeUndefined();
      // The credential the workspace gets is its own, from the gateway, never what the client sent.
      expect(http.headers.authorization).toMatch(/^token [0-9a-f]{64}$/);
      const ws = (await openSocket(socketUrl(host.origin), {
        cookie: host.cookie,
        origin: host.origin,
        ...smuggled,
      })) as WebSocket;
      await echo(ws, "x");
      const socket = workspace.seen.filter((s) => s.method === "WS").at(-1)!;
      expect(socket.headers["x-forwarded-for"]).toBe("127.0.0.1");
      for (const name of ["x-real-ip", "x-forwarded-host", "cookie"]) expect(socket.headers[name]).toBeUndefined();
      expect(socket.headers.authorization).toBe(http.headers.authorization);
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
      const res = await fetch(`${host.origin}/${path}`, {
        method,
        headers: { cookie: host.cookie },
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
      const res = await fetch(`${host.origin}/files/ut.csv?download=1`, {
        headers: { cookie: host.cookie, accept: "text/html", "accept-language": "en" },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("<h1>Files do not leave the environment this way</h1>");
      const refused = await events("workspace.transfer-refused", namespace);
      expect(refused.at(-1)).toMatchObject({
        actorSubject: "alice",
        details: { route: "files", path: "/files/ut.csv", method: "GET" },
      });
    });

    it("lets the contents API through untouched, notebooks and binaries alike: the Lab opens, saves and uploads through it", async () => {
      const contents = (path: string, init?: RequestInit) =>
        fetch(`${host.origin}/api/contents/${path}`, {
          ...init,
          headers: { cookie: host.cookie, "content-type": "application/json", origin: host.origin },
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
