import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KUBERNETES_VERSION } from "@spe/infra/local-cluster";
import { CookieClient } from "../../test/cookie-client";
import { DEMO_ONE_TIME_CODE } from "../auth/demo-accounts";
import { startStack, type Stack } from "../../test/stack";

async function trpcQuery(client: CookieClient, appUrl: string, path: string) {
  const res = await client.request(`${appUrl}/trpc/${path}`);
  return {
    status: res.status,
    body: (await res.json()) as { result?: { data: unknown }; error?: { data: { code: string } } },
  };
}

describe("sign-in round trip through the development OpenID Provider", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it("answers /healthz without credentials with only whether it works", async () => {
    const res = await fetch(`${stack.appUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /healthz in detail to a signed-in operator only: the API server and each node's capacity", async () => {
    const researcher = await (await stack.signIn("alice")).request(`${stack.appUrl}/healthz`);
    expect(await researcher.json()).toEqual({ status: "ok" });
    const res = await (await stack.signIn("olof")).request(`${stack.appUrl}/healthz`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { capacity: { nodes: { name: string }[]; usable: { nodes: number } } };
    expect(report).toMatchObject({
      status: "ok",
      kubernetes: { version: KUBERNETES_VERSION },
      capacity: { usable: { cpu: { allocatable: expect.any(Number), requested: expect.any(Number) } } },
    });
    // The nodes the API server holds, as an administrator lists them (none, or the local node's).
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject("kubeconfig"));
    const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items.map((n) => n.metadata!.name!).sort();
    expect(report.capacity.nodes.map((n) => n.name)).toEqual(nodes);
  });

  it("knows nobody before sign-in", async () => {
    const me = await trpcQuery(new CookieClient(), stack.appUrl, "session.me");
    expect(me.body.result?.data).toBeNull();
  });

  it("signs a researcher in with authorization code + PKCE and gives her a session with her role", async () => {
    const alice = await stack.signIn("alice");
    const cookie = alice.cookies(stack.appUrl).get("__Host-spe_session");
    expect(cookie).toBeTruthy();
    const me = await trpcQuery(alice, stack.appUrl, "session.me");
    expect(me.body.result?.data).toMatchObject({
      subject: "alice",
      name: "Alice Andersson",
      email: "alice@uni.example",
      roles: ["researcher"],
    });
    // Role procedures narrow: a researcher cannot read the operators' status.
    const status = await trpcQuery(alice, stack.appUrl, "system.status");
    expect(status.status).toBe(403);
    expect(status.body.error?.data.code).toBe("FORBIDDEN");
  });

  it("lets an operator read the system status", async () => {
    const olof = await stack.signIn("olof");
    const status = await trpcQuery(olof, stack.appUrl, "system.status");
    expect(status.body.result?.data).toMatchObject({
      kubernetes: { version: KUBERNETES_VERSION },
      database: { kind: "pglite" },
      capacity: { nodes: expect.any(Array), usable: { nodes: expect.any(Number) } },
      capacityError: null,
    });
  });

  it("sets the session cookie __Host-, host-only, HttpOnly, Secure and SameSite=Lax", async () => {
    const client = new CookieClient();
    let { res, url } = await stack.submitLoginForm(client, "bob", "demo");
    while (!url.startsWith(`${stack.appUrl}/auth/callback`)) {
      url = new URL(res.headers.get("location")!, url).href;
      res = await client.request(url);
    }
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-spe_session="));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    // http://localhost is a secure context to browsers: Secure cookies come back, so __Host- holds.
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).not.toMatch(/Domain/i);
  });

  it("reads only the prefixed session cookie: an unprefixed one tossed from a sibling host is ignored", async () => {
    const alice = await stack.signIn("alice");
    const token = alice.cookies(stack.appUrl).get("__Host-spe_session")!;
    const tossed = new CookieClient();
    // A page of a sibling host can set `spe_session` for the parent domain; it reaches the UI, and is not read.
    tossed.cookies(stack.appUrl).set("spe_session", token);
    expect((await trpcQuery(tossed, stack.appUrl, "session.me")).body.result?.data).toBeNull();
    // Next to the real one, it changes nothing either.
    const both = new CookieClient();
    both.cookies(stack.appUrl).set("spe_session", "attacker-session");
    both.cookies(stack.appUrl).set("__Host-spe_session", token);
    expect((await trpcQuery(both, stack.appUrl, "session.me")).body.result?.data).toMatchObject({ subject: "alice" });
  });

  it("takes no session from a Cookie header that names the session cookie twice: one was tossed, and which is unknown", async () => {
    const [alice, bob] = [await stack.signIn("alice"), await stack.signIn("bob")];
    const [a, b] = [alice, bob].map((c) => c.cookies(stack.appUrl).get("__Host-spe_session")!);
    for (const cookie of [
      `__Host-spe_session=${b}; __Host-spe_session=${a}`,
      `__Host-spe_session=${a}; __Host-spe_session=${b}`,
    ]) {
      const res = await fetch(`${stack.appUrl}/trpc/session.me`, { headers: { cookie } });
      expect(((await res.json()) as { result: { data: unknown } }).result.data).toBeNull();
    }
  });

  it("refuses a wrong password at the provider and creates no session", async () => {
    const client = new CookieClient();
    const { res } = await stack.submitLoginForm(client, "alice", "wrong");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("wrong password");
    expect(client.cookies(stack.appUrl).has("__Host-spe_session")).toBe(false);
  });

  it("refuses a callback whose state was not issued to this browser", async () => {
    const client = new CookieClient();
    await client.request(`${stack.appUrl}/auth/login`); // holds a genuine login transaction
    const res = await client.request(`${stack.appUrl}/auth/callback?code=forged&state=forged`);
    expect(res.status).toBe(400);
    expect(client.cookies(stack.appUrl).has("__Host-spe_session")).toBe(false);
    // Without any login transaction the callback is refused too.
    const bare = await new CookieClient().request(`${stack.appUrl}/auth/callback?code=x&state=y`);
    expect(bare.status).toBe(400);
  });

  it("refuses a replayed callback: the code and the login transaction are good once", async () => {
    const client = new CookieClient();
    const submitted = await stack.submitLoginForm(client, "alice", "demo");
    let callback = "";
    await client.followFrom(submitted.res, submitted.url, (next) => {
      if (next.startsWith(`${stack.appUrl}/auth/callback`)) callback = next;
      return next === `${stack.appUrl}/`;
    });
    expect(callback).toContain("code=");
    // The same browser again (its login cookie is spent), and another browser with a fresh transaction.
    expect((await client.request(callback)).status).toBe(400);
    const other = new CookieClient();
    await other.request(`${stack.appUrl}/auth/login`);
    expect((await other.request(callback)).status).toBe(400);
    expect(other.cookies(stack.appUrl).has("__Host-spe_session")).toBe(false);
  });

  it("ignores a tampered session cookie", async () => {
    const alice = await stack.signIn("alice");
    const cookies = alice.cookies(stack.appUrl);
    cookies.set("__Host-spe_session", cookies.get("__Host-spe_session")!.slice(0, -2) + "xx");
    expect((await trpcQuery(alice, stack.appUrl, "session.me")).body.result?.data).toBeNull();
  });

  it("logs out: the session ends for good and the provider's end-session URL comes back", async () => {
    const alice = await stack.signIn("alice");
    const stolen = alice.cookies(stack.appUrl).get("__Host-spe_session")!;
    const res = await alice.request(`${stack.appUrl}/auth/logout`, {
      method: "POST",
      headers: { origin: stack.appUrl },
    });
    expect(res.status).toBe(200);
    const { redirect } = (await res.json()) as { redirect: string };
    expect(redirect.startsWith(`${stack.idpUrl}/session/end`)).toBe(true);
    expect(new URL(redirect).searchParams.get("id_token_hint")).toBeTruthy();
    const replay = new CookieClient();
    replay.cookies(stack.appUrl).set("__Host-spe_session", stolen);
    expect((await trpcQuery(replay, stack.appUrl, "session.me")).body.result?.data).toBeNull();
  });

  it("refuses a state-changing request from another site", async () => {
    const alice = await stack.signIn("alice");
    const res = await alice.request(`${stack.appUrl}/auth/logout`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe("CSRF_ORIGIN_MISMATCH");
    expect((await trpcQuery(alice, stack.appUrl, "session.me")).body.result?.data).toMatchObject({ subject: "alice" });
  });
});

describe("sign-in of a person without a role", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ OIDC_ROLE_MAPPING: "spe-only-group=researcher" });
  });
  afterAll(() => stack.stop());

  it("is refused with a page that says why, and no session", async () => {
    const client = new CookieClient();
    const submitted = await stack.submitLoginForm(client, "alice", "demo");
    const { res } = await client.followFrom(submitted.res, submitted.url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("has no role");
    expect(client.cookies(stack.appUrl).has("__Host-spe_session")).toBe(false);
  });
});

describe("sign-in where a second factor is required", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ OIDC_REQUIRED_AMR: "mfa,otp,hwk" });
  });
  afterAll(() => stack.stop());

  it("refuses a password-only sign-in with a page that says what is needed, and no session", async () => {
    const client = new CookieClient();
    const submitted = await stack.submitLoginForm(client, "alice", "demo");
    const { res } = await client.followFrom(submitted.res, submitted.url);
    expect(res.status).toBe(403);
    const page = await res.text();
    expect(page).toContain("Stronger sign-in needed");
    expect(page).toContain("Yours used level http://id.elegnamnden.se/loa/1.0/loa2 and methods pwd");
    expect(client.cookies(stack.appUrl).has("__Host-spe_session")).toBe(false);
  });

  it("signs in a person who gives the second factor", async () => {
    const client = new CookieClient();
    const submitted = await stack.submitLoginForm(client, "alice", "demo", { otp: DEMO_ONE_TIME_CODE });
    await client.followFrom(submitted.res, submitted.url, (next) => next === `${stack.appUrl}/`);
    const me = await trpcQuery(client, stack.appUrl, "session.me");
    expect(me.body.result?.data).toMatchObject({ subject: "alice" });
  });

  it("refuses a wrong one-time code at the provider", async () => {
    const { res } = await stack.submitLoginForm(new CookieClient(), "alice", "demo", { otp: "000000" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Wrong one-time code");
  });
});
