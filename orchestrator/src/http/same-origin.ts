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

/** Where other sites' pages and programs may read: public documents, machine clients' API, health. */
const OPEN_TO_OTHER_SITES = ["/.well-known/", "/api/v1/", "/developers", "/healthz"];

/**
 * Refuses what a page of another site, or of another host of the same site (a workspace host, where it
 * shares the UI's site), asks of the UI other than opening it as a page: a fetch, an image, a script, a
 * frame (Fetch Metadata's resource isolation policy). SameSite cookies go along with same-site requests, so
 * without this a workspace's page in such a layout would read nothing (no CORS) but could still make the
 * browser send requests as the person; with it, nothing of the UI's API answers them. Browsers that send no
 * Sec-Fetch-Site, and programs, pass on to their own authentication.
 */
export function refuseForeignSubresources() {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const site = req.headers["sec-fetch-site"];
    if (site !== "cross-site" && site !== "same-site") return;
    if (OPEN_TO_OTHER_SITES.some((p) => req.url.startsWith(p))) return;
    const navigation = req.headers["sec-fetch-mode"] === "navigate" && req.headers["sec-fetch-dest"] === "document";
    if (navigation && SAFE.has(req.method)) return;
    req.log.warn({ site, url: req.url.split("?")[0] }, "Refused a request from another site's page");
    return reply
      .code(403)
      .send({ error: "CSRF_ORIGIN_MISMATCH", message: "This request came from another site and was refused." });
  };
}
