// The researcher's way into a real workspace pod: `npm start` as it runs (the orchestrator's main, its own
// control plane and the local node, the demo permit and its delivered dataset), the demo researcher signs in
// at the development provider, waits for the demo environment to be Ready and opens its workspace through
// the gateway in Chromium, which shows the page the pod serves, then its outbox, which the airlock agent in
// the same pod serves to the orchestrator. Opt-in like infra/local-node/node.test.ts
// (SPE_LOCAL_NODE=1, root): elsewhere it says why it skipped.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@spe/infra/local-cluster";
import { nodeCapability } from "@spe/infra/local-node";
import { DEMO_PERMIT_ID } from "../orchestrator/src/permits/demo-permit";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const capability = nodeCapability();
if (!capability.ok) console.warn(`Skipped the local node journey: ${capability.reason}.`);

const orchestratorDir = fileURLToPath(new URL("../orchestrator/", import.meta.url));

/** The orchestrator's main in a process of its own, as `npm start` runs it; resolves once it serves. */
async function startOrchestrator(env: NodeJS.ProcessEnv, log: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: orchestratorDir, env, stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!])
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        log.push(...chunk.split("\n").filter(Boolean));
        if (chunk.includes("SPE orchestrator is running at")) resolve();
      });
    child.once("exit", (code) => reject(new Error(`the orchestrator ended (${code}) before it served:\n${log.join("\n")}`)));
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

describe.skipIf(!capability.ok)("a researcher opens the workspace pod of the demo environment on the local node", () => {
  const log: string[] = [];
  let orchestrator: ChildProcess | undefined;
  let browser: Browser;
  let appUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    const [port, idpPort, uiDir] = [await freePort(), await freePort(), await buildUi()];
    dataDir = mkdtempSync(join(tmpdir(), "spe-node-journey-"));
    appUrl = `http://localhost:${port}`;
    const { KUBECONFIG: _ignored, ...inherited } = process.env;
    const env = { ...inherited, PORT: String(port), DEV_IDP_PORT: String(idpPort), DATA_DIR: dataDir, UI_DIR: uiDir, LOG_LEVEL: "warn", NODE_ENV: "development" };
    [orchestrator, browser] = await Promise.all([startOrchestrator(env, log), launchChromium()]);
    // One local node per machine: when another test file holds it, this one's waits for it (node.ts).
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    expect(await stopOrchestrator(orchestrator)).toBe(0);
    expect(log).toContainEqual(expect.stringMatching(/^Stopped the local node/));
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

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
          return environment.locator(".state").textContent({ timeout: 5_000 }).catch(() => null);
        },
        { timeout: 540_000, interval: 3_000 },
      )
      .toBe("Klar");
    expect(await checkPage(page, "local-node-0-environment-ready")).toEqual([]);

    await environment.getByRole("link", { name: /^Öppna arbetsytan för/ }).click();
    await page.waitForURL(/\/workspaces\/spe-demo-hdab-2026-0001-[0-9a-f]+\/$/);
    const namespace = new URL(page.url()).pathname.split("/")[2]!;
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`Workspace stand-in of ${namespace}`);
    expect(await page.locator("#permit").textContent()).toBe(DEMO_PERMIT_ID);
    expect(await page.locator("#pod").textContent()).toMatch(/^workspace-[a-z0-9]+-[a-z0-9]+$/);
    expect(await page.locator("#path").textContent()).toBe(`/workspaces/${namespace}/`);
    expect(await checkPage(page, "local-node-1-workspace")).toEqual([]);

    // The same address refuses whoever is not signed in, before anything reaches the pod.
    const anonymous = await browser.newPage();
    expect((await anonymous.goto(page.url()))?.status()).toBe(401);
    await anonymous.close();

    // The outbox is read from the airlock agent beside the workspace, found the same way (by the pod's address).
    await page.goBack();
    await environment.getByRole("link", { name: /^Utkorg och ny exportförfrågan för/ }).click();
    await expect.poll(() => page.getByText(/^Utkorgen är tom\.|^Utkorgen kunde inte läsas\./).textContent(), { timeout: 30_000 }).toMatch(/^Utkorgen är tom\./);
    expect(await checkPage(page, "local-node-2-outbox")).toEqual([]);
    await page.close();
  }, 600_000);
});
