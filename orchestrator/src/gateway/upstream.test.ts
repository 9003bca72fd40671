// The gateway with an upstream strategy that looks the workspace up per request (as npm start's local node
// does): it asks only after the person is authorised, proxies to what it answers, and says 503 while it
// cannot answer.
import { createServer, type Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { SessionStore } from "../auth/sessions";
import { eq } from "drizzle-orm";
import { auditEvents } from "../db/schema";
import { SpeError } from "../errors";
import { openDatabase, type Database } from "../db/database";
import { examplePermit } from "../permits/test-fixtures";
import { insertEnvironment } from "../../test/environment-rows";
import { gatewayApp } from "../../test/gateway-app";
import { templateUpstream } from "../environments/service-origin";
import { mergeConditions } from "../environments/conditions";
import { defaultEnvironmentConfig } from "../environments/environment-config";
import { loadEnvironment, saveStatus } from "../environments/environment-store";
import { observeConditions } from "../environments/observe";
import type { WorkspaceIdentities } from "./workspace-identities";

describe("gateway upstream strategies", () => {
  let database: Database;
  let workspace: Server;
  let workspaceOrigin: string;
  let app: FastifyInstance;
  let namespace: string;
  /** alice's workspace host and its session cookie, after the handshake. */
  let host: string;
  let hostCookie: string;
  const asked: Array<[string, string | undefined]> = [];
  const credentials: Array<string | undefined> = [];
  let identities: WorkspaceIdentities;
  let answer: () => Promise<string>;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    namespace = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-UPSTREAM-${Date.now().toString(36)}` }),
    );
    const sessions = new SessionStore(database.db, { idleMs: 60_000, absoluteMs: 3_600_000 });
    const uiToken = await sessions.create(
      { subject: "alice", name: "Alice Andersson", email: null, roles: ["researcher"] },
      undefined,
    );
    workspace = createServer((req, res) => {
      credentials.push(req.headers.authorization);
      res.end(`pod answered ${req.url}`);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => workspace.listen(port, "127.0.0.1", resolve));
    workspaceOrigin = `http://127.0.0.1:${port}`;
    const built = await gatewayApp({
      db: database.db,
      sessions,
      publicUrl: "http://localhost:8080",
      upstreamFor: (ns, person) => {
        asked.push([ns, person]);
        return answer();
      },
    });
    app = built.app;
    identities = built.identities;
    // The handshake by inject: the UI's link, then the code on the workspace host.
    const first = await app.inject({
      url: `/workspaces/${namespace}/`,
      headers: { host: "localhost:8080", cookie: `${built.sessionCookie}=${uiToken}` },
    });
    const location = new URL(first.headers.location as string);
    host = location.host;
    const second = await app.inject({ url: location.pathname + location.search, headers: { host } });
    hostCookie = (second.headers["set-cookie"] as string).split(";")[0]!;
  });
  afterAll(async () => {
    await app.close();
    workspace.close();
    await database.close();
  });

  it("asks the strategy only for people it lets through, for their own workspace, and proxies to the address it answers", async () => {
    answer = () => Promise.resolve(workspaceOrigin);
    const refused = await app.inject({ url: "/lab", headers: { host } });
    expect(refused.statusCode).toBe(401);
    expect(asked).toEqual([]);
    const res = await app.inject({ url: "/lab?x=1", headers: { host, cookie: hostCookie } });
    expect(res.body).toBe("pod answered /lab?x=1");
    expect(asked).toEqual([[namespace, identities.personIdOf(namespace, "alice")]]);
  });

  it("presents alice's workspace credential to it, never what the browser sent", async () => {
    answer = () => Promise.resolve(workspaceOrigin);
    credentials.length = 0;
    await app.inject({ url: "/lab", headers: { host, cookie: hostCookie, authorization: "token stolen" } });
    const token = identities.tokenOf(namespace, identities.personIdOf(namespace, "alice"));
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(credentials).toEqual([`token ${token}`]);
    expect(token).not.toBe(identities.tokenOf(namespace, identities.personIdOf(namespace, "bob")));
  });

  it("answers 503 WORKSPACE_STARTING while the strategy cannot find the workspace", async () => {
    answer = () => Promise.reject(new Error("No pod of Service workspace is ready yet"));
    const res = await app.inject({ url: "/lab", headers: { host, cookie: hostCookie } });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.json()).toMatchObject({ error: "WORKSPACE_STARTING" });
  });

  it("says the workspace is stuck, not starting, when its environment is stuck, and looks again only slowly", async () => {
    answer = () => Promise.reject(new Error("No ready pod of the orchestrator's workspace Deployment"));
    const { environment } = (await loadEnvironment(database.db, namespace))!;
    const stuck = observeConditions({
      applied: [],
      desiredState: "active",
      cluster: {
        nodes: 0,
        refusals: [],
        pods: [
          {
            metadata: { name: "workspace-1", labels: { "app.kubernetes.io/component": "workspace" } },
            spec: { containers: [] },
            status: { phase: "Pending" },
          },
        ],
      },
      expected: { ...defaultEnvironmentConfig.expectedSeconds, scheduling: 0 },
    });
    await saveStatus(database.db, namespace, mergeConditions([], stuck, 1, new Date()), 1, new Date());
    try {
      const res = await app.inject({
        url: "/lab",
        headers: { host, cookie: hostCookie, accept: "text/html", "accept-language": "en" },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("60");
      expect(res.body).toContain("<h1>The workspace is stuck</h1>");
      expect(res.body).toContain("The environment is stuck (NoNodes). (WORKSPACE_STUCK)");
      // What the person may not read: Kubernetes' own words, which name pods and images.
      expect(res.body).not.toContain("workspace-1");
    } finally {
      await saveStatus(database.db, namespace, environment.conditions, environment.observedGeneration, new Date());
    }
  });

  it("passes on a strategy's stable refusal (the local node failed to start) without promising a retry", async () => {
    answer = () =>
      Promise.reject(
        new SpeError("LOCAL_NODE_FAILED", "No workspace runs here: the local node did not start (no runc)."),
      );
    const res = await app.inject({ url: "/lab", headers: { host, cookie: hostCookie } });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBeUndefined();
    expect(res.json()).toEqual({
      error: "LOCAL_NODE_FAILED",
      message: "No workspace runs here: the local node did not start (no runc).",
    });
  });

  it("answers a workspace that does not answer with a page in words that tries again, and records no opening", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    answer = () => Promise.resolve(nobody);
    const opened = async () =>
      (await database.db.select().from(auditEvents).where(eq(auditEvents.action, "workspace.opened"))).length;
    const before = await opened();
    const page = await app.inject({
      url: "/lab",
      headers: { host, cookie: hostCookie, accept: "text/html", "accept-language": "en" },
    });
    expect(page.statusCode).toBe(502);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("<h1>The workspace does not answer</h1>");
    expect(page.body).toContain('<meta http-equiv="refresh" content="10">');
    const program = await app.inject({ url: "/api/kernels", headers: { host, cookie: hostCookie } });
    expect(program.json()).toMatchObject({ error: "WORKSPACE_UNREACHABLE" });
    expect(await opened()).toBe(before);
    // The same page load answered by the workspace is recorded as opened.
    answer = () => Promise.resolve(workspaceOrigin);
    const ok = await app.inject({ url: "/lab", headers: { host, cookie: hostCookie, accept: "text/html" } });
    expect(ok.statusCode).toBe(200);
    expect(await opened()).toBe(before + 1);
  });

  it("fills in the namespace and the person's id wherever the production template names them", async () => {
    expect(await templateUpstream("http://workspace-{person}.{namespace}.svc.cluster.local")("spe-a", "0f")).toBe(
      "http://workspace-0f.spe-a.svc.cluster.local",
    );
  });
});
