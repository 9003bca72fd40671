import type { FastifyInstance } from "fastify";
import { onWorkspaceHost } from "../gateway/host-dispatch";

/**
 * What our own pages may load and who may frame them: scripts and everything else only from our origin
 * (the built UI, the developer portal's bundled Swagger UI), inline styles (the plain error and sign-in
 * pages carry theirs), images also as data: URLs; no plugins, no <base>, forms only to us, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** What app.ts gives every answer of the UI's host before it is made. */
const FRAME_ANCESTORS_ONLY = "frame-ancestors 'none'";

/** HSTS for a year on an https PUBLIC_URL: the browser never tries plain http to us again. */
const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Security headers on every answer of the orchestrator's own: no MIME sniffing and no referrer beyond our
 * origin on all, HSTS when people reach us over https, and on HTML the content security policy with
 * `frame-ancestors 'none'` (clickjacking). What workspace hosts serve is their tools' business and keeps
 * what the gateway gives it. An answer that set a stricter policy of its own (a quarantined file's) keeps
 * it; the bare `frame-ancestors 'none'` every UI answer starts with (app.ts) becomes the whole policy.
 */
export function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): void {
  const https = new URL(publicUrl).protocol === "https:";
  app.addHook("onSend", async (req, reply, payload) => {
    if (onWorkspaceHost(req.url)) return payload;
    const set = (name: string, value: string) => {
      if (!reply.hasHeader(name)) void reply.header(name, value);
    };
    set("x-content-type-options", "nosniff");
    set("referrer-policy", "same-origin");
    if (https) set("strict-transport-security", HSTS);
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && type.startsWith("text/html")) {
      if ([undefined, FRAME_ANCESTORS_ONLY].includes(reply.getHeader("content-security-policy") as string | undefined))
        void reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
      set("x-frame-options", "DENY");
    }
    return payload;
  });
}
