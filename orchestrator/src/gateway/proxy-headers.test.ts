import { describe, expect, it } from "vitest";
import { SESSION_COOKIE, uiCookies } from "../auth/session-cookie";
import {
  isOurCookie,
  ownSetCookie,
  workspaceCookies,
  workspaceRequestHeaders,
  workspaceResponseHeaders,
} from "./proxy-headers";

describe("ownSetCookie", () => {
  it.each([
    ["the workspace's own cookie", "_xsrf=2|ab; Path=/", "_xsrf=2|ab; Path=/"],
    ["a cookie deeper in the workspace", "a=1; Path=/lab; HttpOnly", "a=1; Path=/lab; HttpOnly"],
    ["a cookie without a path", "a=1; HttpOnly", "a=1; HttpOnly"],
    ["a cookie for a parent domain, kept to the host", "a=1; Domain=ws.example.se; Path=/", "a=1; Path=/"],
    ["two Domain attributes", "a=1; domain=.localhost; DOMAIN=ws.localhost; Secure", "a=1; Secure"],
  ])("keeps %s on the workspace's host", (_what, setCookie, kept) => {
    expect(ownSetCookie(setCookie)?.cookie).toBe(kept);
  });

  it.each([
    ["our session cookie", `${SESSION_COOKIE}=planted; Path=/`],
    ["our session cookie with its prefix", `__Host-${SESSION_COOKIE}=planted; Path=/; Secure`],
    ["our session cookie, prefixed in another case", `__HOST-${SESSION_COOKIE}=planted; Path=/; Secure`],
    ["a workspace host's session", "__Host-spe_workspace=planted; Path=/; Secure"],
    ["the sign-in cookie", "spe_login=x; Path=/"],
    ["a cookie with spaces before our name", "  spe_session=x"],
    ["a cookie with no name, which a browser sends as a bare value", "=spe_session=x; Path=/"],
    ["a cookie without =", "spe_session"],
  ])("drops %s", (_what, setCookie) => {
    expect(ownSetCookie(setCookie)).toBeUndefined();
  });

  it("treats every cookie name of the UI as one of ours", () => {
    for (const url of ["http://localhost:8080", "https://spe.example", "http://10.0.0.1"]) {
      const { session, login } = uiCookies(url);
      expect([isOurCookie(session), isOurCookie(login)]).toEqual([true, true]);
    }
  });
});

describe("workspaceResponseHeaders", () => {
  it("keeps cookies to the host, drops ours, CORS and the wiping of the host's data, and names what was set", () => {
    const answer = workspaceResponseHeaders({
      "content-type": "text/html",
      "set-cookie": ["spe_session=x; Path=/", "a=1; Path=/; Domain=localhost", "b=2", "a=3"],
      "access-control-allow-origin": "*",
      "access-control-allow-credentials": "true",
      "clear-site-data": '"*"',
    });
    expect(answer).toEqual({
      headers: { "content-type": "text/html", "set-cookie": ["a=1; Path=/", "b=2", "a=3"] },
      cookieNames: ["a", "b"],
    });
  });
});

describe("headers to the workspace", () => {
  it("forwards only the cookies the workspace set for its own host, never ours", () => {
    const sent = `__Host-${SESSION_COOKIE}=t; _xsrf=x; spe_workspace=w; idp_session=i; username-x=u; spe_login=y`;
    expect(workspaceCookies(sent, ["_xsrf", "username-x"])).toBe("_xsrf=x; username-x=u");
    // Even a name it once set that is one of ours (it cannot be: ownSetCookie drops it) is not forwarded.
    expect(workspaceCookies(sent, ["spe_workspace", "spe_login"])).toBeUndefined();
    expect(workspaceCookies(sent, [])).toBeUndefined();
    expect(workspaceCookies("=bare; _xsrf", ["_xsrf", ""])).toBeUndefined();
  });

  it("replaces what the client claims about its address and drops its credentials", () => {
    const forwarded = workspaceRequestHeaders(
      {
        host: "orchestrator",
        cookie: `__Host-${SESSION_COOKIE}=t; idp=1; _xsrf=x`,
        authorization: "Bearer x",
        "proxy-authorization": "Basic y",
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-proto": "https",
        "x-real-ip": "6.6.6.6",
        forwarded: "for=6.6.6.6",
        "x-xsrftoken": "x",
      },
      "10.0.0.7",
      ["_xsrf"],
    );
    expect(forwarded).toEqual({
      host: "orchestrator",
      cookie: "_xsrf=x",
      "x-xsrftoken": "x",
      "x-forwarded-for": "10.0.0.7",
    });
  });
});
