import type { IncomingHttpHeaders } from "node:http";

/**
 * Every cookie of the orchestrator's own is named `spe_…` (the session, the sign-in transaction): the
 * workspace neither receives one nor may set one.
 */
export const OUR_COOKIE_PREFIX = "spe_";

const ours = (name: string) => name.trim().startsWith(OUR_COOKIE_PREFIX);

/**
 * What the client says about itself or holds for us stays here: a pod that trusts forwarded headers (Jupyter's
 * trust_xheaders does) must not learn an address the client made up, and credentials meant for the
 * orchestrator never reach a program the researcher controls.
 */
const CLIENT_HEADERS_NOT_FORWARDED = ["authorization", "proxy-authorization", "x-real-ip", "forwarded", "x-scheme"];

/** Our cookies are for us alone: the workspace never sees a researcher's session token. */
export function withoutOurCookies(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const kept = cookie
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && !ours(c.split("=", 1)[0]!));
  return kept.length ? kept.join("; ") : undefined;
}

/** The headers an HTTP request takes to the workspace: the client's, less ours and less what it may not claim. */
export function workspaceRequestHeaders(headers: IncomingHttpHeaders, clientAddress: string): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (CLIENT_HEADERS_NOT_FORWARDED.includes(name) || name.startsWith("x-forwarded-")) continue;
    forwarded[name] = value;
  }
  const cookie = withoutOurCookies(headers.cookie);
  if (cookie) forwarded.cookie = cookie;
  else delete forwarded.cookie;
  forwarded["x-forwarded-for"] = clientAddress;
  return forwarded;
}

/** The headers a WebSocket takes to the workspace: the workspace's own cookies and the client's address, nothing else. */
export function workspaceSocketHeaders(cookie: string | undefined, clientAddress: string): Record<string, string> {
  const kept = withoutOurCookies(cookie);
  return { ...(kept ? { cookie: kept } : {}), "x-forwarded-for": clientAddress };
}

/** The path every cookie of a workspace is kept inside. */
export const workspacePath = (namespace: string) => `/workspaces/${namespace}/`;

/**
 * A workspace's Set-Cookie as the browser may keep it, or undefined to drop it. The workspace's pages are
 * served from the orchestrator's own origin, so a cookie it sets is one of ours to the browser: it must not
 * name one of our cookies (or have no name, which a browser sends as a bare value that reads as any name),
 * must not leave the workspace's path, and must not widen itself to a parent domain.
 */
export function confineSetCookie(setCookie: string, namespace: string): string | undefined {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  const name = eq === -1 ? "" : pair.slice(0, eq).trim();
  if (!name || ours(name)) return undefined;
  const home = workspacePath(namespace);
  let path: string | undefined;
  const kept: string[] = [];
  for (const attribute of attributes) {
    const [key = "", ...rest] = attribute.split("=");
    const lower = key.trim().toLowerCase();
    // Like a browser, the last Path counts; Domain is dropped (host-only: the orchestrator's host alone).
    if (lower === "path") path = rest.join("=").trim();
    else if (lower !== "domain" && lower !== "") kept.push(attribute.trim());
  }
  const inside =
    path !== undefined && (path === home.slice(0, -1) || path.startsWith(home)) && !/[%\\]|\/\.\.?(\/|$)/.test(path);
  return [pair.trim(), `Path=${inside ? path : home}`, ...kept].join("; ");
}

/**
 * Response headers a workspace may not send to the browser as they are: its cookies are confined to its path
 * (confineSetCookie), and it may neither widen a service worker's scope beyond its path
 * (Service-Worker-Allowed) nor wipe the orchestrator's cookies and storage (Clear-Site-Data). Without a
 * namespace to confine them to, its cookies are dropped.
 */
export function workspaceResponseHeaders(
  headers: IncomingHttpHeaders,
  namespace: string | undefined,
): IncomingHttpHeaders {
  const rest = { ...headers };
  for (const name of ["set-cookie", "service-worker-allowed", "clear-site-data"]) delete rest[name];
  const setCookie = headers["set-cookie"];
  if (setCookie === undefined || namespace === undefined) return rest;
  const cookies = (Array.isArray(setCookie) ? setCookie : [String(setCookie)])
    .map((c) => confineSetCookie(c, namespace))
    .filter((c) => c !== undefined);
  return cookies.length ? { ...rest, "set-cookie": cookies } : rest;
}
