import proxy from "@fastify/http-proxy";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ClientOptions } from "ws";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { SESSION_COOKIE } from "../http/auth-routes";
import { SpeError } from "../errors";
import type { UpstreamResolver } from "./upstream";
import { pageLanguage, workspaceRefusalPage } from "./refusal-page";
import { decideWorkspaceAccess } from "./workspace-access";

export interface GatewayOptions {
  db: Db;
  sessions: SessionStore;
  /** Finds the workspace of an environment, e.g. http://workspace.<namespace>.svc.cluster.local */
  upstreamFor: UpstreamResolver;
}

const PREFIX = "/workspaces";
const namespaceOf = (url: string) => /^\/workspaces\/(spe-[a-z0-9-]{1,59})(?:[/?]|$)/.exec(url)?.[1];

/** Our cookies are for us alone: the workspace never sees a researcher's session token. */
function withoutOurCookies(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const kept = cookie.split(";").map((c) => c.trim()).filter((c) => c && !c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith("spe_login="));
  return kept.length ? kept.join("; ") : undefined;
}

/**
 * `/workspaces/<namespace>/…`: an authenticated reverse proxy, HTTP and WebSocket, into an environment's
 * workspace. Every request is authorised; each page load and each WebSocket opened is an audit event.
 */
export async function registerGateway(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  // The proxy asks for the upstream synchronously; it is found (maybe through the API) once authorised.
  const upstreams = new WeakMap<FastifyRequest, string>();
  const authorise = async (req: FastifyRequest, reply: FastifyReply) => {
    const pageLoad = req.method === "GET" && !req.headers.upgrade && req.headers.accept?.includes("text/html") === true;
    // A browser opening a link gets a page in words (or the sign-in, and back here after it); programs get JSON.
    const refuse = (status: number, error: string, message: string, retryS?: number) => {
      if (retryS) reply.header("retry-after", String(retryS));
      if (!pageLoad) return reply.code(status).send({ error, message });
      if (status === 401) return reply.redirect(`/auth/login?next=${encodeURIComponent(req.url)}`);
      return reply.code(status).type("text/html; charset=utf-8").send(workspaceRefusalPage(error, message, pageLanguage(req.headers["accept-language"]), retryS));
    };
    const namespace = namespaceOf(req.url);
    if (!namespace) return refuse(404, "WORKSPACE_NOT_FOUND", "There is no workspace here for you.");
    const session = await options.sessions.get(req.cookies[SESSION_COOKIE]);
    const decision = await decideWorkspaceAccess(options.db, namespace, session?.subject, new Date());
    if (!decision.allowed) return refuse(decision.status, decision.code, decision.message);
    try {
      upstreams.set(req, await options.upstreamFor(namespace));
    } catch (err) {
      req.log.warn({ ns: namespace, err: (err as Error).message }, "Failed to find the workspace of an environment");
      // A strategy that knows the workspace will not come (the local node failed) says so, with no retry.
      if (err instanceof SpeError) return refuse(503, err.code, err.message);
      return refuse(503, "WORKSPACE_STARTING", "The workspace is not running yet; try again in a moment.", 5);
    }
    const websocket = req.headers.upgrade?.toLowerCase() === "websocket";
    if (websocket || pageLoad)
      await recordAuditEvent(options.db, {
        actor: { subject: session!.subject, role: "researcher", address: req.ip },
        action: websocket ? "workspace.websocket-opened" : "workspace.opened",
        target: `environment:${namespace}`,
        details: { path: req.url.split("?")[0] },
      });
  };

  await app.register(proxy, {
    prefix: PREFIX,
    rewritePrefix: PREFIX,
    // Empty: the upstream is chosen per request, by namespace, for HTTP and WebSocket alike.
    upstream: "",
    websocket: true,
    preHandler: authorise,
    replyOptions: {
      getUpstream: (req) => upstreams.get(req as FastifyRequest)!,
      rewriteRequestHeaders: (_req, headers) => ({ ...headers, cookie: withoutOurCookies(headers.cookie as string | undefined) }),
    },
    // The plugin honours rewriteRequestHeaders for WebSockets too (its default forwards every cookie);
    // its types do not list it yet.
    wsClientOptions: {
      rewriteRequestHeaders: (headers: Record<string, string>, req: FastifyRequest) => {
        const cookie = withoutOurCookies(req.headers.cookie);
        return cookie ? { ...headers, cookie } : { ...headers };
      },
    } as unknown as ClientOptions,
  });
}
