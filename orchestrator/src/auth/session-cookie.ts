/**
 * The names of the UI's cookies. Where the browser keeps `Secure` cookies (https, or `localhost` over http)
 * they carry the `__Host-` prefix, which the browser accepts only from the UI's own host, with `Path=/` and
 * no `Domain`: no other host (a workspace host under the same site, say) can set or shadow them. The server
 * reads only the prefixed name then, so a same-named unprefixed cookie tossed from a sibling host is ignored.
 * It lives in auth/ so that the API, the airlock's file routes and the sign-in read it without importing
 * one another's routes.
 */
export interface UiCookies {
  /** The session token's cookie. */
  session: string;
  /** The sign-in transaction's (state, nonce, PKCE verifier; signed). */
  login: string;
  secure: boolean;
}

/** The base name of the session cookie; `__Host-` is put before it where the browser allows. */
export const SESSION_COOKIE = "spe_session";
const LOGIN_COOKIE = "spe_login";

/**
 * Whether a browser keeps `Secure` cookies of this host over the given scheme: https, or `localhost` and
 * `*.localhost`, which browsers treat as secure contexts over plain http. The UI's and the workspace hosts'
 * cookies both ask it.
 */
export function secureContext(protocol: string, hostname: string): boolean {
  return protocol === "https:" || hostname === "localhost" || hostname.endsWith(".localhost");
}

export function uiCookies(publicUrl: string): UiCookies {
  const url = new URL(publicUrl);
  const secure = secureContext(url.protocol, url.hostname);
  const name = (base: string) => (secure ? `__Host-${base}` : base);
  return { session: name(SESSION_COOKIE), login: name(LOGIN_COOKIE), secure };
}

/**
 * The value of a session cookie in a Cookie header, or undefined when it is absent or there more than once.
 * Two cookies of one name mean another host of the site set one for a parent domain (cookie tossing, which
 * `__Host-` prevents only where the browser keeps Secure cookies): rather than guess which is ours — a tossed
 * one can be made to come first — neither is taken, and the person is asked to sign in again.
 */
export function singleCookie(header: string | undefined, name: string): string | undefined {
  let found: string | undefined;
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found || undefined;
}
