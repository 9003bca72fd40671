import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpe } from "../orchestrator/test/run-spe";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { recordAuditEvent } from "../orchestrator/src/audit/append-audit-event";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

const EVENTS = 620;
const START = Date.UTC(2026, 10, 2, 6, 0); // 2 November 2026, 07:00 in Stockholm
const alice = { subject: "alice", role: "researcher" as const, address: "127.0.0.1" };
const olof = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };

describe("an auditor's inspection of the whole log", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  const dir = mkdtempSync(join(tmpdir(), "spe-audit-journey-"));

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
    // Ten minutes apart, over four and a half days: alice opens her workspace every fourth time.
    for (let n = 0; n < EVENTS; n++)
      await recordAuditEvent(
        stack.services.database.db,
        n % 4 === 0
          ? { actor: alice, action: "workspace.opened", target: "environment:spe-demo-aaaa" }
          : { actor: olof, action: "environment.suspended", target: `environment:spe-other-${n % 7}`, details: { n } },
        new Date(START + n * 600_000),
      );
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dirname(uiDir), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const download = async (page: Page, link: string, name: string) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
    const path = join(dir, name);
    await file.saveAs(path);
    return path;
  };

  it("pages back through every event, filters by person and day, opens one, exports and verifies it", async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await signIn(page, stack, "ida");
    await page.getByRole("link", { name: "Sök och bläddra i hela granskningsloggen" }).click();
    await page.waitForURL(`${stack.appUrl}/audit`);
    const range = page.getByRole("status").filter({ hasText: /^Händelse \d+ till \d+$/ });
    await expect.poll(() => range.textContent()).toMatch(/^Händelse \d+ till \d+$/);
    expect(await checkPage(page, "audit-trail")).toEqual([]);

    // Fifty a page, back to the first event: more than 500 events, each page found by its sequence.
    let pages = 1;
    for (;;) {
      const older = page.getByRole("link", { name: "Äldre händelser" });
      if ((await older.count()) === 0) break;
      const before = await range.textContent();
      await older.click();
      await expect.poll(() => range.textContent()).not.toBe(before);
      pages += 1;
    }
    const oldest = await range.textContent();
    expect(oldest).toMatch(/^Händelse 1 till \d+$/);
    expect(pages).toBeGreaterThan(EVENTS / 50);
    expect(page.url()).toMatch(/\?before=\d+$/);
    await page.getByRole("link", { name: "Nyare händelser" }).click();
    await expect.poll(() => range.textContent()).not.toBe(oldest);
    expect(page.url()).toMatch(/\?after=\d+$/);

    // alice on 3 November (Stockholm): the day is n = 102 to 245, and every fourth event hers (104 to 244).
    await page.getByLabel("Person (som agerade eller berördes)").fill("alice");
    await page.getByLabel("Från datum").fill("2026-11-03");
    await page.getByLabel("Till datum").fill("2026-11-03");
    await page.getByRole("button", { name: "Visa" }).click();
    await page.waitForURL(/person=alice&from=2026-11-03&to=2026-11-03$/);
    const rows = page.getByRole("table").getByRole("row");
    await expect.poll(() => rows.count()).toBe(37); // 36 events and the heading
    expect(await page.getByRole("table").getByText("olof").count()).toBe(0);
    expect(await page.getByRole("table").getByText("Arbetsytan öppnades").count()).toBe(36);
    // The day's first and last events, in Stockholm's time with its offset.
    await expect.poll(() => page.getByText("2026-11-03 23:40:00 +01:00").count()).toBe(1);
    await expect.poll(() => page.getByText("2026-11-03 00:20:00 +01:00").count()).toBe(1);
    expect(await checkPage(page, "audit-trail-filtered")).toEqual([]);

    // An event's page: what, who, and its links to the events before and after it.
    const first = rows.nth(1).getByRole("link");
    const sequence = Number(await first.textContent());
    await first.click();
    await page.waitForURL(`${stack.appUrl}/audit/events/${sequence}`);
    await expect
      .poll(() => page.getByRole("heading", { name: `Händelse ${sequence} i granskningsloggen` }).count())
      .toBe(1);
    // The heading is drawn from the address at once; the event itself arrives after it.
    await expect.poll(() => page.getByText("Arbetsytan öppnades").count()).toBe(1);
    expect(await page.getByText("länkad", { exact: false }).count()).toBe(2);
    expect(await page.getByText("Händelsens innehåll ger dess hash: den är som den skrevs.").count()).toBe(1);
    expect(await checkPage(page, "audit-event")).toEqual([]);
    await page.goBack();
    await expect.poll(() => rows.count()).toBe(37);

    // The filtered result and the whole log, as the auditor downloads them.
    const filtered = await download(page, "CSV", "alice.csv");
    await page.getByRole("button", { name: "Rensa filtret" }).click();
    await page.waitForURL(`${stack.appUrl}/audit`);
    const full = await download(page, "JSON Lines", "full.jsonl");
    expect(readFileSync(filtered, "utf8").trimEnd().split("\n")).toHaveLength(2 + 36);

    const keys = join(dir, "keys.json");
    writeFileSync(keys, await (await fetch(`${stack.appUrl}/.well-known/spe-signing-keys.json`)).text());
    const spe = (...args: string[]) =>
      runSpe(["audit", "verify", "--checkpoint-keys", keys, ...args], { isolate: ["DATABASE_URL", "DATA_DIR"] });
    const whole = await spe("--export", full);
    expect(whole.stdout).toMatch(/^Intact: the full export .* holds \d+ audit events, every link intact/);
    expect(whole.code).toBe(0);
    const matched = await spe("--export", filtered, "--against", full);
    expect(matched.stdout).toMatch(/filtered export of 36 events/);
    expect(matched.stdout).toMatch(/Matched in the chain, same sequence and hash: events [\d, ]+\./);
    expect(matched.stdout).not.toMatch(/Not matched/);
    expect(matched.code).toBe(0);
    await page.close();
  });
});
