import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAirlockAgent, type AirlockAgentProcess } from "../orchestrator/test/airlock-agent-process";
import { insertEnvironment } from "../orchestrator/test/environment-rows";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { examplePermit } from "../orchestrator/src/permits/test-fixtures";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const MAKE = fileURLToPath(new URL("../orchestrator/src/outputs/acro/make-acro-output.py", import.meta.url));
/** The real ACRO library (`pip install acro==1.0.2`; `.ci/run` installs it); without it this journey skips. */
const acroMissing = spawnSync("python3", ["-c", "import acro"], { encoding: "utf8" }).status !== 0;
const FOLDER = "acro-session";
const CROSSTAB = `${FOLDER}/output_0_0.csv`;
const REGRESSION = `${FOLDER}/output_1_0.csv`;
const TITLE = "Patienter per region och kön; kostnad per ålder";
const VIEWPORT = { width: 1366, height: 800 };

async function lookAt(page: Page, name: string) {
  expect(await checkPage(page, `acro-${name}`)).toEqual([]);
}

describe.skipIf(acroMissing)("an ACRO output folder through the airlock in a real Chromium", () => {
  let stack: Stack;
  let agent: AirlockAgentProcess;
  let browser: Browser;
  let uiDir: string;
  let outboxDir: string;

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), "spe-outbox-"));
    // A crosstab with a cell of three people, suppressed with an exception request, and an OLS regression.
    const made = spawnSync("python3", [MAKE, join(outboxDir, FOLDER)], { encoding: "utf8", timeout: 120_000 });
    expect(made.status, made.stderr).toBe(0);
    [uiDir, agent] = await Promise.all([buildUi(), startAirlockAgent(outboxDir)]);
    stack = await startStack({ AIRLOCK_AGENT_URL: agent.url }, { uiDir });
    const now = Date.now();
    await insertEnvironment(
      stack.services.database.db,
      examplePermit({
        permitId: `SE-ACRO-${now.toString(36)}`,
        purpose: { category: "scientific-research", description: "Vårdkostnader per region" },
        validFrom: new Date(now - 86_400_000).toISOString(),
        validUntil: new Date(now + 365 * 86_400_000).toISOString(),
      }),
    );
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await agent?.stop();
    if (uiDir) rmSync(dirname(uiDir), { recursive: true, force: true });
    rmSync(outboxDir, { recursive: true, force: true });
  });

  it("lets a researcher submit the folder as one request", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "alice");
    await page
      .getByRole("region", { name: "Mina miljöer" })
      .getByRole("link", { name: /Utkorg och ny exportförfrågan för Vårdkostnader per region/ })
      .click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Ny exportförfrågan");
    // The folder is picked as a whole; its files are not offered one by one, and ACRO's own files never.
    await page.getByRole("checkbox", { name: FOLDER }).check();
    expect(await page.getByRole("checkbox", { name: CROSSTAB }).count()).toBe(0);
    await expect
      .poll(() => page.getByText(/Kontrolleras som helhet när du skickar in/).count(), { timeout: 15_000 })
      .toBe(1);
    await page.getByLabel("Rubrik").fill(TITLE);
    await page.getByLabel("Motivering").fill("Tabell 1 och 2 i artikeln, gjorda och kontrollerade med ACRO.");
    await lookAt(page, "1-researcher-form");
    await page.getByRole("button", { name: "Skicka in för granskning (1 fil)" }).click();
    await page.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator(".state-line").textContent()).toMatch(/^Inskickad/);
    await expect.poll(() => page.getByRole("region", { name: CROSSTAB, exact: true }).count()).toBe(1);
    await page.close();
  });

  it("shows a checker ACRO's checks beside ours, the disagreement and ACRO's known defects", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "karin");
    const queue = page.getByRole("region", { name: "Granskningskö" });
    await expect.poll(() => queue.getByRole("link", { name: TITLE }).count()).toBe(1);
    await queue.getByRole("link", { name: TITLE }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(TITLE);

    const crosstab = page.getByRole("region", { name: CROSSTAB, exact: true });
    // Our checks of the crosstab, made long, pass: the cell ACRO suppressed counts as redacted.
    await expect.poll(() => crosstab.getByText("Minsta antal").count()).toBe(1);
    const acro = crosstab.getByRole("region", { name: `ACRO:s kontroller av ${CROSSTAB}` });
    expect(await acro.getByRole("heading", { name: "ACRO:s egna kontroller: underlag, inte beslut" }).count()).toBe(1);
    expect(await acro.getByText("1 cell flaggad av ACRO (table)").count()).toBe(1);
    expect(await acro.getByText(/The east region is needed for the paper/).count()).toBe(1);
    expect(await acro.getByText("Counts of patients by region and sex.").count()).toBe(1);
    expect(await acro.getByText(/ACRO och vår omkontroll är oense/).count()).toBe(1);
    expect(
      await acro.getByRole("listitem").filter({ hasText: "Den underkänner varje överlevnadstabell." }).count(),
    ).toBe(1);
    expect(await acro.locator(".acro-defects li").count()).toBe(5);
    await lookAt(page, "2-checker-crosstab");

    const regression = page.getByRole("region", { name: REGRESSION, exact: true });
    await expect
      .poll(() => regression.locator("ul.checks > li").filter({ hasText: "Residualfrihetsgrader" }).count())
      .toBe(1);
    const regressionAcro = regression.getByRole("region", { name: `ACRO:s kontroller av ${REGRESSION}` });
    expect(await regressionAcro.getByText(/residualfrihetsgraderna lästa ur sammanfattningen/).count()).toBe(1);
    expect(await regressionAcro.getByText(/oense/).count()).toBe(0);
    await page.close();
  });
});
