import type { FastifyReply, FastifyRequest } from "fastify";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests sent from another site (CSRF): a browser always sends Origin on a
 * cross-site POST, and our own UI's requests carry our origin. Requests without Origin (curl, machine
 * clients) hold no session cookie of a victim, so they pass on to their own authentication.
 */
export function requireSameOrigin(publicUrl: string) {
  const ours = new URL(publicUrl).origin;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (SAFE.has(req.method)) return;
    const origin = req.headers.origin;
    const crossSite = req.headers["sec-fetch-site"] === "cross-site";
    if ((origin !== undefined && origin !== ours) || crossSite) {
      req.log.warn({ origin, url: req.url }, "Refused cross-origin request");
      return reply
        .code(403)
        .send({ error: "CSRF_ORIGIN_MISMATCH", message: "This request came from another site and was refused." });
    }
  };
}
