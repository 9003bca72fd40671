import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { namespaceFor } from "../orchestrator/src/environments/namespace-name";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { searchAuditEvents } from "../orchestrator/src/audit/search-audit-events";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const VIEWPORT = { width: 1366, height: 800 };

// Storage dear enough that a budget of one krona is spent within seconds of the environment's creation.
const PRICES = `currency: SEK
prices:
  - from: 2026-01-01T00:00:00Z
    cpuHour: 0.4
    memoryGiBHour: 0.05
    storageGiBHour: 100
`;

describe("costs and budgets in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  let pricesDir: string;
  const permitId = `SE-COST-${Date.now().toString(36)}`;
  const namespace = namespaceFor(permitId);

  beforeAll(async () => {
    uiDir = await buildUi();
    pricesDir = mkdtempSync(join(tmpdir(), "spe-prices-"));
    writeFileSync(join(pricesDir, "prices.yaml"), PRICES);
    stack = await startStack({ PRICE_LIST_FILE: join(pricesDir, "prices.yaml") }, { uiDir });
    browser = await launchChromium();
    await pushDevPermit(stack.appUrl, { ...demoPermitPayload(new Date()), permitId });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (uiDir) rmSync(dirname(uiDir), { recursive: true, force: true });
    if (pricesDir) rmSync(pricesDir, { recursive: true, force: true });
  });

  const signedIn = async (user: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, user);
    return page;
  };

  it("shows operators each environment's cost so far, and sets a budget with a reason, audited", async () => {
    const page = await signedIn("olof");
    await page.goto(`${stack.appUrl}/operator/environments?q=${permitId}`);
    const table = page.getByRole("table", { name: "Behandlingsmiljöer" });
    await expect.poll(() => table.getByRole("columnheader", { name: "Kostnad hittills" }).count()).toBe(1);
    const row = table.getByRole("row").filter({ hasText: permitId });
    await expect.poll(async () => /\d+,\d\d\s*kr/.test((await row.textContent()) ?? "")).toBe(true);

    await page.goto(`${stack.appUrl}/operator/environments/${namespace}`);
    const card = page.getByRole("region", { name: "Kostnad" });
    await expect.poll(() => card.getByText("Hittills", { exact: true }).count()).toBe(1);
    await expect.poll(() => card.getByText("En arbetsyta, per timme den körs").count()).toBe(1);
    const form = card.getByRole("form", { name: "Sätt en budget" });
    await form.getByLabel("Belopp (SEK)").fill("1");
    // Not without a reason: it goes into the audit log.
    expect(await form.getByRole("button", { name: "Spara budgeten" }).isDisabled()).toBe(true);
    await form.getByLabel("Skäl").fill("Överenskommet med HDAB");
    await form.getByRole("button", { name: "Spara budgeten" }).click();
    // Storage at 100 kr an hour has spent the one krona already: the banner says so.
    await expect
      .poll(() => card.getByRole("status").textContent(), { timeout: 10_000 })
      .toMatch(/Hela budgeten på 1,00\s*kr är förbrukad/);
    await expect.poll(() => card.getByText(/satt av olof/).count()).toBe(1);
    expect(await checkPage(page, "cost-1-environment")).toEqual([]);
    const events = await searchAuditEvents(stack.services.database.db, {
      action: "permit.budget-set",
      target: `permit:${permitId}`,
      limit: 10,
    });
    expect(events.map((e) => [e.actor.subject, e.details])).toEqual([
      ["olof", { amount: 1, currency: "SEK", reason: "Överenskommet med HDAB" }],
    ]);
    await page.close();
  });

  it("shows the permit's researchers what it costs, open for the principal investigator, in English too", async () => {
    const alice = await signedIn("alice");
    const cost = alice.locator("details.environment-cost");
    await expect.poll(() => cost.getAttribute("open")).toBe("");
    await expect.poll(async () => (await cost.locator("summary").textContent()) ?? "").toMatch(/^Kostnad hittills: /);
    await expect.poll(() => alice.getByText(/Hela budgeten på 1,00\s*kr är förbrukad/).count()).toBe(1);
    await alice.getByLabel("Språk").selectOption("en");
    await expect
      .poll(async () => (await cost.locator("summary").textContent()) ?? "")
      .toMatch(/^Cost so far: SEK\s*\d+\.\d\d$/);
    expect(await checkPage(alice, "cost-2-researcher")).toEqual([]);
    await alice.getByLabel("Language").selectOption("sv");
    await alice.close();

    const bob = await signedIn("bob");
    await expect.poll(() => bob.locator("details.environment-cost").count()).toBe(1);
    expect(await bob.locator("details.environment-cost").getAttribute("open")).toBeNull();
    await bob.close();
  });
});
