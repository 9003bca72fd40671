import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { auditEvents, notificationDeliveries, notifications, people } from "../orchestrator/src/db/schema";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const VIEWPORT = { width: 1366, height: 800 };
const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

describe("a person's settings and the operators' notifications in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
    // A webhook that keeps failing, as the sender leaves it: what operators must see.
    const now = new Date();
    const id = randomUUID();
    const { db } = stack.services.database;
    await db.insert(notifications).values({
      id,
      kind: "environment-stuck",
      about: { permitId: "SE-STUCK-1", namespace: "spe-se-stuck-1" },
      createdAt: now,
      expandedAt: now,
    });
    await db.insert(notificationDeliveries).values({
      id: randomUUID(),
      notificationId: id,
      channel: "webhook",
      recipient: "scb-ticketing",
      language: "sv",
      state: "pending",
      attempts: 2,
      nextAttemptAt: new Date(now.getTime() + 120_000),
      lastError: "the webhook answered HTTP 500",
      createdAt: now,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (uiDir) rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("shows operators a notification that is being retried, and why", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    const panel = page.getByRole("region", { name: "Meddelanden" });
    await expect.poll(() => panel.getByRole("row").count()).toBe(2);
    const row = panel.getByRole("row").nth(1);
    expect(await row.textContent()).toContain("Miljö med problem");
    expect(await row.textContent()).toContain("scb-ticketing");
    expect(await row.textContent()).toContain("Försöker igen efter 2 försök");
    expect(await row.textContent()).toContain("the webhook answered HTTP 500");
    expect(await checkPage(page, "settings-1-operator-notifications")).toEqual([]);
    await page.close();
  });

  it("lets an operator keep the package allowlist, refusing a malformed line by its number, each change audited", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    await page.getByRole("link", { name: "Paket" }).click();
    await expect.poll(() => heading(page)).toBe("Paket");
    const box = page.getByLabel("Tillåtna projekt, ett per rad");
    const save = page.getByRole("button", { name: "Spara listan" });
    await box.fill("pandas\nrequests==2.0\nsix");
    await save.click();
    const refused = page.getByRole("list", { name: "Rader att rätta" });
    await expect.poll(() => refused.textContent()).toBe("Rad 2: ”requests==2.0” är inget projektnamn.");
    expect(await page.getByRole("alert").textContent()).toContain("Några rader är inte projektnamn");
    expect(await checkPage(page, "settings-3-package-allowlist-refused")).toEqual([]);
    await box.fill("# statistics\nPandas\nsix");
    await save.click();
    await expect.poll(() => page.getByText("Sparat: 2 tillagda, 0 borttagna.").count()).toBe(1);
    await page.reload();
    await expect.poll(() => box.inputValue()).toBe("pandas\nsix");
    const changes = await stack.services.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "mirror.allowlist-changed"));
    expect(changes.map((e) => [e.actorSubject, e.details])).toEqual([
      ["olof", { added: ["pandas", "six"], removed: [] }],
    ]);
    await page.close();
  });

  it("keeps a person's language and e-mail choice on the server, for every browser they sign in on", async () => {
    const first = await browser.newContext({ viewport: VIEWPORT });
    const page = await first.newPage();
    await signIn(page, stack, "olof");
    await page.getByRole("link", { name: "Inställningar" }).click();
    await expect.poll(() => heading(page)).toBe("Dina inställningar");
    expect(await page.getByText("olof@").count()).toBeGreaterThan(0);
    await page.getByLabel("Språk", { exact: true }).last().selectOption("en");
    await expect.poll(() => heading(page)).toBe("Your settings");
    const email = page.getByLabel("Tell me by e-mail when something happens");
    expect(await email.isChecked()).toBe(true);
    await email.uncheck();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved." }).count()).toBe(1);
    expect(await email.isChecked()).toBe(false);
    expect(await checkPage(page, "settings-2-english")).toEqual([]);
    const [row] = await stack.services.database.db.select().from(people).where(eq(people.subject, "olof"));
    expect(row).toMatchObject({ language: "en", emailNotifications: false });
    await first.close();

    // Another browser, which remembers nothing: English once signed in, because the server does.
    const second = await browser.newContext({ viewport: VIEWPORT });
    const again = await second.newPage();
    await signIn(again, stack, "olof");
    await expect.poll(() => heading(again)).toBe("Hello Olof Operatör");
    await again.goto(`${stack.appUrl}/settings`);
    await expect.poll(() => heading(again)).toBe("Your settings");
    expect(await again.getByLabel("Tell me by e-mail when something happens").isChecked()).toBe(false);
    await second.close();
  });
});
