import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser } from "playwright-core";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeV1, kernelMessage, startKernelUpstream } from "../orchestrator/test/kernel-upstream";
import { loopbackLookup } from "../orchestrator/test/loopback-fetch";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { cookieHeader, openWorkspace } from "../orchestrator/test/workspace-host";
import { KERNEL_V1_PROTOCOL } from "../orchestrator/src/activity/kernel-frames";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

describe("an auditor's timeline of what a researcher did in her workspace", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  let upstream: Awaited<ReturnType<typeof startKernelUpstream>>;
  let namespace: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    upstream = await startKernelUpstream();
    stack = await startStack({ WORKSPACE_UPSTREAM: upstream.url }, { uiDir });
    browser = await launchChromium();
    const payload = { ...demoPermitPayload(new Date()), permitId: `SE-TIMELINE-${Date.now().toString(36)}` };
    namespace = await pushDevPermit(stack.appUrl, payload);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await upstream?.close();
    rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("shows alice's 1+1 cell with her name, and the counts in the compliance report", async () => {
    // alice runs a cell through the gateway as JupyterLab does: a v1 frame on the kernel's socket.
    const alice = await stack.signIn("alice");
    const { origin } = await openWorkspace(alice, stack.appUrl, namespace);
    const kernel = new WebSocket(`${origin.replace(/^http/, "ws")}/api/kernels/k-7/channels`, [KERNEL_V1_PROTOCOL], {
      headers: { cookie: cookieHeader(alice, origin) },
      origin,
      lookup: loopbackLookup as never,
    });
    await new Promise((resolve, reject) => kernel.once("open", resolve).once("error", reject));
    kernel.send(encodeV1(kernelMessage("kernel_info_request", {})));
    await new Promise((resolve) => kernel.once("message", resolve));
    kernel.send(encodeV1(kernelMessage("execute_request", { code: "1+1" })));
    await new Promise((resolve) => kernel.once("message", resolve));
    kernel.close();

    const page = await browser.newPage();
    await signIn(page, stack, "ida");
    await page.goto(`${stack.appUrl}/activity/${namespace}`);
    await page.getByRole("heading", { name: "Aktivitetslogg" }).waitFor();
    // The writer appends every second: reload until the batch is in.
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByRole("group", { name: "Person" }).waitFor();
        return page.getByRole("radio", { name: /alice/ }).count();
      })
      .toBe(1);
    await page.getByRole("radio", { name: /alice/ }).check();
    const table = page.getByRole("table", { name: "Aktiviteter för alice, senaste först" });
    await expect.poll(() => table.getByText("1+1", { exact: true }).count()).toBe(1);
    const row = table.getByRole("row").filter({ hasText: "1+1" });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("alice");
    expect(await row.getByText("kod körd").count()).toBe(1);
    expect(await row.getByText(/python · 3 B · kärna k-7/).count()).toBe(1);
    await expect.poll(() => page.getByText(/Loggens kedja är obruten/).count()).toBe(1);
    expect(await checkPage(page, "activity-timeline")).toEqual([]);

    await page.goto(`${stack.appUrl}/evidence/${namespace}`);
    const counts = page.getByRole("table", { name: "Aktiviteter per person" });
    await counts.waitFor();
    // Her count of cells run, then her first and last activity: one cell, so the same moment twice.
    const cells = await counts.getByRole("row").filter({ hasText: "alice" }).getByRole("cell").allTextContents();
    expect(cells.slice(0, 2)).toEqual(["alice", "1"]);
    expect(cells.slice(2)).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/), cells[2]]);
    await page.close();
  });
});
