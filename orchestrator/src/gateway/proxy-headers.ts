import type { IncomingHttpHeaders } from "node:http";

/**
 * Every cookie of the orchestrator's own is named `spe_…`, with or without a `__Host-`/`__Secure-` prefix
 * (the UI's session and sign-in, a workspace host's session): the workspace neither receives one nor may
 * set one. Browsers compare the prefixes without regard to case; so do we.
 */
export const OUR_COOKIE_PREFIX = "spe_";

export const isOurCookie = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/^__(host|secure)-/, "")
    .startsWith(OUR_COOKIE_PREFIX);

/**
 * What the client says about itself or holds for us stays here: a pod that trusts forwarded headers (Jupyter's
 * trust_xheaders does) must not learn an address the client made up, and credentials meant for the
 * orchestrator never reach a program the researcher controls.
 */
const CLIENT_HEADERS_NOT_FORWARDED = ["authorization", "proxy-authorization", "x-real-ip", "forwarded", "x-scheme"];

/**
 * The cookies a workspace gets: only those it set for its own host through the gateway (their names are kept
 * with the host's session), never one of ours. Whatever else the browser sends to a workspace host — a
 * cookie of the identity provider or the UI for a parent domain, one tossed there by another workspace's
 * page — is not the workspace's and stays here.
 */
export function workspaceCookies(cookie: string | undefined, own: readonly string[]): string | undefined {
  if (!cookie) return undefined;
  const kept = cookie
    .split(";")
    .map((c) => c.trim())
    .filter((c) => {
      const name = c.split("=", 1)[0]!.trim();
      return c.includes("=") && name && !isOurCookie(name) && own.includes(name);
    });
  return kept.length ? kept.join("; ") : undefined;
}

/** The headers an HTTP request takes to the workspace: the client's, less cookies not its own and what it may not claim. */
export function workspaceRequestHeaders(
  headers: IncomingHttpHeaders,
  clientAddress: string,
  ownCookies: readonly string[],
): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (CLIENT_HEADERS_NOT_FORWARDED.includes(name) || name.startsWith("x-forwarded-")) continue;
    forwarded[name] = value;
  }
  const cookie = workspaceCookies(headers.cookie, ownCookies);
  if (cookie) forwarded.cookie = cookie;
  else delete forwarded.cookie;
  forwarded["x-forwarded-for"] = clientAddress;
  return forwarded;
}

/** The headers a WebSocket takes to the workspace: the workspace's own cookies and the client's address, nothing else. */
export function workspaceSocketHeaders(
  cookie: string | undefined,
  clientAddress: string,
  ownCookies: readonly string[],
): Record<string, string> {
  const kept = workspaceCookies(cookie, ownCookies);
  return { ...(kept ? { cookie: kept } : {}), "x-forwarded-for": clientAddress };
}

/**
 * A workspace's Set-Cookie as the browser may keep it, with its name, or undefined to drop it. The workspace
 * has its host to itself, so its cookies keep their paths; but a cookie may not name one of ours (or have no
 * name, which a browser sends as a bare value that reads as any name) and may not widen itself to a parent
 * domain (Domain is dropped: host-only), where it would reach other workspaces or the UI's site.
 */
export function ownSetCookie(setCookie: string): { name: string; cookie: string } | undefined {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  const name = eq === -1 ? "" : pair.slice(0, eq).trim();
  if (!name || isOurCookie(name)) return undefined;
  const kept = attributes.filter((a) => {
    const key = a.split("=", 1)[0]!.trim().toLowerCase();
    return key !== "domain" && key !== "";
  });
  return { name, cookie: [pair.trim(), ...kept.map((a) => a.trim())].join("; ") };
}

/**
 * Response headers a workspace may not send to the browser as they are: its cookies are kept to its host
 * (ownSetCookie), no other origin may read its answers (no CORS header passes: another workspace host is the
 * same site, and its pages must not read this one), and it may not wipe the host's session (Clear-Site-Data).
 * Returns the headers and the names of the cookies it set.
 */
export function workspaceResponseHeaders(headers: IncomingHttpHeaders): {
  headers: IncomingHttpHeaders;
  cookieNames: string[];
} {
  const rest: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (name !== "set-cookie" && name !== "clear-site-data" && !name.startsWith("access-control-")) rest[name] = value;
  const setCookie = headers["set-cookie"];
  if (setCookie === undefined) return { headers: rest, cookieNames: [] };
  const cookies = (Array.isArray(setCookie) ? setCookie : [String(setCookie)])
    .map(ownSetCookie)
    .filter((c) => c !== undefined);
  return {
    headers: cookies.length ? { ...rest, "set-cookie": cookies.map((c) => c.cookie) } : rest,
    cookieNames: [...new Set(cookies.map((c) => c.name))],
  };
}
