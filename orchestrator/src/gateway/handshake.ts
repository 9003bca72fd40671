import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import { singleCookie, type UiCookies } from "../auth/session-cookie";
import { hashToken, type SessionStore } from "../auth/sessions";
import type { Db } from "../db/database";
import { environmentsOf } from "../environments/environment-queries";
import { safeReturnPath } from "../auth/return-path";
import { WORKSPACE_HOST_PREFIX } from "./host-dispatch";
import { isPageLoad, refuse } from "./refuse";
import { decideWorkspaceAccess } from "./workspace-access";
import type { WorkspaceHosts } from "./workspace-hosts";
import type { WorkspaceSessionStore } from "./workspace-sessions";
import type { RefusalBudget } from "../staging/refusal-budget";
import { tooManyRefusals } from "../http/stranger-refusals";

/** Where a workspace host takes a handshake's code; no workspace tool serves anything under `/_spe/`. */
export const HANDSHAKE_PATH = "/_spe/handshake";

export interface HandshakeOptions {
  db: Db;
  sessions: SessionStore;
  workspaceSessions: WorkspaceSessionStore;
  hosts: WorkspaceHosts;
  publicUrl: string;
  uiCookies: UiCookies;
  /** The name of a workspace host's session cookie (`__Host-` where the browser allows). */
  workspaceCookie: string;
  /** The refusal budget strangers share (http/stranger-refusals.ts); without it every refusal is audited. */
  strangers?: RefusalBudget;
}

const openQuery = z.object({ host: z.string().regex(/^[0-9a-f]{32}$/), next: z.string().optional() });
const redeemQuery = z.object({ code: z.string().min(1).max(100), next: z.string().optional() });

/**
 * The handshake that carries a signed-in person from the UI to a workspace host. The UI's session cookie
 * never leaves the UI's host, so a workspace host gets a session of its own:
 *
 * 1. On the UI's origin, `GET /workspaces/<namespace>/<path>` (the UI's links) or `GET /workspaces/open?host=…`
 *    (a workspace host sends a person without its session here) checks the person's right and makes a
 *    one-time code bound to the person, the environment, the host and the UI session, valid for a minute.
 * 2. The browser is sent to `<workspace host>/_spe/handshake?code=…`; the gateway there redeems the code
 *    (once: a used, expired or foreign code is refused with a page in words and an audit event), sets the
 *    host's own session cookie (host-only, HttpOnly, SameSite=Lax, `__Host-` where allowed) and sends the
 *    browser on to the clean address, without the code.
 *
 * The host's session ends with the UI session it came from (the database cascades), and every request and
 * socket on the host is authorised again as before.
 */
export function registerHandshake(app: FastifyInstance, options: HandshakeOptions): void {
  const { hosts, publicUrl } = options;
  const home = `${publicUrl}/`;
  const audit = (req: FastifyRequest, subject: string, action: string, target: string, details: object) =>
    recordAuditEvent(options.db, {
      actor: { subject, role: subject === "anonymous" ? "anonymous" : "researcher", address: req.ip },
      action,
      target,
      details: { ...details },
    });

  /** Makes the code and sends the browser to the workspace host with it. */
  const handOver = async (
    req: FastifyRequest,
    reply: FastifyReply,
    namespace: string,
    subject: string,
    next: string,
  ) => {
    const label = hosts.labelOf(namespace, subject);
    const sessionHash = hashToken(singleCookie(req.headers.cookie, options.uiCookies.session)!);
    const code = await options.workspaceSessions.createCode({ label, namespace, subject, sessionHash });
    const target = `${hosts.originOf(label)}${HANDSHAKE_PATH}?${new URLSearchParams({ code, next })}`;
    // The code is in the address only for this one redirect: never cached, never sent on as a Referer.
    return reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer").redirect(target, 303);
  };

  /** The signed-in person, or undefined once a browser is sent to sign in (and back here) or a program refused. */
  const signedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    const session = await options.sessions.get(singleCookie(req.headers.cookie, options.uiCookies.session));
    if (session) return session;
    if (isPageLoad(req)) reply.redirect(`/auth/login?next=${encodeURIComponent(req.url)}`);
    else reply.code(401).send({ error: "AUTH_UNAUTHENTICATED", message: "Sign in first." });
    return undefined;
  };

  const openByNamespace = async (req: FastifyRequest, reply: FastifyReply) => {
    const namespace = (req.params as { namespace: string }).namespace;
    const session = await signedIn(req, reply);
    if (!session) return reply;
    const decision = /^spe-[a-z0-9-]{1,59}$/.test(namespace)
      ? await decideWorkspaceAccess(options.db, namespace, session.subject, new Date())
      : ({
          allowed: false,
          status: 404,
          code: "WORKSPACE_NOT_FOUND",
          message: "There is no workspace here for you.",
        } as const);
    if (!decision.allowed) {
      // A signed-in person refused an environment not theirs is part of the access log, as in tRPC.
      if (decision.status === 404)
        await audit(req, session.subject, "access.refused", `environment:${namespace.slice(0, 100)}`, {
          code: decision.code,
          roles: session.roles,
        });
      return refuse(req, reply, decision.status, decision.code, decision.message);
    }
    // The rest of the old address (`/workspaces/<namespace>/lab/tree/x`) is where the host opens.
    const rest = req.url.slice(`/workspaces/${namespace}`.length);
    return handOver(
      req,
      reply,
      namespace,
      session.subject,
      safeReturnPath(rest.startsWith("/") ? rest : `/${rest}`) ?? "/",
    );
  };

  app.get("/workspaces/:namespace", openByNamespace);
  app.get("/workspaces/:namespace/*", openByNamespace);

  app.get("/workspaces/open", async (req, reply) => {
    const query = openQuery.safeParse(req.query);
    if (!query.success) return refuse(req, reply, 400, "WORKSPACE_NOT_FOUND", "There is no workspace here for you.");
    const session = await signedIn(req, reply);
    if (!session) return reply;
    // Only the person's own environments are looked at: another person's host is never found for them.
    const mine = await environmentsOf(options.db, session.subject);
    const environment = mine.find((e) => hosts.labelOf(e.namespace, session.subject) === query.data.host);
    const decision = environment
      ? await decideWorkspaceAccess(options.db, environment.namespace, session.subject, new Date())
      : ({
          allowed: false,
          status: 404,
          code: "WORKSPACE_NOT_FOUND",
          message: "There is no workspace here for you.",
        } as const);
    if (!decision.allowed) return refuse(req, reply, decision.status, decision.code, decision.message);
    return handOver(req, reply, environment!.namespace, session.subject, safeReturnPath(query.data.next) ?? "/");
  });

  app.get(`${WORKSPACE_HOST_PREFIX}${HANDSHAKE_PATH}`, async (req, reply) => {
    const host = hosts.classify(req.headers.host);
    const hostLabel = host.kind === "workspace" ? host.label : undefined;
    const query = redeemQuery.safeParse(req.query);
    const redeemed =
      hostLabel && query.success
        ? await options.workspaceSessions.redeem(query.data.code, hostLabel)
        : ({ ok: false, reason: "unknown" } as const);
    reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
    if (!redeemed.ok) {
      const grant = "grant" in redeemed ? redeemed.grant : undefined;
      // A code nobody was given is anyone's to send: such refusals share the strangers' budget.
      const verdict = grant
        ? { audit: true as const }
        : ((await options.strangers?.admit(req, "WORKSPACE_LINK_REFUSED", hostLabel)) ?? { audit: true as const });
      if (!verdict.audit)
        return refuse(req, reply, 429, "REFUSALS_RATE_LIMITED", tooManyRefusals(verdict), {
          retryS: verdict.retryAfterSeconds,
          home,
        });
      await audit(
        req,
        grant?.subject ?? "anonymous",
        "workspace.link-refused",
        grant ? `environment:${grant.namespace}` : `workspace-host:${hostLabel ?? "unknown"}`,
        { reason: redeemed.reason },
      );
      return refuse(
        req,
        reply,
        403,
        "WORKSPACE_LINK_REFUSED",
        "This link to the workspace has been used already, has expired or is not for this host; open the workspace again from the start page.",
        { home },
      );
    }
    const { grant, token } = redeemed;
    await audit(req, grant.subject, "workspace.session-created", `environment:${grant.namespace}`, {});
    reply.setCookie(options.workspaceCookie, token, {
      httpOnly: true,
      secure: hosts.secureCookies,
      sameSite: "lax",
      path: "/",
    });
    return reply.redirect(safeReturnPath(query.data!.next) ?? "/", 303);
  });
}
