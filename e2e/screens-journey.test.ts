import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { exportFiles, exportRequests } from "../orchestrator/src/db/schema";
import { namespaceFor } from "../orchestrator/src/environments/namespace-name";
import { changeDesiredState } from "../orchestrator/src/environments/lifecycle";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

/** A common phone's viewport (390 × 844 CSS pixels). */
const PHONE = { width: 390, height: 844 };
const REQUEST_TITLE = "Strokeincidens per län";
const ENDED_PURPOSE = "Hjärtsvikt efter covid-19";
const TEARDOWN_REASON = "Projektet avslutades i förtid";
/** A title with a right-to-left override (U+202E) and no end to it: the text after it must not turn round. */
const REVERSING_TITLE = "Tabell \u202Evsc.lanif";

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

/** What would make a phone's reader scroll sideways, or leave the way out of the header off-screen. */
async function fitsTheScreen(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const signOut = Array.from(document.querySelectorAll("header button")).find((b) =>
      /Logga ut|Sign out/.test(b.textContent!),
    );
    const box = signOut?.getBoundingClientRect();
    // The outermost elements that reach past the screen's right edge, named so that a failure says where.
    const tooWide = Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= root.clientWidth + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join(".")}`);
    return {
      scrollsSideways: root.scrollWidth > root.clientWidth ? tooWide : false,
      signOutOnScreen: box ? box.left >= 0 && box.right <= root.clientWidth : "no sign-out button",
    };
  });
}

/** The page's screenshot is saved, and it fits a phone with no serious or critical accessibility problem. */
async function lookAtOnAPhone(page: Page, name: string) {
  await page.evaluate(async () => void (await document.fonts.ready));
  const problems = await checkPage(page, `small-${name}`);
  expect(await fitsTheScreen(page)).toEqual({ scrollsSideways: false, signOutOnScreen: true });
  expect(problems).toEqual([]);
}

describe("every role's pages on a phone, and the frame every page shares, in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  let permitId: string;
  const contexts: BrowserContext[] = [];

  async function phone(user: string, viewport = PHONE): Promise<Page> {
    const context = await browser.newContext({ viewport, isMobile: viewport === PHONE, hasTouch: viewport === PHONE });
    contexts.push(context);
    const page = await context.newPage();
    // Under load a step may be slow, but one that never ends should fail and say which it was.
    page.setDefaultTimeout(20_000);
    await signIn(page, stack, user);
    return page;
  }

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
    permitId = `SE-SMALL-${Date.now().toString(36)}`;
    await pushDevPermit(stack.appUrl, {
      ...demoPermitPayload(new Date()),
      permitId,
      purpose: { category: "scientific-research", description: "Statiner och stroke i Västra Götalandsregionen" },
    });
    // An environment of alice's that an operator has ended, with their reason.
    const ended = `SE-ENDED-${Date.now().toString(36)}`;
    await pushDevPermit(stack.appUrl, {
      ...demoPermitPayload(new Date()),
      permitId: ended,
      purpose: { category: "scientific-research", description: ENDED_PURPOSE },
    });
    const operator = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };
    await changeDesiredState(
      stack.services.database.db,
      namespaceFor(ended),
      "teardown",
      new Date(),
      operator,
      TEARDOWN_REASON,
    );
    // A request under review by someone outside the checkers, so that the checkers' queue has a row to show.
    const now = new Date();
    const { db } = stack.services.database;
    const id = `req-${permitId.toLowerCase()}`;
    await db.insert(exportRequests).values({
      id,
      permitId,
      namespace: namespaceFor(permitId),
      requester: "alice",
      title: REQUEST_TITLE,
      justification: "Aggregerade tal per län för artikeln.",
      state: "submitted",
      profile: "default",
      reviewersRequired: 2,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
    });
    await db.insert(exportRequests).values({
      id: `${id}-rtl`,
      permitId,
      namespace: namespaceFor(permitId),
      requester: "alice",
      title: REVERSING_TITLE,
      justification: "En titel som vänder text.",
      state: "submitted",
      profile: "default",
      reviewersRequired: 2,
      createdAt: new Date(now.getTime() - 60_000),
      updatedAt: now,
      submittedAt: new Date(now.getTime() - 60_000),
    });
    for (const requestId of [id, `${id}-rtl`])
      await db.insert(exportFiles).values({
        requestId,
        path: "tabeller/per-lan-med-ett-langt-filnamn-som-inte-far-plats.csv",
        version: 1,
        current: true,
        type: "frequency",
        size: 120,
        sha256: "0".repeat(64),
        checkStatus: "pass",
        decision: "pending",
        addedAt: now,
      });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
    if (uiDir) rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("a researcher's start page and export requests", async () => {
    const page = await phone("alice");
    await expect.poll(() => heading(page)).toBe("Hej Alice Andersson");
    await expect.poll(() => page.getByText(permitId).count()).toBe(1);
    // The ended environment below the running one, saying when and why, and nothing of data it waits for.
    const ended = page.getByRole("region", { name: "Avslutade miljöer" }).getByRole("listitem");
    await expect.poll(() => ended.count()).toBe(1);
    expect(await ended.textContent()).toMatch(
      new RegExp(`^${ENDED_PURPOSE}.*Driften avvecklade miljön .*2026.*Driftens skäl: ${TEARDOWN_REASON}`),
    );
    expect(await ended.textContent()).not.toMatch(/väntar|Öppna arbetsytan/i);
    const order = await page.getByText(/Statiner och stroke|Hjärtsvikt/).allTextContents();
    expect(order).toEqual(["Statiner och stroke i Västra Götalandsregionen", ENDED_PURPOSE]);
    await lookAtOnAPhone(page, "1-researcher-home");
    await page.getByRole("link", { name: "Mina exportförfrågningar" }).click();
    await expect.poll(() => heading(page)).toBe("Mina exportförfrågningar");
    await lookAtOnAPhone(page, "2-researcher-exports");
  });

  it("an operator's start page and environments", async () => {
    const page = await phone("olof");
    await expect.poll(() => heading(page)).toBe("Hej Olof Operatör");
    const operations = page.getByRole("region", { name: "Drift" });
    await expect.poll(() => operations.getByRole("row").filter({ hasText: permitId }).count()).toBe(1);
    await lookAtOnAPhone(page, "3-operator-home");
    await page.goto(`${stack.appUrl}/operator/environments`);
    await expect.poll(() => heading(page)).toBe("Miljöer");
    await expect.poll(() => page.getByRole("row").filter({ hasText: permitId }).count()).toBe(1);
    await lookAtOnAPhone(page, "4-operator-environments");
  });

  it("an output checker's queue", async () => {
    const page = await phone("karin");
    await expect.poll(() => heading(page)).toBe("Hej Karin Kontrollant");
    await expect.poll(() => page.getByRole("link", { name: REQUEST_TITLE }).count()).toBe(1);
    await lookAtOnAPhone(page, "5-checker-home");
  });

  it("an auditor's start page and the audit trail", async () => {
    const page = await phone("ida");
    await expect.poll(() => heading(page)).toBe("Hej Ida Inspektör");
    const start = page.getByRole("region", { name: "Granskningslogg" });
    await expect.poll(() => start.getByRole("listitem").count()).toBeGreaterThan(0);
    await lookAtOnAPhone(page, "6-auditor-home");
    await start.getByRole("link", { name: "Sök och bläddra i hela granskningsloggen" }).click();
    await expect.poll(() => page.getByRole("row").count()).toBeGreaterThan(1);
    await lookAtOnAPhone(page, "6-auditor-trail");
  });

  it("names each page in its tab, and says so when an address has no page", async () => {
    const page = await phone("alice");
    await expect.poll(() => heading(page)).toBe("Hej Alice Andersson");
    await expect.poll(() => page.title()).toBe("Hej Alice Andersson · SPE — säker behandlingsmiljö");
    await page.goto(`${stack.appUrl}/no/such/page`);
    await expect.poll(() => heading(page)).toBe("Sidan finns inte");
    await expect.poll(() => page.title()).toBe("Sidan finns inte · SPE — säker behandlingsmiljö");
    expect(await page.getByText("/no/such/page").count()).toBe(1);
    await lookAtOnAPhone(page, "7-not-found");
    await page.getByRole("link", { name: "Till startsidan" }).click();
    await expect.poll(() => heading(page)).toBe("Hej Alice Andersson");
    await page.goto(`${stack.appUrl}/exports`);
    await expect.poll(() => page.title()).toBe("Mina exportförfrågningar · SPE — säker behandlingsmiljö");
  });

  it("lets a keyboard skip the header, and serves its mark and typeface from its own origin", async () => {
    const page = await phone("alice");
    await expect.poll(() => heading(page)).toBe("Hej Alice Andersson");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Hoppa till innehållet");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");

    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    const mark = await page.request.get(new URL(icon!, stack.appUrl).href);
    expect([mark.status(), mark.headers()["content-type"]]).toEqual([200, "image/svg+xml"]);
    await page.evaluate(() => document.fonts.ready);
    const fonts = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((r) => r.name)
        .filter((name) => /\.woff2?(\?|$)/.test(name)),
    );
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((url) => !url.startsWith(`${stack.appUrl}/`))).toEqual([]);
    expect(await page.evaluate(() => document.fonts.check('1rem "Inter Variable"'))).toBe(true);
  });

  it("returns focus to the button that opened a dialog once it is done", async () => {
    const page = await phone("olof");
    await page.goto(`${stack.appUrl}/operator/environments/${namespaceFor(permitId)}`);
    const pause = page.getByRole("button", { name: "Pausa", exact: true });
    await pause.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Pausa miljön?" });
    await dialog.getByLabel("Skäl").fill("Planerat underhåll");
    await dialog.getByRole("button", { name: "Pausa miljön" }).press("Enter");
    await expect.poll(() => dialog.count()).toBe(0);
    // The same button, now to resume: the person goes on from where they were.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: 10_000 })
      .toBe("Återuppta");
    await lookAtOnAPhone(page, "8-operator-environment");
  });

  it("keeps the text after a title with a right-to-left override the right way round", async () => {
    const page = await phone("kalle", { width: 1366, height: 800 });
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: REVERSING_TITLE }) });
    await expect.poll(() => row.count()).toBe(1);
    // Isolated, the title turns only itself round: its state still follows it, to its right, as in every other row.
    const title = await row.getByRole("link").boundingBox();
    const state = await row.getByText("Inskickad", { exact: true }).boundingBox();
    expect(state!.x).toBeGreaterThanOrEqual(title!.x + title!.width);
    expect(await checkPage(page, "small-9-reversing-title")).toEqual([]);
  });
});
