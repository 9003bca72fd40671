import { describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../auth/session-cookie";
import {
  confineSetCookie,
  OUR_COOKIE_PREFIX,
  withoutOurCookies,
  workspaceRequestHeaders,
  workspaceResponseHeaders,
} from "./proxy-headers";

const ns = "spe-se-2026-0042";
const home = `/workspaces/${ns}/`;

describe("confineSetCookie", () => {
  it.each([
    ["the workspace's own cookie in its path", `_xsrf=2|ab; Path=${home}`, `_xsrf=2|ab; Path=${home}`],
    ["a cookie for the path without its slash", `a=1; Path=/workspaces/${ns}`, `a=1; Path=/workspaces/${ns}`],
    ["a cookie deeper in the workspace", `a=1; Path=${home}lab; HttpOnly`, `a=1; Path=${home}lab; HttpOnly`],
    ["a cookie for the whole site", "a=1; Path=/; Secure; SameSite=Lax", `a=1; Path=${home}; Secure; SameSite=Lax`],
    ["a cookie without a path", "a=1; HttpOnly", `a=1; Path=${home}; HttpOnly`],
    ["a cookie for another workspace", "a=1; Path=/workspaces/spe-other/", `a=1; Path=${home}`],
    ["a cookie for a sibling whose name starts the same", `a=1; Path=/workspaces/${ns}-x/`, `a=1; Path=${home}`],
    ["a path that climbs out", `a=1; Path=${home}../../`, `a=1; Path=${home}`],
    ["a path in another spelling", `a=1; Path=${home}%2e%2e/`, `a=1; Path=${home}`],
    ["two paths, the last one outside", `a=1; Path=${home}; path=/`, `a=1; Path=${home}`],
    ["a parent domain", "a=1; Domain=example.se; Path=/", `a=1; Path=${home}`],
  ])("keeps %s inside the workspace", (_what, setCookie, kept) => {
    expect(confineSetCookie(setCookie, ns)).toBe(kept);
  });

  it.each([
    ["our session cookie", `${SESSION_COOKIE}=planted; Path=/`],
    ["our session cookie, even in the workspace's path", `${SESSION_COOKIE}=planted; Path=${home}`],
    ["the sign-in cookie", "spe_login=x; Path=/auth"],
    ["a cookie with spaces before our name", "  spe_session=x"],
    ["a cookie with no name, which a browser sends as a bare value", "=spe_session=x; Path=/"],
    ["a cookie without =", "spe_session"],
  ])("drops %s", (_what, setCookie) => {
    expect(confineSetCookie(setCookie, ns)).toBeUndefined();
  });

  it("treats the session cookie as one of ours by its prefix", () => {
    expect(SESSION_COOKIE.startsWith(OUR_COOKIE_PREFIX)).toBe(true);
  });
});

describe("workspaceResponseHeaders", () => {
  it("confines every cookie, drops ours and the headers that reach beyond the workspace", () => {
    const headers = workspaceResponseHeaders(
      {
        "content-type": "text/html",
        "set-cookie": ["spe_session=x; Path=/", "a=1; Path=/"],
        "service-worker-allowed": "/",
        "clear-site-data": '"*"',
      },
      ns,
    );
    expect(headers).toEqual({ "content-type": "text/html", "set-cookie": [`a=1; Path=${home}`] });
  });

  it("drops the workspace's cookies when it cannot say whose they are", () => {
    expect(workspaceResponseHeaders({ "set-cookie": ["a=1"] }, undefined)).toEqual({});
  });
});

describe("headers to the workspace", () => {
  it("strips our cookies and keeps the workspace's", () => {
    expect(withoutOurCookies(`${SESSION_COOKIE}=t; _xsrf=x; spe_login=y`)).toBe("_xsrf=x");
    expect(withoutOurCookies(`${SESSION_COOKIE}=t`)).toBeUndefined();
  });

  it("replaces what the client claims about its address and drops its credentials", () => {
    const forwarded = workspaceRequestHeaders(
      {
        host: "orchestrator",
        cookie: `${SESSION_COOKIE}=t`,
        authorization: "Bearer x",
        "proxy-authorization": "Basic y",
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-proto": "https",
        "x-real-ip": "6.6.6.6",
        forwarded: "for=6.6.6.6",
        "x-xsrftoken": "x",
      },
      "10.0.0.7",
    );
    expect(forwarded).toEqual({ host: "orchestrator", "x-xsrftoken": "x", "x-forwarded-for": "10.0.0.7" });
  });
});
