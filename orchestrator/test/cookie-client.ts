import { loopbackFetch } from "./loopback-fetch";

/**
 * An HTTP client that keeps cookies per host and follows redirects one at a time, like a browser without
 * JavaScript. Enough to walk an OpenID Connect sign-in, or a workspace's handshake, against real servers;
 * `*.localhost` hosts reach loopback, as in a browser.
 */
export class CookieClient {
  private readonly jar = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    return this.jar.get(host)!;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookies = this.cookies(url);
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await loopbackFetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()),
      );
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until a response that is not a redirect, or until `stopAt` says stop. */
  async follow(
    url: string,
    init: RequestInit = {},
    stopAt: (url: string) => boolean = () => false,
  ): Promise<{ res: Response; url: string }> {
    return this.followFrom(await this.request(url, init), url, stopAt, { headers: init.headers });
  }

  /** Follows the redirects of a response already received from `url`. */
  async followFrom(
    first: Response,
    url: string,
    stopAt: (url: string) => boolean = () => false,
    /** What every following GET sends besides the cookies (an Accept, say). */
    next: RequestInit = {},
  ): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = first;
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      current = new URL(res.headers.get("location")!, current).href;
      if (stopAt(current)) break;
      res = await this.request(current, { headers: next.headers });
    }
    return { res, url: current };
  }
}
