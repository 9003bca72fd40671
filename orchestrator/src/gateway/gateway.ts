import replyFrom from "@fastify/reply-from";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import { singleCookie, type UiCookies } from "../auth/session-cookie";
import type { SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { SpeError } from "../errors";
import { registerHandshake } from "./handshake";
import { hostPath, WORKSPACE_HOST_PREFIX } from "./host-dispatch";
import { workspaceRequestHeaders, workspaceResponseHeaders, workspaceSocketHeaders } from "./proxy-headers";
import { isPageLoad, refuse } from "./refuse";
import { workspaceRoute } from "./transfer-rules";
import { permitTools, WORKSPACE_TOOLS } from "../tools/tool-registry";
import type { UpstreamResolver } from "../environments/service-origin";
import { decideWorkspaceAccess } from "./workspace-access";
import type { WorkspaceHosts } from "./workspace-hosts";
import type { WorkspaceIdentities } from "./workspace-identities";
import { WorkspaceSessionStore, type WorkspaceSession } from "./workspace-sessions";
import { WorkspaceSockets } from "./workspace-sockets";
import type { RefusalBudget } from "../staging/refusal-budget";
import { tooManyRefusals } from "../http/stranger-refusals";
import { requestRefusal } from "./request-isolation";
import { ActivityWriter, type ActivitySink } from "../activity/activity-writer";
import { workspaceActivity } from "../activity/workspace-activity";
import type { WorkspaceControl } from "../environments/workspace-control";
import type { PersonWorkspaceState } from "../environments/workspace-state";
import type { PersonWorkspace } from "../environments/workspace-wishes";
import type { WorkspaceConnections } from "./workspace-connections";

export interface GatewayOptions {
  db: Db;
  sessions: SessionStore;
  /** Finds a person's workspace of an environment, e.g. http://workspace-<person>.<namespace>.svc.cluster.local */
  upstreamFor: UpstreamResolver;
  /** The orchestrator's public URL: where people sign in and open workspaces from. */
  publicUrl: string;
  uiCookies: UiCookies;
  hosts: WorkspaceHosts;
  /** Each person's workspace id and the credential of its tool server, which the gateway alone presents. */
  identities: WorkspaceIdentities;
  /** How often every open workspace WebSocket is authorised again (default 30 s). */
  socketRecheckMs?: number;
  /** The refusal budget strangers share (http/stranger-refusals.ts); without it every refusal is audited. */
  strangers?: RefusalBudget;
  /** Starts a person's workspace when they open it (environments/workspace-control.ts); without it, it only waits. */
  workspaces?: Pick<WorkspaceControl, "open" | "wanted" | "used">;
  /** Where the record of activities goes (src/activity/); without it a writer of the gateway's own, to `db`. */
  activity?: ActivitySink;
  /** Counts what is open to each person's workspace, for the idle culler (environments/idle-culler.ts). */
  connections?: WorkspaceConnections;
}

const isWebSocket = (req: FastifyRequest) => req.headers.upgrade?.toLowerCase() === "websocket";
const METHODS = ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT", "OPTIONS"] as const;

const TRANSFER_BLOCKED = "WORKSPACE_TRANSFER_BLOCKED";
const TRANSFER_MESSAGE =
  "Files leave the environment only through the airlock: put them in your outbox and request their export.";

/** What an authorised request carries from the check to the proxy. */
interface Grant {
  hostSession: WorkspaceSession;
  upstream: string;
  /**
   * The headers that carry the credential of the person's tool server (workspace-identities.ts), in the form
   * its tool demands, given the cookies forwarded: no one else's is ever sent there.
   */
  credential(cookie: string | undefined): Record<string, string>;
  /** The path the browser asked the workspace host for. */
  path: string;
  /** Taken before the session was read: the sockets check again if anything was announced since. */
  mark: number;
  personId: string;
}

/**
 * The gateway: each person's workspace of an environment on a host of its own (workspace-hosts.ts), reached
 * through the handshake (handshake.ts), as an authenticated reverse proxy, HTTP and WebSocket. Every request
 * is authorised by the host's session, and every open WebSocket again while it is open; a request from
 * another origin that could act or read (another workspace's page, a page of any other site) is refused
 * (request-isolation.ts). Routes that carry files out are refused: files leave through the airlock. Each page
 * the workspace served, each WebSocket opened or closed by a check, each refusal of a request's origin and
 * each refused transfer is an audit event.
 */
export async function registerGateway(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  const { hosts, publicUrl } = options;
  const home = `${publicUrl}/`;
  const workspaceSessions = new WorkspaceSessionStore(options.db);
  const workspaceCookie = hosts.secureCookies ? "__Host-spe_workspace" : "spe_workspace";
  const writer = options.activity ? undefined : new ActivityWriter(options.db, { log: app.log });
  const activity = workspaceActivity(options.activity ?? writer!);
  const sockets = new WorkspaceSockets({
    db: options.db,
    sessions: options.sessions,
    workspaceSessions,
    log: app.log,
    recheckIntervalMs: options.socketRecheckMs ?? 30_000,
    onOpened: (holder, pair) => activity.socketOpened(holder, holder.path, pair),
  });
  sockets.attach(app);
  app.addHook("preClose", async () => {
    await sockets.close();
    await writer?.close();
  });
  registerHandshake(app, { ...options, workspaceSessions, workspaceCookie });
  const grants = new WeakMap<FastifyRequest, Grant>();

  const audit = (
    req: FastifyRequest,
    actor: Omit<AuditActor, "address">,
    action: string,
    target: string,
    details: Record<string, unknown>,
  ) =>
    recordAuditEvent(options.db, {
      actor: { ...actor, address: req.ip },
      action,
      target,
      details: { path: hostPath(req.url).split("?")[0], ...details },
    });

  const refuseTransfer = async (req: FastifyRequest, reply: FastifyReply, grant: WorkspaceSession, route: string) => {
    const path = hostPath(req.url).split("?")[0]!;
    activity.transferRefused(grant, { route, method: req.method, path });
    await audit(
      req,
      { subject: grant.subject, role: "researcher" },
      "workspace.transfer-refused",
      `environment:${grant.namespace}`,
      {
        route,
        method: req.method,
      },
    );
    return refuse(req, reply, 403, TRANSFER_BLOCKED, TRANSFER_MESSAGE, { home });
  };

  /**
   * A request to a workspace that does not answer opens it: the person's wish to run is recorded and their
   * Deployment scaled up, and the page says how far the start has got, looking again every second until
   * JupyterLab answers (then the same address is the workspace itself). Nothing of the workspace is served.
   */
  const startWorkspace = async (
    req: FastifyRequest,
    reply: FastifyReply,
    workspace: PersonWorkspace,
    environmentStuck: string | undefined,
    /** What to answer when it runs after all (it was found, and failed to answer). */
    whenRunning?: () => unknown,
  ) => {
    let state: PersonWorkspaceState | undefined;
    try {
      state = await options.workspaces?.open(workspace, {
        subject: workspace.subject,
        role: "researcher",
        address: req.ip,
      });
    } catch (err) {
      req.log.warn({ ns: workspace.namespace, err: (err as Error).message }, "Failed to start a person's workspace");
    }
    // Stuck is not starting: it will not come by itself, so the page says so and looks again only slowly.
    const stuck =
      state?.state === "failed"
        ? `The workspace is stuck (${state.reason}).`
        : !state && environmentStuck
          ? `The environment is stuck (${environmentStuck}).`
          : undefined;
    if (stuck) return refuse(req, reply, 503, "WORKSPACE_STUCK", stuck, { retryS: 60, home });
    if (whenRunning && (!state || state.state === "running")) return whenRunning();
    return refuse(req, reply, 503, "WORKSPACE_STARTING", "The workspace is starting; this page follows it.", {
      retryS: options.workspaces ? 1 : 5,
      home,
      step: state?.step ?? undefined,
    });
  };

  const authorise = async (req: FastifyRequest, reply: FastifyReply) => {
    const host = hosts.classify(req.headers.host);
    const label = host.kind === "workspace" ? host.label : undefined;
    if (!label) return refuse(req, reply, 404, "WORKSPACE_NOT_FOUND", "There is no workspace here for you.", { home });
    const path = hostPath(req.url);
    const mark = sockets.mark();
    const hostSession = await workspaceSessions.find(singleCookie(req.headers.cookie, workspaceCookie), label);
    const session = hostSession && (await options.sessions.getByHash(hostSession.sessionHash));
    // Another origin's request that could act or read here (a page of another workspace host, which is the
    // same site, or of any other site) is refused before anything: only navigations and this host's own
    // pages reach the workspace. Browsers say where a request comes from (Origin, Sec-Fetch-*).
    const isolation = requestRefusal(req, hosts.originOf(label), isWebSocket(req));
    if (isolation) {
      const actor: Omit<AuditActor, "address"> = session
        ? { subject: session.subject, role: "person" }
        : { subject: "anonymous", role: "anonymous" };
      const target = hostSession ? `environment:${hostSession.namespace}` : `workspace-host:${label}`;
      // Any page on the web can make a visitor's browser try this: such refusals share the strangers' budget.
      const verdict = (await options.strangers?.admit(req, isolation.code, target)) ?? { audit: true };
      if (!verdict.audit)
        return refuse(req, reply, 429, "REFUSALS_RATE_LIMITED", tooManyRefusals(verdict), {
          retryS: verdict.retryAfterSeconds,
          home,
        });
      await audit(req, actor, isWebSocket(req) ? "workspace.websocket-refused" : "workspace.request-refused", target, {
        reason: "origin",
        origin: req.headers.origin ?? null,
        site: req.headers["sec-fetch-site"] ?? null,
      });
      return refuse(req, reply, 403, isolation.code, isolation.message, { home });
    }
    if (!hostSession || !session || session.subject !== hostSession.subject) {
      // No session of this host (or its UI session ended): a browser goes through the handshake again.
      if (isPageLoad(req))
        return reply.redirect(`${publicUrl}/workspaces/open?${new URLSearchParams({ host: label, next: path })}`);
      return reply
        .code(401)
        .send({ error: "AUTH_UNAUTHENTICATED", message: "Open the workspace from the start page." });
    }
    const { namespace, subject } = hostSession;
    const decision = await decideWorkspaceAccess(options.db, namespace, subject, new Date());
    if (!decision.allowed) return refuse(req, reply, decision.status, decision.code, decision.message, { home });
    // Whichever of the permit's tools the person runs now (a pick replaces the pod while requests arrive), the
    // routes any of them treats as a transfer are refused, and the credential goes in the form each demands.
    const tools = permitTools(decision.permit.payload.environment.tools).map((t) => WORKSPACE_TOOLS[t]);
    const route = workspaceRoute(path, { blockedRoutes: tools.flatMap((t) => t.blockedRoutes) });
    if (route.kind === "blocked") return refuseTransfer(req, reply, hostSession, route.route);
    const person = options.identities.personIdOf(namespace, subject);
    const token = options.identities.tokenOf(namespace, person);
    const credential = (cookie: string | undefined) =>
      tools.reduce<Record<string, string>>(
        (headers, t) => ({ ...headers, ...t.credential.headers(token, headers.cookie) }),
        {
          ...(cookie ? { cookie } : {}),
        },
      );
    const workspace = { namespace, personId: person, subject };
    // Stopped (never opened, idle, or stopped by an operator): this request opens it.
    if (options.workspaces && !(await options.workspaces.wanted(namespace, person)))
      return startWorkspace(req, reply, workspace, decision.stuck);
    let upstream: string;
    try {
      upstream = await options.upstreamFor(namespace, person);
    } catch (err) {
      req.log.warn({ ns: namespace, err: (err as Error).message }, "Failed to find the workspace of an environment");
      // A strategy that knows the workspace will not come (the local node failed) says so, with no retry.
      if (err instanceof SpeError) return refuse(req, reply, 503, err.code, err.message, { home });
      return startWorkspace(req, reply, workspace, decision.stuck);
    }
    options.workspaces?.used(namespace, person);
    grants.set(req, { hostSession, upstream, credential, path, mark, personId: person });
  };

  await app.register(async (scope) => {
    // Bodies go to the workspace as they came, unread.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
    await scope.register(replyFrom, { undici: { headersTimeout: 60_000 } });
    const proxy = async (req: FastifyRequest, reply: FastifyReply) => {
      const grant = grants.get(req)!;
      const { hostSession } = grant;
      // Open until its response is done, or its WebSocket (the connection it upgrades) has closed.
      const ended = options.connections?.begin({ namespace: hostSession.namespace, personId: grant.personId });
      if (ended) (isWebSocket(req) ? req.raw.socket : reply.raw).once("close", ended);
      if (isWebSocket(req)) {
        reply.hijack();
        const holder = {
          namespace: hostSession.namespace,
          subject: hostSession.subject,
          workspaceTokenHash: hostSession.tokenHash,
          sessionHash: hostSession.sessionHash,
          address: req.ip,
          path: grant.path.split("?")[0]!,
        };
        const forwarded = workspaceSocketHeaders(req.headers.cookie, req.ip, hostSession.cookieNames);
        const headers = { ...forwarded, ...grant.credential(forwarded.cookie) };
        sockets.accept(req.raw, `${grant.upstream.replace(/^http/, "ws")}${grant.path}`, headers, holder, grant.mark);
        await audit(
          req,
          { subject: hostSession.subject, role: "researcher" },
          "workspace.websocket-opened",
          `environment:${hostSession.namespace}`,
          {},
        );
        return;
      }
      let cookieNames: string[] = [];
      const recordAnswer = activity.requestSent(hostSession, req.method, grant.path);
      return reply.from(`${grant.upstream}${grant.path}`, {
        rewriteRequestHeaders: (_req, headers) => {
          const forwarded = workspaceRequestHeaders(headers, req.ip, hostSession.cookieNames);
          return { ...forwarded, ...grant.credential(forwarded.cookie) };
        },
        rewriteHeaders: (headers) => {
          const rewritten = workspaceResponseHeaders(headers);
          cookieNames = rewritten.cookieNames.filter((n) => !hostSession.cookieNames.includes(n));
          return rewritten.headers;
        },
        onResponse: (_request, res, answer) => {
          void (async () => {
            // Kept before the browser has them: its next request carries them, and they must be forwarded.
            if (cookieNames.length) await workspaceSessions.addCookieNames(hostSession.tokenHash, cookieNames);
            // A page the workspace served, not one it failed to serve: the evidence lists sessions that happened.
            if (isPageLoad(req) && res.statusCode < 400)
              await audit(
                req,
                { subject: hostSession.subject, role: "researcher" },
                "workspace.opened",
                `environment:${hostSession.namespace}`,
                {},
              );
          })().then(
            () => {
              const encoding = res.getHeader("content-encoding");
              res.send(
                recordAnswer ? recordAnswer(answer.stream, res.statusCode, encoding?.toString()) : answer.stream,
              );
            },
            (err: unknown) => res.send(err),
          );
        },
        onError: (res, { error }) => {
          req.log.warn({ ns: hostSession.namespace, err: error.message }, "Failed to reach a workspace");
          const unreachable = () =>
            refuse(
              req,
              res as FastifyReply,
              502,
              "WORKSPACE_UNREACHABLE",
              "The workspace did not answer; try again in a moment.",
              { retryS: 10, home },
            );
          // By name (WORKSPACE_UPSTREAM) a starting workspace is found before it can answer: its Service has
          // no ready pod yet. That is a start under way, and the page follows it; only a running one failed.
          const workspace = {
            namespace: hostSession.namespace,
            personId: grant.personId,
            subject: hostSession.subject,
          };
          void startWorkspace(req, res as FastifyReply, workspace, undefined, unreachable);
        },
      });
    };
    for (const url of [WORKSPACE_HOST_PREFIX, `${WORKSPACE_HOST_PREFIX}/*`])
      scope.route({ method: [...METHODS], url, preHandler: authorise, handler: proxy });
  });
}
