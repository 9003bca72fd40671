import type { CookieClient } from "./cookie-client";
import { loopbackFetch } from "./loopback-fetch";

/**
 * Opens a workspace as a browser does: the UI's link `/workspaces/<namespace><path>`, the handshake's
 * redirect to the workspace host with its code, and the clean address on that host with its own cookie.
 * Returns the last answer, its address and the workspace host's origin.
 */
export async function openWorkspace(
  client: CookieClient,
  appUrl: string,
  namespace: string,
  path = "/",
  headers: Record<string, string> = { accept: "text/html" },
): Promise<{ res: Response; url: string; origin: string }> {
  const { res, url } = await client.follow(`${appUrl}/workspaces/${namespace}${path}`, { headers });
  return { res, url, origin: new URL(url).origin };
}

/** The Cookie header a client sends to a URL. */
export const cookieHeader = (client: CookieClient, url: string) =>
  [...client.cookies(url)].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * The handshake for a client that keeps no cookies: from the UI's `/workspaces/<namespace>/` with the UI's
 * session cookie to the workspace host's own cookie. Returns the host's origin and its Cookie header.
 */
export async function handshake(
  appUrl: string,
  uiCookie: string,
  namespace: string,
): Promise<{ origin: string; cookie: string }> {
  const first = await loopbackFetch(`${appUrl}/workspaces/${namespace}/`, {
    headers: { cookie: uiCookie },
    redirect: "manual",
  });
  const location = first.headers.get("location");
  if (first.status !== 303 || !location) throw new Error(`no handshake for ${namespace}: ${first.status}`);
  const second = await loopbackFetch(location, { redirect: "manual" });
  const cookie = second.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error(`the workspace host set no cookie: ${second.status}`);
  return { origin: new URL(location).origin, cookie };
}
