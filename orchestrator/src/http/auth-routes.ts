import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { Role } from "../auth/roles";
import type { Db } from "../db/database";
import { assuranceRefusal, type AssuranceRequirement } from "../auth/assurance";
import { rolesFromClaims } from "../auth/roles";
import type { OidcRelyingParty } from "../auth/oidc";
import type { SessionStore } from "../auth/sessions";
import { singleCookie, uiCookies } from "../auth/session-cookie";
import { SpeError } from "../errors";
import type { RefusalBudget } from "../staging/refusal-budget";
import { errorPage } from "./error-page";
import { tooManyRefusals } from "./stranger-refusals";
import { safeReturnPath } from "../auth/return-path";

export interface AuthRouteOptions {
  relyingParty: OidcRelyingParty;
  sessions: SessionStore;
  publicUrl: string;
  rolesClaim: string;
  roleMapping: Record<string, Role>;
  /** How strongly people must have signed in (multi-factor); empty lists require nothing. */
  assurance: AssuranceRequirement;
  absoluteSessionMs: number;
  /** Where refused sign-ins are recorded as audit events. */
  db: Db;
  /** The refusal budget strangers share (stranger-refusals.ts); without it every refusal is audited. */
  strangers?: RefusalBudget;
}

const LOGIN_TTL_S = 600;

const transactionSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(43),
  next: z.string().optional(),
});

export function registerAuthRoutes(app: FastifyInstance, options: AuthRouteOptions): void {
  const { session: SESSION_COOKIE, login: LOGIN_COOKIE, secure } = uiCookies(options.publicUrl);
  // Host-only (no Domain) and, where the browser allows, __Host-: see auth/session-cookie.ts.
  const cookieBase = { httpOnly: true, secure, sameSite: "lax" as const, path: "/" };

  const refuse = (reply: FastifyReply, status: number, title: string, message: string) =>
    reply.code(status).type("text/html; charset=utf-8").send(errorPage(title, message));
  // A refused sign-in changes nothing, but who tried from where is part of the access log.
  const recordRefusal = (req: FastifyRequest, subject: string | undefined, reason: string) =>
    recordAuditEvent(options.db, {
      actor: { subject: subject ?? "anonymous", role: subject ? "person" : "anonymous", address: req.ip },
      action: "session.refused",
      target: `person:${subject ?? "anonymous"}`,
      details: { reason },
    });
  /**
   * Refuses a sign-in callback anyone could make bare (no login transaction, or an answer that does not verify):
   * such refusals share the strangers' budget of audit events, and past it get a 429 and no event.
   */
  const refuseStranger = async (
    req: FastifyRequest,
    reply: FastifyReply,
    reason: string,
    title: string,
    message: string,
  ) => {
    const verdict = (await options.strangers?.admit(req, "AUTH_LOGIN_FAILED", "sign-in")) ?? { audit: true };
    if (!verdict.audit)
      return refuse(
        reply.header("retry-after", String(verdict.retryAfterSeconds)),
        429,
        "Sign-in refused",
        tooManyRefusals(verdict),
      );
    await recordRefusal(req, undefined, reason);
    return refuse(reply, 400, title, message);
  };

  // `?next=/path` brings the person back to the page that sent them to sign in (a workspace link, say).
  app.get("/auth/login", async (req, reply) => {
    const { url, transaction } = await options.relyingParty.start();
    const next = safeReturnPath((req.query as Record<string, unknown>).next);
    reply.setCookie(LOGIN_COOKIE, JSON.stringify({ ...transaction, next }), {
      ...cookieBase,
      maxAge: LOGIN_TTL_S,
      signed: true,
    });
    return reply.redirect(url);
  });

  app.get("/auth/callback", async (req, reply) => {
    const raw = req.cookies[LOGIN_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    reply.clearCookie(LOGIN_COOKIE, cookieBase);
    const parsed = unsigned?.valid ? transactionSchema.safeParse(JSON.parse(unsigned.value ?? "null")) : undefined;
    if (!parsed?.success) {
      req.log.warn("Refused sign-in callback without a valid login transaction");
      return refuseStranger(
        req,
        reply,
        "no valid login transaction",
        "Sign-in expired",
        "This sign-in was not started here or took too long. Start again.",
      );
    }
    let result;
    try {
      result = await options.relyingParty.finish(new URL(req.url, options.publicUrl), parsed.data);
    } catch (err) {
      req.log.warn({ code: err instanceof SpeError ? err.code : undefined }, "Refused sign-in callback");
      // A login cookie is anyone's for the asking (/auth/login): this refusal is a stranger's too.
      return refuseStranger(
        req,
        reply,
        "identity provider's answer not verified",
        "Sign-in failed",
        "The identity provider's answer could not be verified. Start again.",
      );
    }
    const { claims, idToken } = result;
    const roles = rolesFromClaims(claims, options.rolesClaim, options.roleMapping);
    const subject = String(claims.sub);
    const weak = assuranceRefusal(claims, options.assurance);
    if (weak) {
      req.log.warn({ subject }, "Refused sign-in without the required assurance");
      await recordRefusal(
        req,
        subject,
        `insufficient assurance (acr ${String(claims.acr ?? "none")}, amr ${Array.isArray(claims.amr) ? claims.amr.join(" ") : "none"})`,
      );
      return refuse(reply, 403, "Stronger sign-in needed", weak);
    }
    if (roles.length === 0) {
      req.log.warn({ subject }, "Refused sign-in of a person without a role");
      await recordRefusal(req, subject, "no role");
      return refuse(
        reply,
        403,
        "No access",
        "Your account has no role in the secure processing environment. Ask your organisation's administrator for one.",
      );
    }
    const token = await options.sessions.create(
      {
        subject,
        name: typeof claims.name === "string" ? claims.name : subject,
        email: typeof claims.email === "string" ? claims.email : null,
        roles,
      },
      idToken,
      new Date(),
      req.ip,
    );
    reply.setCookie(SESSION_COOKIE, token, {
      ...cookieBase,
      maxAge: Math.floor(options.absoluteSessionMs / 1000),
    });
    req.log.info({ subject, roles }, "Created session");
    // Checked again though the cookie is signed: what was safe to store must still be safe to follow.
    return reply.redirect(safeReturnPath(parsed.data.next) ?? "/");
  });

  app.post("/auth/logout", async (req, reply) => {
    const token = singleCookie(req.headers.cookie, SESSION_COOKIE);
    const session = await options.sessions.get(token);
    await options.sessions.delete(token, req.ip);
    reply.clearCookie(SESSION_COOKIE, cookieBase);
    return { redirect: options.relyingParty.logoutUrl(session?.idToken ?? null) };
  });
}
