import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { launchChromium } from "./browser";
import { checkPage } from "./page-check";
import { buildUi } from "./build-ui";
import { signIn } from "./sign-in";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { listEnvironments } from "../orchestrator/src/environments/environment-queries";
import { changeDesiredState } from "../orchestrator/src/environments/lifecycle";

/** A screenshot of the page (e2e/screenshots/) and no serious or critical accessibility problems in it. */
async function lookAt(page: Page, name: string) {
  expect(await checkPage(page, `journey-${name}`)).toEqual([]);
}

describe("the UI in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let permitId: string;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
    permitId = `SE-JOURNEY-${Date.now().toString(36)}`;
    const payload = {
      ...demoPermitPayload(new Date()),
      permitId,
      purpose: { category: "scientific-research" as const, description: "Statiner och stroke" },
    };
    await pushDevPermit(stack.appUrl, payload);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("shows a researcher her environment, its state in words, after signing in", async () => {
    const page = await browser.newPage();
    await signIn(page, stack, "alice");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Hej Alice Andersson");
    const mine = page.getByRole("region", { name: "Mina miljöer" });
    await expect.poll(() => mine.getByText("Statiner och stroke").count()).toBe(1);
    await expect.poll(() => mine.getByText(permitId).count()).toBe(1);
    // Nothing delivered for this permit yet, and the page says so in words.
    await expect.poll(() => mine.getByText("Väntar på data").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole("region", { name: "Drift" }).count()).toBe(0);
    await lookAt(page, "1-researcher-home");

    // Her list is live: a pause made elsewhere reaches this page over its stream, without a reload.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const db = stack.services.database.db;
    const namespace = (await listEnvironments(db)).find((e) => e.permitId === permitId)!.namespace;
    const operator = { subject: "oskar", role: "operator" as const, address: "127.0.0.1" };
    await changeDesiredState(db, namespace, "suspend", new Date(), operator);
    await expect.poll(() => mine.getByText("Pausad", { exact: true }).count(), { timeout: 5_000 }).toBe(1);
    await changeDesiredState(db, namespace, "resume", new Date(), operator);
    await expect.poll(() => mine.getByText("Pausad", { exact: true }).count(), { timeout: 5_000 }).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  });

  it("lets an operator see the API server and pause an environment, with the state updated", async () => {
    const page = await browser.newPage();
    await signIn(page, stack, "olof");
    const operations = page.getByRole("region", { name: "Drift" });
    await expect.poll(() => operations.getByText(/v1\.34\.\d+/).count()).toBe(1);
    const row = operations.getByRole("row").filter({ hasText: permitId });
    await row.getByRole("button", { name: /^Pausa/ }).click();
    const dialog = page.getByRole("dialog", { name: "Pausa miljön?" });
    await dialog.getByLabel("Skäl").fill("Planerat underhåll");
    await dialog.getByRole("button", { name: "Pausa miljön" }).click();
    await expect.poll(() => row.getByText("Pausad", { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => row.getByRole("button", { name: /^Återuppta/ }).count()).toBe(1);
    await lookAt(page, "2-operator-home");
    await page.close();
  });

  it("shows an auditor the operator's pause in the audit log, and an intact chain", async () => {
    const page = await browser.newPage();
    await signIn(page, stack, "ida");
    const log = page.getByRole("region", { name: "Granskningslogg" });
    // The chain is verified against the latest signed checkpoint first, which can take a while on a busy machine.
    await expect.poll(() => log.getByText(/Kedjan är obruten: \d+ händelser/).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole("region", { name: "Drift" }).count()).toBe(0);
    await lookAt(page, "3-auditor-home");
    // The whole log, filtered by the kind of event, in words.
    await log.getByRole("link", { name: "Sök och bläddra i hela granskningsloggen" }).click();
    await page.getByLabel("Typ av händelse").selectOption({ label: "Miljöer" });
    await page.getByRole("button", { name: "Visa" }).click();
    await page.waitForURL(/action=environment\.\*/);
    const row = page.getByRole("row").filter({ hasText: "Miljön pausades" });
    await expect.poll(() => row.filter({ hasText: "olof" }).count(), { timeout: 15_000 }).toBe(1);
    // The filtered page replaces the previous one once the server answers (the old rows stay until then).
    await expect
      .poll(() => page.getByRole("row").filter({ hasText: "Loggade in" }).count(), { timeout: 15_000 })
      .toBe(0);
    await page.goto(stack.appUrl);
    // The printable compliance report of the environment shows the isolation in force.
    await log.getByRole("link", { name: permitId }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Efterlevnadsrapport");
    // Read from the cluster: the policies in force, what they let through, and the namespace's Pod Security level.
    const isolation = page.getByRole("region", { name: /^Isolering/ });
    const facts = async () =>
      Object.fromEntries(
        await isolation
          .locator("dl.facts dt")
          .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
      );
    await expect.poll(facts).toMatchObject({
      "Pod Security-nivå": "restricted",
      "Kan nå internet": "nej",
      "Allt inkommande spärrat utom det som tillåts": "ja",
      "Allt utgående spärrat utom det som tillåts": "ja",
    });
    expect((await facts())["Nätverksregler i kraft"]).toContain("deny-all");
    const access = page.getByRole("region", { name: /^Åtkomst/ });
    expect(
      await access
        .getByRole("table", { name: "Behöriga personer" })
        .getByRole("row")
        .filter({ hasText: "alice" })
        .count(),
    ).toBe(1);
    const logs = page.getByRole("region", { name: /^Identifierbara/ });
    expect(
      await logs.getByRole("row").filter({ hasText: "environment.suspended" }).filter({ hasText: "olof" }).count(),
    ).toBe(1);
    await lookAt(page, "4-compliance-report");
    await page.close();
  });

  it("brings a person who follows a link before signing in back to that page", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.appUrl}/operator/environments`);
    await page.getByRole("link", { name: "Logga in" }).click();
    await page.getByLabel("User name").fill("olof");
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${stack.appUrl}/operator/environments`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Miljöer");
    await page.close();
  });

  it("signs out", async () => {
    const page = await browser.newPage();
    await signIn(page, stack, "alice");
    await page.getByRole("button", { name: "Logga ut" }).click();
    await page.waitForURL(/\/session\/end/);
    await page.goto(stack.appUrl);
    await expect.poll(() => page.getByRole("link", { name: "Logga in" }).count()).toBe(1);
    await lookAt(page, "5-signed-out");
    await page.close();
  });
});
