// A hostile page served by a workspace, in a real Chromium, tries what a researcher's library or a
// co-researcher's file could try against the person viewing it: act or read as her in the UI's API, set or
// shadow the UI's session cookie, read another of her workspaces, and receive the UI's or the identity
// provider's cookies. Twice: with `*.localhost` hosts (the UI and the workspaces are different sites), and
// in a production-like layout where they share a site (names under example.org mapped to loopback), where
// the browser attaches SameSite cookies to the workspace page's requests and only the server stands between.
import { createServer, type Server } from "node:http";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { exportRequests } from "../orchestrator/src/db/schema";
import { launchChromium } from "./browser";

interface Hostile {
  server: Server;
  url: string;
  /** Every Cookie header that reached the workspace, with the host it was sent to. */
  cookies: Array<{ host: string; cookie: string }>;
  /** What the page's script needs to know: the UI's origin, another workspace's, the parent domain to toss to. */
  target: { ui: string; other: string; parent: string };
}

/** The stand-in workspace: its page attacks, `/set-cookies` tries to plant ours, `/secret` is what another workspace holds. */
async function startHostileWorkspace(): Promise<Hostile> {
  const hostile: Hostile = { server: undefined!, url: "", cookies: [], target: { ui: "", other: "", parent: "" } };
  hostile.server = createServer((req, res) => {
    hostile.cookies.push({
      host: String(req.headers["x-forwarded-host"] ?? req.headers.host),
      cookie: req.headers.cookie ?? "",
    });
    const path = req.url!.split("?")[0]!;
    if (path === "/secret") return res.writeHead(200, { "content-type": "application/json" }).end('{"secret":"W2"}');
    if (path === "/set-cookies")
      return res
        .writeHead(200, {
          "content-type": "text/plain",
          "set-cookie": [
            "__Host-spe_session=planted; Path=/; Secure",
            `spe_session=planted; Path=/; Domain=${hostile.target.parent}`,
            "own=1; Path=/",
          ],
        })
        .end("ok");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(attackPage(hostile.target));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => hostile.server.listen(port, "127.0.0.1", resolve));
  hostile.url = `http://127.0.0.1:${port}`;
  return hostile;
}

/** The page: each attack's outcome lands in window.results; the title says when all are done. */
function attackPage(target: Hostile["target"]): string {
  const script = `
const T = ${JSON.stringify(target)};
const results = {};
async function attempt(name, fn) {
  try { results[name] = await fn(); } catch (e) { results[name] = "blocked: " + e.name; }
}
(async () => {
  await attempt("readUiApi", async () => { const r = await fetch(T.ui + "/trpc/environments.mine", { credentials: "include" }); return "read " + r.status + " " + (await r.text()).slice(0, 300); });
  await attempt("writeUiApiJson", async () => { const r = await fetch(T.ui + "/trpc/exports.create", { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: JSON.stringify({ namespace: "x", justification: "exfil", files: [] }) }); return "wrote " + r.status; });
  await attempt("writeUiApiSimple", async () => { await fetch(T.ui + "/trpc/exports.create", { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "{}" }); return "sent"; });
  await attempt("readOtherWorkspace", async () => { const r = await fetch(T.other + "/secret", { credentials: "include" }); return "read " + r.status + " " + (await r.text()); });
  await attempt("frameOtherWorkspace", () => new Promise((resolve) => { const f = document.createElement("iframe"); f.src = T.other + "/secret"; f.onload = () => { try { resolve("read " + f.contentDocument.body.textContent); } catch (e) { resolve("blocked: " + e.name); } }; document.body.append(f); setTimeout(() => resolve("blocked: timeout"), 5000); }));
  await attempt("setCookiesByHeader", async () => (await fetch("/set-cookies")).status);
  document.cookie = "spe_session=tossed; Path=/; Domain=" + T.parent;
  document.cookie = "spe_session=tossed-first; Path=/trpc; Domain=" + T.parent;
  document.cookie = "__Host-spe_session=tossed; Path=/; Secure";
  await attempt("afterCookies", async () => (await fetch("/after")).status);
  window.results = results;
  document.title = "done";
})();`;
  return `<!doctype html><html><head><title>working</title></head><body><h1>Analys</h1><script>${script}</script></body></html>`;
}

const layouts = [
  {
    name: "*.localhost hosts, the UI another site",
    ui: (port: number) => `http://localhost:${port}`,
    domain: "ws.localhost",
    parent: "ws.localhost",
    chromium: [] as string[],
  },
  {
    name: "a shared site: spe.example.org and ws.example.org",
    ui: (port: number) => `http://spe.example.org:${port}`,
    domain: "ws.example.org",
    parent: "example.org",
    chromium: ["--host-resolver-rules=MAP *.example.org 127.0.0.1, MAP example.org 127.0.0.1"],
  },
];

describe.each(layouts)("a hostile page in a workspace ($name)", (layout) => {
  let hostile: Hostile;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let uiUrl: string;

  beforeAll(async () => {
    hostile = await startHostileWorkspace();
    const port = await freePort();
    uiUrl = layout.ui(port);
    stack = await startStack({
      PORT: String(port),
      PUBLIC_URL: uiUrl,
      WORKSPACE_DOMAIN: layout.domain,
      WORKSPACE_UPSTREAM: hostile.url,
    });
    const direct = `http://127.0.0.1:${port}`;
    const stamp = Date.now().toString(36);
    const base = demoPermitPayload(new Date());
    const [first, second] = [
      await pushDevPermit(direct, { ...base, permitId: `SE-ATTACK-A-${stamp}` }),
      await pushDevPermit(direct, { ...base, permitId: `SE-ATTACK-B-${stamp}` }),
    ];
    const hosts = stack.workspaceHosts;
    hostile.target = { ui: uiUrl, other: hosts.originOf(hosts.labelOf(second, "alice")), parent: layout.parent };
    browser = await launchChromium(layout.chromium);
    context = await browser.newContext();
    // An identity provider's single sign-on cookie for the whole site, as one at login.example.org would set.
    await context.addCookies([{ name: "idp_sso", value: "sso-secret", domain: `.${layout.parent}`, path: "/" }]);
    const page = await context.newPage();
    await page.goto(`${uiUrl}/auth/login`);
    await page.getByLabel("User name").fill("alice");
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${uiUrl}/`);
    // Both workspaces opened once, as she would: the second gets a session of its own host.
    await page.goto(`${uiUrl}/workspaces/${second}/secret`);
    await page.waitForURL(`${hostile.target.other}/secret`);
    await page.goto(`${uiUrl}/workspaces/${first}/analys`);
    await page.waitForURL(/\/analys$/);
    await page.waitForFunction(() => document.title === "done", undefined, { timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    hostile?.server.close();
  });

  const results = async () => {
    const page = context.pages().at(-1)!;
    return (await page.evaluate(() => (window as unknown as { results: Record<string, string> }).results)) ?? {};
  };

  it("reads nothing of the UI's API as the viewer and creates no export request", async () => {
    const r = await results();
    expect(r.readUiApi).toMatch(/^blocked/);
    expect(r.writeUiApiJson).toMatch(/^blocked/);
    const made = await stack.services.database.db.select().from(exportRequests);
    expect(made).toEqual([]);
  });

  it("reads nothing of another of the viewer's workspaces", async () => {
    const r = await results();
    expect(r.readOtherWorkspace).toMatch(/^blocked/);
    expect(r.frameOtherWorkspace).not.toContain("W2");
  });

  it("sets and shadows no cookie the UI reads: she is still herself there, or asked to sign in, never anyone else", async () => {
    const uiCookies = await context.cookies(uiUrl);
    // The UI's own session cookie is the one the UI set, untouched.
    const sessions = uiCookies.filter((c) => c.name.endsWith("spe_session"));
    expect(sessions.filter((c) => c.value === "planted")).toEqual([]);
    const page = await context.newPage();
    await page.goto(`${uiUrl}/trpc/session.me`);
    const me = JSON.parse((await page.locator("body").textContent()) ?? "{}") as {
      result?: { data?: { subject: string } | null };
    };
    // Over http in a shared site a tossed cookie reaches the UI; the UI then takes no session rather than the wrong one.
    expect([undefined, null, "alice"]).toContain(me.result?.data?.subject ?? me.result?.data);
    await page.close();
  });

  it("never hands a cookie of the UI or of the identity provider to the workspace", async () => {
    const sent = hostile.cookies.flatMap((c) =>
      c.cookie
        .split(";")
        .map((p) => p.split("=")[0]!.trim())
        .filter(Boolean),
    );
    expect(sent.length).toBeGreaterThan(0);
    for (const name of sent) expect(["own"]).toContain(name);
  });
});
