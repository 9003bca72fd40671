import type { FastifyRequest } from "fastify";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export interface IsolationRefusal {
  code: "WORKSPACE_ORIGIN_REFUSED" | "WORKSPACE_REQUEST_REFUSED";
  message: string;
}

/**
 * Whether a request to a workspace host comes from somewhere that may not act or read there. Other workspace
 * hosts are the same site (SameSite cookies go along), so the host's cookie alone says nothing about who
 * asks; the browser's word does:
 * - a WebSocket only from the host's own pages (no CORS guards WebSockets; a browser always sends Origin);
 * - a state-changing request only from the host's own pages (Origin, and Sec-Fetch-Site where sent);
 * - from another site or another host of the same site, only top-level page loads (a link followed, the
 *   handshake's redirect): not a fetch, an image, a script, a frame, a form post (Fetch Metadata's resource
 *   isolation policy), so no other page can embed, include or read what the workspace serves.
 * Clients that send neither Origin nor Sec-Fetch-* (curl, tests) are not browsers and carry no victim's
 * cookie by accident; they pass on to the session check.
 */
export function requestRefusal(
  req: FastifyRequest,
  ownOrigin: string,
  websocket: boolean,
): IsolationRefusal | undefined {
  const origin = req.headers.origin;
  const site = req.headers["sec-fetch-site"];
  const foreignSite = site === "cross-site" || site === "same-site";
  if (websocket) {
    return origin === ownOrigin
      ? undefined
      : {
          code: "WORKSPACE_ORIGIN_REFUSED",
          message: "A workspace connection is accepted only from the workspace's own pages.",
        };
  }
  const topLevelLoad =
    req.method === "GET" &&
    req.headers["sec-fetch-mode"] === "navigate" &&
    req.headers["sec-fetch-dest"] === "document";
  const unsafe = !SAFE.has(req.method);
  if ((unsafe && ((origin !== undefined && origin !== ownOrigin) || foreignSite)) || (foreignSite && !topLevelLoad))
    return {
      code: "WORKSPACE_REQUEST_REFUSED",
      message: "The workspace takes requests only from its own pages; links to it open it as a page.",
    };
  return undefined;
}
