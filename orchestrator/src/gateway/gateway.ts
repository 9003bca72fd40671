import proxy from "@fastify/http-proxy";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { SpeError } from "../errors";
import { workspaceRequestHeaders, workspaceResponseHeaders, workspaceSocketHeaders } from "./proxy-headers";
import { pageLanguage, workspaceRefusalPage } from "./refusal-page";
import { workspaceRoute, type BlockedRoute } from "./transfer-rules";
import type { UpstreamResolver } from "../environments/service-origin";
import { decideWorkspaceAccess } from "./workspace-access";
import { WorkspaceSockets } from "./workspace-sockets";

export interface GatewayOptions {
  db: Db;
  sessions: SessionStore;
  /** Finds the workspace of an environment, e.g. http://workspace.<namespace>.svc.cluster.local */
  upstreamFor: UpstreamResolver;
  /** The orchestrator's public URL: workspace WebSockets are accepted only from pages of its origin. */
  publicUrl: string;
  /** How often every open workspace WebSocket is authorised again (default 30 s). */
  socketRecheckMs?: number;
}

const PREFIX = "/workspaces";
const namespaceOf = (url: string) => /^\/workspaces\/(spe-[a-z0-9-]{1,59})(?:[/?]|$)/.exec(url)?.[1];
const isWebSocket = (req: FastifyRequest) => req.headers.upgrade?.toLowerCase() === "websocket";

const TRANSFER_BLOCKED = "WORKSPACE_TRANSFER_BLOCKED";
const TRANSFER_MESSAGE =
  "Files leave the environment only through the airlock: put them in your outbox and request their export.";

/** What an authorised request carries from the check to the proxy. */
interface Grant {
  namespace: string;
  subject: string;
  token: string;
  upstream: string;
  /** Taken before the session was read: the sockets check again if anything was announced since. */
  mark: number;
}

/**
 * `/workspaces/<namespace>/…`: an authenticated reverse proxy, HTTP and WebSocket, into an environment's
 * workspace. Every request is authorised, and every open WebSocket again while it is open; a WebSocket must
 * come from the orchestrator's own pages. Routes that carry files out of the workspace are refused: files
 * leave through the airlock. Each page load, each WebSocket opened or closed by a check, each refusal of a
 * WebSocket's origin and each refused transfer is an audit event.
 */
export async function registerGateway(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  const ourOrigin = new URL(options.publicUrl).origin;
  const sockets = new WorkspaceSockets({
    db: options.db,
    sessions: options.sessions,
    log: app.log,
    recheckIntervalMs: options.socketRecheckMs ?? 30_000,
  });
  sockets.attach(app);
  app.addHook("preClose", () => sockets.close());
  // The proxy asks for the upstream synchronously; it is found (maybe through the API) once authorised.
  const grants = new WeakMap<FastifyRequest, Grant>();

  const audit = (
    req: FastifyRequest,
    actor: Omit<AuditActor, "address">,
    action: string,
    namespace: string,
    details: Record<string, unknown>,
  ) =>
    recordAuditEvent(options.db, {
      actor: { ...actor, address: req.ip },
      action,
      target: `environment:${namespace}`,
      details: { path: req.url.split("?")[0], ...details },
    });

  /** A browser opening a link gets a page in words (or the sign-in, and back here after it); programs get JSON. */
  const refuse = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: string,
    message: string,
    retryS?: number,
  ) => {
    const pageLoad = req.method === "GET" && !req.headers.upgrade && req.headers.accept?.includes("text/html") === true;
    if (retryS) reply.header("retry-after", String(retryS));
    if (!pageLoad) return reply.code(status).send({ error, message });
    if (status === 401) return reply.redirect(`/auth/login?next=${encodeURIComponent(req.url)}`);
    return reply
      .code(status)
      .type("text/html; charset=utf-8")
      .send(workspaceRefusalPage(error, message, pageLanguage(req.headers["accept-language"]), retryS));
  };

  const refuseTransfer = async (
    req: FastifyRequest,
    reply: FastifyReply,
    namespace: string,
    subject: string,
    route: BlockedRoute,
  ) => {
    await audit(req, { subject, role: "researcher" }, "workspace.transfer-refused", namespace, {
      route,
      method: req.method,
    });
    return refuse(req, reply, 403, TRANSFER_BLOCKED, TRANSFER_MESSAGE);
  };

  const authorise = async (req: FastifyRequest, reply: FastifyReply) => {
    const namespace = namespaceOf(req.url);
    if (!namespace) return refuse(req, reply, 404, "WORKSPACE_NOT_FOUND", "There is no workspace here for you.");
    const websocket = isWebSocket(req);
    const mark = sockets.mark();
    const token = req.cookies[SESSION_COOKIE];
    const session = await options.sessions.get(token);
    // A page of another site can open a WebSocket with the researcher's cookie (no CORS for WebSockets):
    // only our own pages may, and a browser always says whose page it is.
    if (websocket && req.headers.origin !== ourOrigin) {
      const actor: Omit<AuditActor, "address"> = session
        ? { subject: session.subject, role: "person" }
        : { subject: "anonymous", role: "anonymous" };
      await audit(req, actor, "workspace.websocket-refused", namespace, {
        reason: "origin",
        origin: req.headers.origin ?? null,
      });
      return refuse(
        req,
        reply,
        403,
        "WORKSPACE_ORIGIN_REFUSED",
        "A workspace connection is accepted only from the orchestrator's own pages.",
      );
    }
    const decision = await decideWorkspaceAccess(options.db, namespace, session?.subject, new Date());
    if (!decision.allowed) return refuse(req, reply, decision.status, decision.code, decision.message);
    const subject = session!.subject;
    const route = workspaceRoute(req.url, namespace);
    if (route.kind === "blocked") return refuseTransfer(req, reply, namespace, subject, route.route);
    let upstream: string;
    try {
      upstream = await options.upstreamFor(namespace);
    } catch (err) {
      req.log.warn({ ns: namespace, err: (err as Error).message }, "Failed to find the workspace of an environment");
      // A strategy that knows the workspace will not come (the local node failed) says so, with no retry.
      if (err instanceof SpeError) return refuse(req, reply, 503, err.code, err.message);
      return refuse(
        req,
        reply,
        503,
        "WORKSPACE_STARTING",
        "The workspace is not running yet; try again in a moment.",
        5,
      );
    }
    grants.set(req, { namespace, subject, token: token!, upstream, mark });
    const pageLoad = req.method === "GET" && !websocket && req.headers.accept?.includes("text/html") === true;
    if (websocket || pageLoad)
      await audit(
        req,
        { subject, role: "researcher" },
        websocket ? "workspace.websocket-opened" : "workspace.opened",
        namespace,
        {},
      );
  };

  await app.register(proxy, {
    prefix: PREFIX,
    rewritePrefix: PREFIX,
    // Empty: the upstream is chosen per request, by namespace. WebSockets are the gateway's own (below).
    upstream: "",
    preHandler: authorise,
    handler: (req, reply, dest, replyOptions) => {
      const grant = grants.get(req)!;
      if (isWebSocket(req)) {
        reply.hijack();
        const query = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
        const target = `${grant.upstream.replace(/^http/, "ws")}${dest}${query}`;
        const holder = {
          namespace: grant.namespace,
          subject: grant.subject,
          token: grant.token,
          address: req.ip,
          path: dest,
        };
        sockets.accept(req.raw, target, workspaceSocketHeaders(req.headers.cookie, req.ip), holder, grant.mark);
        return;
      }
      return reply.from(dest, replyOptions);
    },
    replyOptions: {
      getUpstream: (req) => grants.get(req as FastifyRequest)!.upstream,
      rewriteRequestHeaders: (req, headers) => workspaceRequestHeaders(headers, req.ip),
      rewriteHeaders: (headers, req) => workspaceResponseHeaders(headers, req && namespaceOf(req.url)),
    },
  });
}
