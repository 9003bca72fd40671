// The researchers' way into real workspace pods: `npm start` as it runs (the orchestrator's main, its own
// control plane and the local node, the demo permit and its delivered dataset), the demo researcher signs in
// at the development provider, waits for the demo environment to be Ready and opens her workspace through
// the gateway in Chromium, which shows the page the pod serves, then the outbox, which the airlock agent's
// own pod serves to the orchestrator. Her co-researcher bob opens his own workspace, a pod of its own on a
// host of its own; each sees the project folder and the data, and neither can open the other's. When scripts/build-images.sh has built the real workspace image
// here, the pod runs JupyterLab: the Lab loads through the gateway, and a Python and an R kernel start and run
// `1+1` over the gateway's WebSocket proxy; otherwise the pod is the stand-in and that test says why it
// skipped. Opt-in like infra/local-node/node.test.ts (SPE_LOCAL_NODE=1, root): elsewhere it says why it skipped.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { builtWorkspaceArchive, nodeCapability } from "@spe/infra/local-node";
import { DEMO_PERMIT_ID } from "../orchestrator/src/permits/demo-permit";
import { namespaceFor } from "../orchestrator/src/environments/namespace-name";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const capability = nodeCapability();
if (!capability.ok) console.warn(`Skipped the local node journey: ${capability.reason}.`);
/** The real JupyterLab image, when built here; the node runs it in place of the stand-in (for-orchestrator.ts). */
const jupyterLab = builtWorkspaceArchive() !== undefined;
if (capability.ok && !jupyterLab)
  console.warn(
    "Skipped JupyterLab in the local node journey: the workspace image has not been built here (scripts/build-images.sh workspace); the pod is the stand-in.",
  );

const orchestratorDir = fileURLToPath(new URL("../orchestrator/", import.meta.url));

/** The orchestrator's main in a process of its own, as `npm start` runs it; resolves once it serves. */
async function startOrchestrator(env: NodeJS.ProcessEnv, log: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: orchestratorDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!])
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        log.push(...chunk.split("\n").filter(Boolean));
        if (chunk.includes("SPE orchestrator is running at")) resolve();
      });
    child.once("exit", (code) =>
      reject(new Error(`the orchestrator ended (${code}) before it served:\n${log.join("\n")}`)),
    );
  });
  return child;
}

/** SIGTERM, as Ctrl-C would: the orchestrator stops the reconciler, the node and the control plane. */
function stopOrchestrator(child: ChildProcess | undefined): Promise<number | null> {
  if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe.skipIf(!capability.ok)(
  "a researcher opens the workspace pod of the demo environment on the local node",
  () => {
    const log: string[] = [];
    let orchestrator: ChildProcess | undefined;
    let browser: Browser;
    let appUrl: string;
    let dataDir: string;
    let workspaceUrl: string | undefined;
    let bobsUrl: string | undefined;
    let metricsPort: number;

    beforeAll(async () => {
      const [port, idpPort, uiDir] = [await freePort(), await freePort(), await buildUi()];
      metricsPort = await freePort();
      dataDir = mkdtempSync(join(tmpdir(), "spe-node-journey-"));
      appUrl = `http://localhost:${port}`;
      const { KUBECONFIG: _ignored, ...inherited } = process.env;
      const env = {
        ...inherited,
        PORT: String(port),
        DEV_IDP_PORT: String(idpPort),
        DATA_DIR: dataDir,
        UI_DIR: uiDir,
        LOG_LEVEL: "warn",
        NODE_ENV: "development",
        METRICS_PORT: String(metricsPort),
        STAGING_PORT: String(await freePort()),
        MIRROR_PORT: String(await freePort()),
      };
      [orchestrator, browser] = await Promise.all([startOrchestrator(env, log), launchChromium()]);
      // One local node per machine: when another test file holds it, this one's waits for it (node.ts).
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      expect(await stopOrchestrator(orchestrator)).toBe(0);
      expect(log).toContainEqual(expect.stringMatching(/^Stopped the local node/));
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);

    // The node starts after the orchestrator serves; importing its images (the JupyterLab one is half a
    // gigabyte) once held the event loop for as long, so that a sign-in at that moment timed out.
    it("keeps answering while the local node starts and imports its images", async () => {
      const nodeSettled = () =>
        log.some((line) => /^Local node \S+ is up after|^The local node did not start/.test(line));
      let slowest = 0;
      let requests = 0;
      do {
        const begun = Date.now();
        const res = await fetch(`${appUrl}/healthz`, { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        slowest = Math.max(slowest, Date.now() - begun);
        requests += 1;
        await new Promise((r) => setTimeout(r, 250));
      } while (!nodeSettled());
      expect(log).toContainEqual(expect.stringMatching(/^Local node \S+ is up after/));
      // A stall is the length of the longest import (tens of seconds); a busy machine answers in a second or two.
      expect(slowest, `the slowest of ${requests} answers while the node started, in ms`).toBeLessThan(10_000);
      // The process's own account of it, from its metrics: the longest its event loop waited since it began watching.
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      expect(log).toContain(`  Metrics (Prometheus): ${metricsUrl}`);
      const lagMax = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(metricsUrl)).text())?.[1];
      expect(Number(lagMax), "the event loop's longest wait, in s").toBeLessThan(10);
    }, 600_000);

    it("signs in as the demo researcher, sees the environment Ready and reaches the page its workspace pod serves, and its outbox", async () => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await signIn(page, { appUrl }, "alice");
      expect(log).toContainEqual(expect.stringMatching(/^Starting the local node in the background/));
      // Ready only once the pod runs and the real loader has fetched the delivery through the relay.
      const environment = page.locator("li.environment").filter({ hasText: DEMO_PERMIT_ID });
      await expect
        .poll(
          async () => {
            await page.reload();
            return environment
              .locator(".state")
              .textContent({ timeout: 5_000 })
              .catch(() => null);
          },
          { timeout: 540_000, interval: 3_000 },
        )
        .toBe("Klar");
      expect(await checkPage(page, "local-node-0-environment-ready")).toEqual([]);

      await environment.getByRole("link", { name: /^Öppna arbetsytan för/ }).click();
      // The UI's link goes through the handshake to the workspace's own host (an opaque name under
      // ws.localhost); the stand-in answers there, and JupyterLab redirects to its Lab at the host's root.
      await page.waitForURL(/^http:\/\/[0-9a-f]{32}\.ws\.localhost:\d+\/(lab)?$/, {
        waitUntil: "commit",
        timeout: 60_000,
      });
      const namespace = namespaceFor(DEMO_PERMIT_ID);
      workspaceUrl = `${new URL(page.url()).origin}/`;
      if (jupyterLab) {
        await page.waitForURL(`${workspaceUrl}lab`, { timeout: 60_000 });
        await page.locator("#jp-main-dock-panel").waitFor({ timeout: 120_000 });
      } else {
        await expect
          .poll(() => page.getByRole("heading", { level: 1 }).textContent())
          .toBe(`Workspace stand-in of ${namespace}`);
        expect(await page.locator("#permit").textContent()).toBe(DEMO_PERMIT_ID);
        // A pod of alice's own workspace Deployment, named by its opaque id.
        expect(await page.locator("#pod").textContent()).toMatch(/^workspace-[0-9a-f]{20}-[a-z0-9]+-[a-z0-9]+$/);
        expect(await page.locator("#path").textContent()).toBe("/");
        expect(await checkPage(page, "local-node-1-workspace")).toEqual([]);
      }

      // The same address sends a browser without the host's session through the UI: whoever is not signed in
      // signs in there (and comes back after it), before anything reaches the pod.
      const anonymous = await browser.newPage();
      await anonymous.goto(page.url());
      expect(anonymous.url()).not.toContain(".ws.localhost");
      expect(await anonymous.getByLabel("User name").count()).toBe(1);
      await anonymous.close();

      // The outbox is read from the airlock agent's own pod, found the same way (by the pod's address).
      await page.goto(appUrl);
      await environment.getByRole("link", { name: /^Utkorg och ny exportförfrågan för/ }).click();
      await expect
        .poll(() => page.getByText(/^Utkorgen är tom\.|^Utkorgen kunde inte läsas\./).textContent(), {
          timeout: 30_000,
        })
        .toMatch(/^Utkorgen är tom\./);
      expect(await checkPage(page, "local-node-2-outbox")).toEqual([]);
      await page.close();
    }, 600_000);

    it("lets bob open his own workspace on his own host, both see the project folder and the data, and neither opens the other's", async () => {
      expect(workspaceUrl, "the first test opened alice's workspace").toBeDefined();
      const bob = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await signIn(bob, { appUrl }, "bob");
      const environment = bob.locator("li.environment").filter({ hasText: DEMO_PERMIT_ID });
      await environment.getByRole("link", { name: /^Öppna arbetsytan för/ }).click();
      await bob.waitForURL(/^http:\/\/[0-9a-f]{32}\.ws\.localhost:\d+\/(lab)?$/, {
        waitUntil: "commit",
        timeout: 60_000,
      });
      bobsUrl = `${new URL(bob.url()).origin}/`;
      expect(bobsUrl).not.toBe(workspaceUrl);
      const alice = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await signIn(alice, { appUrl }, "alice");
      await alice.goto(workspaceUrl!);
      await alice.waitForURL(new RegExp(`^${workspaceUrl!.replaceAll(".", "\\.")}`), { timeout: 60_000 });
      if (jupyterLab) {
        await bob.waitForURL(`${bobsUrl}lab`, { timeout: 60_000 });
        // What the Lab's file browser lists at its root, through the gateway, as the Lab itself asks.
        const listing = (page: Page) =>
          page.evaluate(async () => {
            const res = await fetch("/api/contents/?content=1");
            const body = (await res.json()) as { content: Array<{ name: string }> };
            return body.content.map((c) => c.name).sort();
          });
        for (const page of [alice, bob])
          expect(await listing(page)).toEqual(expect.arrayContaining(["data", "outbox", "project"]));
        // alice saves a file in the project folder; bob sees it in his.
        const saved = await alice.evaluate(async () => {
          const xsrf = /(?:^|; )_xsrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
          const res = await fetch("/api/contents/project/from-alice.txt", {
            method: "PUT",
            headers: { "content-type": "application/json", "x-xsrftoken": decodeURIComponent(xsrf) },
            body: JSON.stringify({ type: "file", format: "text", content: "shared" }),
          });
          return res.status;
        });
        expect(saved).toBe(201);
        const seen = await bob.evaluate(async () =>
          (await fetch("/api/contents/project/from-alice.txt?content=1")).json(),
        );
        expect(seen).toMatchObject({ content: "shared" });
        // The data is there, read-only (the loader put the manifest there).
        const data = await bob.evaluate(async () => (await fetch("/api/contents/data?content=1")).json());
        expect((data as { content: Array<{ name: string }> }).content.map((c) => c.name)).toContain("MANIFEST.json");
      } else {
        // Two pods, one each: the stand-ins name the pod that answered.
        await expect.poll(() => bob.locator("#pod").textContent()).toMatch(/^workspace-[0-9a-f]{20}-/);
        const pods = [await alice.locator("#pod").textContent(), await bob.locator("#pod").textContent()];
        expect(pods[0]).not.toBe(pods[1]);
      }
      // Neither can open the other's: the other's host sends them back through the UI, which refuses.
      for (const [page, other] of [
        [alice, bobsUrl],
        [bob, workspaceUrl!],
      ] as const) {
        const answer = await page.goto(other);
        expect(page.url()).not.toContain(new URL(other).host);
        expect(answer?.status()).toBe(404);
      }
      await alice.close();
      await bob.close();
    }, 600_000);

    it.skipIf(!jupyterLab)(
      "starts a Python and an R kernel in JupyterLab through the gateway, each running 1+1",
      async () => {
        expect(workspaceUrl, "the first test opened the workspace").toBeDefined();
        const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
        await signIn(page, { appUrl }, "alice");
        // A new browser context holds no session of the workspace host: the address goes through the handshake.
        await page.goto(`${workspaceUrl}lab`);
        await page.waitForURL(`${workspaceUrl}lab`, { timeout: 60_000 });
        // JupyterLab is third-party UI: a screenshot for a person, no accessibility verdict of ours on it.
        await page.locator(".jp-LauncherCard").first().waitFor({ timeout: 120_000 });
        await checkPage(page, "local-node-3-jupyterlab");
        expect(await runInNewNotebook(page, "Python 3 (ipykernel)", "1+1")).toBe("2");
        await checkPage(page, "local-node-4-python-kernel");
        // `?reset` opens the Lab with a fresh layout (a launcher) instead of restoring the Python notebook's tab.
        await page.goto(`${workspaceUrl}lab?reset`);
        await page.locator(".jp-LauncherCard").first().waitFor({ timeout: 120_000 });
        // IRkernel shows a length-one vector by its rich (HTML) form: "2", not the console's "[1] 2".
        expect(await runInNewNotebook(page, "R", "1+1")).toBe("2");
        await checkPage(page, "local-node-5-r-kernel");
        await page.close();

        // Both cells are in the record of activities with alice's name and each kernel's language, for the auditor.
        const auditor = await browser.newPage({ viewport: { width: 1366, height: 800 } });
        await signIn(auditor, { appUrl }, "ida");
        await auditor.goto(`${appUrl}/activity/${namespaceFor(DEMO_PERMIT_ID)}`);
        await expect
          .poll(async () => {
            await auditor.reload();
            await auditor.getByRole("group", { name: "Person" }).waitFor();
            return auditor.getByRole("radio", { name: /alice/ }).count();
          })
          .toBe(1);
        await auditor.getByRole("radio", { name: /alice/ }).check();
        const cells = auditor
          .getByRole("table", { name: "Aktiviteter för alice, senaste först" })
          .getByRole("row")
          .filter({ has: auditor.getByText("1+1", { exact: true }) });
        await expect.poll(() => cells.count()).toBe(2);
        expect(
          (await cells.allTextContents()).map((row) => /^.*?alice.*?(python|R) · /s.exec(row)?.[1]).sort(),
        ).toEqual(["R", "python"]);
        expect(await checkPage(auditor, "local-node-6-activity")).toEqual([]);
        await auditor.close();
      },
      300_000,
    );
  },
);

/**
 * Opens a notebook with the launcher's card for `kernel`, types `code` into its first cell and runs it:
 * the kernel's answer arrives over the kernel's WebSocket, which the gateway proxies into the pod.
 */
async function runInNewNotebook(page: Page, kernel: string, code: string): Promise<string> {
  await page.locator(`.jp-LauncherCard[data-category="Notebook"][title="${kernel}"]`).click();
  const notebook = page.locator(".jp-NotebookPanel:visible");
  try {
    // The status bar names the kernel once it has started and answered over its WebSocket.
    await page
      .locator(".jp-StatusBar-Widget")
      .getByText(`${kernel} | Idle`, { exact: true })
      .waitFor({ timeout: 120_000 });
    const editor = notebook.locator(".jp-Cell").first().locator(".cm-content");
    await editor.click();
    await editor.fill(code);
    await expect.poll(() => editor.textContent()).toBe(code);
    await page.keyboard.press("Shift+Enter");
    const output = notebook.locator(".jp-OutputArea-output").first();
    await output.waitFor({ timeout: 60_000 });
    return (await output.textContent())!.trim();
  } catch (err) {
    await checkPage(page, `local-node-failed-${kernel.replace(/\W+/g, "-")}`);
    throw err;
  }
}
