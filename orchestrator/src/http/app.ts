import { existsSync } from "node:fs";
import { join } from "node:path";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import Fastify, { LogController, type FastifyError, type FastifyInstance } from "fastify";
import type { Context, Services } from "../api/context";
import { recordAuditEvent } from "../audit/append-audit-event";
import { SpeError } from "../errors";
import { appRouter } from "../api/router";
import { UNEXPECTED_MESSAGE } from "../api/trpc";
import type { OidcRelyingParty } from "../auth/oidc";
import { hashToken, type SessionStore } from "../auth/sessions";
import type { Config } from "../config";
import { registerGateway } from "../gateway/gateway";
import { workspacesOf } from "../environments/workspace-control";
import { DEFAULT_WORKSPACE_UPSTREAM, templateUpstream, type UpstreamResolver } from "../environments/service-origin";
import { workspaceIdentities } from "../gateway/workspace-identities";
import { registerAirlockRoutes } from "./airlock-routes";
import { registerAuditExportRoutes } from "./audit-export-routes";
import { registerAuthRoutes } from "./auth-routes";
import { registerSigningKeyRoutes } from "./signing-key-routes";
import { singleCookie, uiCookies } from "../auth/session-cookie";
import { dispatchByHost, onWorkspaceHost } from "../gateway/host-dispatch";
import type { WorkspaceHosts } from "../gateway/workspace-hosts";
import type { WorkspaceConnections } from "../gateway/workspace-connections";
import { registerApiV1 } from "./api-v1/register-api-v1";
import { refuseForeignSubresources, requireSameOrigin } from "./same-origin";
import { registerTrpc } from "./trpc-route";
import { registerSecurityHeaders } from "./security-headers";
import { readHealth } from "./health";
import { strangerRefusalBudget } from "./stranger-refusals";
import type { RefusalBudget, RefusalLimits } from "../staging/refusal-budget";
import type { Metrics } from "../metrics/metrics";

export interface AppOptions {
  config: Pick<
    Config,
    | "publicUrl"
    | "LOG_LEVEL"
    | "OIDC_ROLES_CLAIM"
    | "OIDC_ROLE_MAPPING"
    | "OIDC_REQUIRED_ACR"
    | "OIDC_REQUIRED_AMR"
    | "SESSION_MAX_HOURS"
    | "WORKSPACE_UPSTREAM"
  >;
  services: Services;
  sessions: SessionStore;
  relyingParty: OidcRelyingParty;
  /** Signs the short-lived login cookie; random per process is fine. */
  cookieSecret: string;
  /** Names the workspace hosts; the same key on every replica. */
  workspaceHosts: WorkspaceHosts;
  /** The built UI (workspace-ui/dist); the API works without it. */
  uiDir?: string;
  /** How the gateway finds a workspace; without it, by WORKSPACE_UPSTREAM's name (or the Service's DNS name). */
  workspaceUpstream?: UpstreamResolver;
  /**
   * The budget of strangers' refusals, shared with the staging listener (http/staging-server.ts); without it,
   * one of this app's own with `strangerRefusalLimits` (default: 30 a minute from an address, 300 from all).
   */
  strangerRefusals?: RefusalBudget;
  strangerRefusalLimits?: RefusalLimits;
  /** Counts what the gateway has open to each workspace, for the idle culler (main.ts starts it). */
  workspaceConnections?: WorkspaceConnections;
  /** Where each answered request is counted (served on a port of its own: src/metrics/). */
  metrics?: Pick<Metrics, "observeRequest">;
}

/**
 * The orchestrator's HTTP face for people and integrators: health, sign-in, the tRPC API, the integrator API,
 * the gateway and the UI, on one port. The data loaders' /staging is not among them: it has a listener of
 * its own (staging-server.ts) that no ingress for people reaches.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, services, sessions } = options;
  const cookies = uiCookies(config.publicUrl);
  // No line per request: people's actions become audit events; the log keeps what went wrong.
  const app = Fastify({
    logger: { level: config.LOG_LEVEL },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // A workspace host's requests reach the gateway alone; nothing of the UI answers there.
    rewriteUrl: dispatchByHost(options.workspaceHosts),
  });
  const { metrics } = options;
  // Before any route, so that every route and plugin inherits it. By the route's pattern, never the URL
  // as sent: `/workspaces/*`, not a namespace; whatever matched no route is "unmatched".
  if (metrics)
    app.addHook("onResponse", async (req, reply) =>
      metrics.observeRequest(
        req.method,
        req.routeOptions.url ?? "unmatched",
        reply.statusCode,
        reply.elapsedTime / 1000,
      ),
    );
  await app.register(cookie, { secret: options.cookieSecret });
  // The UI's answers: no page of another origin frames them, and no state-changing request of another
  // origin (a workspace host's page included) is taken. Workspace hosts have their own rules (gateway/).
  const sameOrigin = requireSameOrigin(config.publicUrl);
  const isolated = refuseForeignSubresources();
  app.addHook("onRequest", async (req, reply) => {
    if (onWorkspaceHost(req.url)) return;
    reply.header("content-security-policy", "frame-ancestors 'none'").header("x-frame-options", "DENY");
    await sameOrigin(req, reply);
    if (!reply.sent) await isolated(req, reply);
    if (reply.sent) return reply;
  });
  registerSecurityHeaders(app, config.publicUrl);
  // A failure of ours (a file gone from quarantine, a bug) says only that it happened: Fastify would answer
  // its message, which can name a path or a host. Refusals (4xx) keep theirs; they are about the request.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: "INPUT_INVALID", message: err.message });
    req.log.error({ err, url: req.routeOptions.url }, "Failed HTTP request");
    return reply.code(status).send({ error: "UNEXPECTED", message: UNEXPECTED_MESSAGE });
  });

  // Without credentials only whether it works: the API server's address and version, the nodes' capacity and
  // an error's words are for operators (signed in, or on the metrics listener), not for whoever can reach the port.
  app.get("/healthz", async (req, reply) => {
    const session = await sessions.get(singleCookie(req.headers.cookie, cookies.session));
    const operator = session?.roles.includes("operator") ?? false;
    const { report, error } = await readHealth(services.kube, operator);
    if (error) app.log.warn({ err: error }, "Failed the health check: the Kubernetes API did not answer");
    return reply
      .code(report.status === "ok" ? 200 : 503)
      .header("cache-control", "no-store")
      .send(report);
  });

  // What strangers can get the audit log to record, all routes together, is bounded (stranger-refusals.ts).
  const strangers =
    options.strangerRefusals ?? (await strangerRefusalBudget(app, services.database.db, options.strangerRefusalLimits));
  registerAuthRoutes(app, {
    relyingParty: options.relyingParty,
    sessions,
    publicUrl: config.publicUrl,
    rolesClaim: config.OIDC_ROLES_CLAIM,
    roleMapping: config.OIDC_ROLE_MAPPING,
    assurance: { acr: config.OIDC_REQUIRED_ACR, amr: config.OIDC_REQUIRED_AMR },
    absoluteSessionMs: config.SESSION_MAX_HOURS * 3_600_000,
    db: services.database.db,
    strangers,
  });

  await registerGateway(app, {
    db: services.database.db,
    sessions,
    upstreamFor: options.workspaceUpstream ?? templateUpstream(config.WORKSPACE_UPSTREAM ?? DEFAULT_WORKSPACE_UPSTREAM),
    publicUrl: config.publicUrl,
    uiCookies: cookies,
    hosts: options.workspaceHosts,
    // The same keys as the reconciler's (main.ts): both derive them from the cookie secret.
    identities: workspaceIdentities(options.cookieSecret),
    strangers,
    workspaces: workspacesOf(services),
    connections: options.workspaceConnections,
  });

  registerSigningKeyRoutes(app, services.airlock.signingKeys);
  registerAirlockRoutes(app, {
    db: services.database.db,
    sessions,
    sessionCookie: cookies.session,
    airlock: services.airlock,
  });
  registerAuditExportRoutes(app, {
    db: services.database.db,
    sessions,
    sessionCookie: cookies.session,
    checkpoints: services.auditCheckpoints,
    checkpointNow: services.auditCheckpointer && (() => services.auditCheckpointer!.checkpoint()),
  });
  await registerApiV1(app, {
    db: services.database.db,
    deliveries: services.deliveries,
    permitIntake: services.permitIntake,
    environments: services.environments,
    verifyToken: services.machineTokens,
    publicUrl: config.publicUrl,
    issuer: options.relyingParty.issuer,
    strangers,
  });

  await registerTrpc<Context>(app, {
    prefix: "/trpc",
    router: appRouter,
    createContext: async (req) => {
      const token = singleCookie(req.headers.cookie, cookies.session);
      const session = await sessions.get(token);
      return { services, session, sessionHash: session && token ? hashToken(token) : undefined, address: req.ip };
    },
    onError: ({ error, path, ctx }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        app.log.error({ path, err: error.cause ?? error }, "Failed tRPC procedure");
      // What could not be reached (an airlock agent, say) is told to the person in words; why is logged here.
      if (error.code === "SERVICE_UNAVAILABLE")
        app.log.warn({ path, err: error.cause ?? error }, "Failed to reach a service for a tRPC procedure");
      // A signed-in person refused, or asking for what is not theirs (another permit's request, an
      // environment they are not named in), is part of the access log: IDOR attempts show up here.
      if (ctx?.session && (error.code === "FORBIDDEN" || error.code === "NOT_FOUND")) {
        const actor = { subject: ctx.session.subject, role: "person" as const, address: ctx.address };
        const details = {
          code: error.code,
          speCode: error.cause instanceof SpeError ? error.cause.code : undefined,
          roles: ctx.session.roles,
        };
        recordAuditEvent(services.database.db, {
          actor,
          action: "access.refused",
          target: `procedure:${path ?? "unknown"}`,
          details,
        }).catch((err: unknown) => app.log.error({ err }, "Failed to record a refused access"));
      }
    },
  });

  if (options.uiDir && existsSync(join(options.uiDir, "index.html"))) {
    await app.register(fastifyStatic, { root: options.uiDir, index: "index.html" });
    // The UI routes on the client: any other GET that wants a page gets the app shell.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === "GET" && req.headers.accept?.includes("text/html")) return reply.sendFile("index.html");
      return reply.code(404).send({ error: "NOT_FOUND", message: `No route for ${req.method} ${req.url}` });
    });
  }
  return app;
}
