import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { DEMO_DATA_HOLDER } from "../orchestrator/src/auth/demo-accounts";
import { synthRegisterCsv } from "../orchestrator/src/datasets";
import { exportRequests } from "../orchestrator/src/db/schema";
import { namespaceFor } from "../orchestrator/src/environments/namespace-name";
import { receiveDelivery } from "../orchestrator/src/deliveries/receive-delivery";
import { startDelivery } from "../orchestrator/src/deliveries/start-delivery";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { devHdabPrivateKey } from "../orchestrator/src/permits/dev-hdab";
import { signPermit } from "../orchestrator/src/permits/sign-permit";
import { launchChromium } from "./browser";
import { checkPage } from "./page-check";
import { buildUi } from "./build-ui";
import { signIn } from "./sign-in";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { openWorkspace } from "../orchestrator/test/workspace-host";
import { searchAuditEvents } from "../orchestrator/src/audit/search-audit-events";

/** A laptop's viewport, to see the pages as most people will. */
const VIEWPORT = { width: 1366, height: 800 };
const DELIVERED_ROWS = 2_000;

/** A screenshot of the page (e2e/screenshots/) and no serious or critical accessibility problems in it. */
async function lookAt(page: Page, name: string) {
  expect(await checkPage(page, `operator-${name}`)).toEqual([]);
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

describe("the operators' pages in a real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  const suffix = Date.now().toString(36);
  const deliveredPermit = `SE-DELIVERED-${suffix}`;
  const uploadedPermit = `SE-UPLOADED-${suffix}`;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
    const { db } = stack.services.database;
    const now = new Date();

    // A permit from the HDAB's push, and the demo data holder's synthetic extract for it through the real pipeline.
    await pushDevPermit(stack.appUrl, { ...demoPermitPayload(now), permitId: deliveredPermit });
    const holder = { subject: DEMO_DATA_HOLDER.clientId, role: "data-holder", address: null } as const;
    const { id } = await startDelivery(
      db,
      { permitId: deliveredPermit, dataset: { id: "patientregistret", version: "2026-09" } },
      holder,
      stack.services.deliveries.catalogue,
    );
    await receiveDelivery(
      db,
      stack.services.deliveries,
      id,
      Readable.from(synthRegisterCsv({ rows: DELIVERED_ROWS, seed: 7 })),
      holder,
    );

    // One decided export request, so that the review turnaround has something to show.
    const submittedAt = new Date(now.getTime() - 5 * 3_600_000);
    await db.insert(exportRequests).values({
      id: randomUUID(),
      permitId: deliveredPermit,
      namespace: namespaceFor(deliveredPermit),
      requester: "alice",
      title: "Tabell 1",
      justification: "Antal per region.",
      state: "released",
      profile: "default",
      reviewersRequired: 2,
      createdAt: submittedAt,
      updatedAt: now,
      submittedAt,
      decidedAt: new Date(submittedAt.getTime() + 2 * 3_600_000),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (uiDir) rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("switches to English and back, remembered across a reload, with <html lang> following", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    await expect.poll(() => heading(page)).toBe("Hej Olof Operatör");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("sv");

    await page.getByLabel("Språk").selectOption("en");
    await expect.poll(() => heading(page)).toBe("Hello Olof Operatör");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(
      await page.getByRole("region", { name: "Operations" }).getByRole("button", { name: "Suspend" }).count(),
    ).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await lookAt(page, "1-home-english");

    await page.reload();
    await expect.poll(() => heading(page)).toBe("Hello Olof Operatör");
    await page.getByLabel("Language").selectOption("sv");
    await expect.poll(() => heading(page)).toBe("Hej Olof Operatör");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("sv");
    // The tab is titled by the page's heading, in the language chosen.
    await expect.poll(() => page.title()).toBe("Hej Olof Operatör · SPE — säker behandlingsmiljö");
    await page.close();
  });

  it("shows a refused permit's errors field by field, then sees an accepted one's environment appear and change live", async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const watcher = await context.newPage();
    await signIn(watcher, stack, "olof");
    await watcher.goto(`${stack.appUrl}/operator/environments`);
    await expect.poll(() => watcher.getByRole("status").filter({ hasText: "Uppdateras live" }).count()).toBe(1);
    // Marks this page: a reload would lose it, so the row below can only have come over the live stream.
    await watcher.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const uploader = await context.newPage();
    await uploader.goto(`${stack.appUrl}/operator/permits`);
    await expect.poll(() => heading(uploader)).toBe("Beslut");
    const good = {
      ...demoPermitPayload(new Date()),
      permitId: uploadedPermit,
      purpose: { category: "scientific-research" as const, description: "Uppladdat beslut" },
    };
    const bad = {
      ...good,
      environment: { ...good.environment, memory: "lots" },
      authorisedPersons: [{ ...good.authorisedPersons[0]!, email: "not-an-email" }],
    };
    const box = uploader.getByLabel("…eller klistra in det signerade beslutet");
    await box.fill(await signPermit(bad, devHdabPrivateKey()));
    await uploader.getByRole("button", { name: "Förhandsgranska beslutet" }).click();
    const fields = uploader.getByRole("table", { name: /Fel i beslutets fält/ });
    // In Swedish, the permit named by its id and each field by its label (its path beside it, for the HDAB).
    await expect
      .poll(() => fields.getByRole("rowheader").allTextContents())
      .toEqual(
        expect.arrayContaining([
          "Miljöns minne environment.memory",
          "Behörig persons e-post authorisedPersons[0].email",
        ]),
      );
    expect(await fields.getByRole("row").filter({ hasText: "Miljöns minne" }).getByRole("cell").textContent()).toBe(
      "har fel form: en storlek i Mi, Gi eller Ti (”16Gi”)",
    );
    expect(await fields.getByRole("row").filter({ hasText: "e-post" }).getByRole("cell").textContent()).toBe(
      "är ingen giltig e-postadress",
    );
    expect(await uploader.getByRole("alert").filter({ has: fields }).textContent()).toMatch(
      new RegExp(`^Beslutet ${uploadedPermit} togs inte emot\\. Beslutet har fel i sina fält\\.`),
    );
    expect(await box.getAttribute("aria-invalid")).toBe("true");
    await lookAt(uploader, "2-permit-refused");
    expect(await watcher.getByRole("row").filter({ hasText: uploadedPermit }).count()).toBe(0);

    await box.fill(await signPermit(good, devHdabPrivateKey()));
    await uploader.getByRole("button", { name: "Förhandsgranska beslutet" }).click();
    // Read before it is accepted: what it grants, to whom, and what accepting it does; nothing is made yet.
    const preview = uploader.getByRole("region", { name: "Förhandsgranskning av beslutet" });
    await expect.poll(() => preview.getByText("Uppladdat beslut").count()).toBe(1);
    expect(await preview.getByText(/^Tas beslutet emot skapas miljön spe-/).count()).toBe(1);
    expect(await preview.getByText(good.authorisedPersons[0]!.name).count()).toBeGreaterThan(0);
    expect(await preview.getByText("patientregistret@2026-09").count()).toBe(1);
    expect(await watcher.getByRole("row").filter({ hasText: uploadedPermit }).count()).toBe(0);
    await lookAt(uploader, "2b-permit-preview");
    await preview.getByRole("button", { name: "Ta emot beslutet" }).click();
    await expect
      .poll(() =>
        uploader
          .getByRole("status")
          .filter({ hasText: `Beslutet ${uploadedPermit} är mottaget` })
          .count(),
      )
      .toBe(1);
    expect(await fields.count()).toBe(0);

    const row = watcher.getByRole("row").filter({ hasText: uploadedPermit });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    // Nothing was delivered for it: the reconciler's condition reaches the page over the same stream.
    await expect.poll(() => row.getByText("Väntar på data", { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(await row.getByText("Nätverket är isolerat").count()).toBe(1);
    expect(await watcher.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await lookAt(watcher, "3-environments-live");

    // Suspending asks first; Cancel changes nothing, confirming does, and the page shows it without a reload.
    await row.getByRole("button", { name: /^Pausa/ }).click();
    const dialog = watcher.getByRole("dialog", { name: "Pausa miljön?" });
    // The reason has the focus (nothing can be confirmed without one), and Escape leaves like Cancel does.
    await expect.poll(() => dialog.getByLabel("Skäl").evaluate((field) => field === document.activeElement)).toBe(true);
    await watcher.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await row.getByText("Väntar på data", { exact: true }).count()).toBe(1);
    await row.getByRole("button", { name: /^Pausa/ }).click();
    // Not without a reason: it goes into the audit log.
    const confirm = dialog.getByRole("button", { name: "Pausa miljön" });
    expect(await confirm.isDisabled()).toBe(true);
    // A reason the server refuses is said in Swedish, its field by its label, and nothing is paused.
    await dialog.getByLabel("Skäl").fill("Underhåll\u0007 av noden");
    await confirm.click();
    await expect
      .poll(() => dialog.getByRole("alert").textContent())
      .toBe("Fältet ”Skäl” innehåller ett styrtecken (till exempel NUL). Ta bort det och skicka igen.");
    await lookAt(watcher, "3b-reason-refused");
    await dialog.getByLabel("Skäl").fill("Underhåll av noden");
    await confirm.click();
    await expect.poll(() => row.getByText("Pausad", { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await watcher.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Filter and sort find it among the others.
    await watcher.getByLabel("Läge").selectOption("paused");
    await expect.poll(() => watcher.getByRole("row").filter({ hasText: deliveredPermit }).count()).toBe(0);
    expect(await row.count()).toBe(1);
    await watcher.getByLabel("Läge").selectOption("all");
    await watcher.getByRole("searchbox", { name: "Sök" }).fill("uppladdat");
    await expect.poll(() => watcher.getByText(/^1 av \d+ miljöer$/).count()).toBe(1);
    await context.close();
  });

  it("filters the table through the URL, opens an environment's page and pauses it with a reason, which the audit log keeps", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    await page.goto(`${stack.appUrl}/operator/environments?q=${deliveredPermit}&sort=since`);
    const table = page.getByRole("table", { name: "Behandlingsmiljöer" });
    const row = table.getByRole("row").filter({ hasText: deliveredPermit });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    // The page reads its filter from the URL: one row, the search box and the sort say so.
    expect(await table.getByRole("row").count()).toBe(2);
    expect(await page.getByRole("searchbox", { name: "Sök" }).inputValue()).toBe(deliveredPermit);
    expect(await page.getByLabel("Sortera").inputValue()).toBe("since");
    expect(await page.getByText(/^Sida 1 av 1$/).count()).toBe(1);
    // The conditions are behind an expander.
    await row.getByText(/^\d+ villkor$/).click();
    expect(await row.getByText("Nätverket är isolerat").count()).toBe(1);
    await lookAt(page, "7-environments-filtered");

    await row.getByRole("link", { name: deliveredPermit }).click();
    const namespace = namespaceFor(deliveredPermit);
    await expect.poll(() => heading(page), { timeout: 15_000 }).toBe(`Miljön ${namespace}`);
    expect(new URL(page.url()).pathname).toBe(`/operator/environments/${namespace}`);
    const persons = page.getByRole("region", { name: "Personer och arbetsytor" });
    await expect
      .poll(() => persons.getByRole("rowheader").filter({ hasText: "alice" }).count(), { timeout: 15_000 })
      .toBe(1);
    const deliveriesHere = page.getByRole("region", { name: "Leveranser" });
    expect(await deliveriesHere.getByRole("rowheader").allTextContents()).toEqual(["patientregistret@2026-09"]);
    expect(await page.getByRole("region", { name: "Exportförfrågningar" }).getByText("Tabell 1").count()).toBe(1);
    expect(await page.getByRole("region", { name: "Villkor över tid" }).getByRole("row").count()).toBeGreaterThan(1);

    const reason = "Incident 42: misstänkt läcka utreds";
    await page.getByRole("region", { name: "Läge" }).getByRole("button", { name: "Pausa" }).click();
    const dialog = page.getByRole("dialog", { name: "Pausa miljön?" });
    await dialog.getByLabel("Skäl").fill(reason);
    await dialog.getByRole("button", { name: "Pausa miljön" }).click();
    await expect
      .poll(() => page.getByRole("region", { name: "Läge" }).getByText("Pausad", { exact: true }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    // The page's audit trail shows the pause with its reason, as the audit log holds it.
    const trail = page.getByRole("region", { name: "Granskningslogg" });
    const paused = trail.getByRole("row").filter({ hasText: "environment.suspended" });
    await expect
      .poll(() => paused.filter({ hasText: reason }).filter({ hasText: "olof" }).count(), { timeout: 15_000 })
      .toBe(1);
    const [event] = await searchAuditEvents(stack.services.database.db, {
      target: `environment:${namespace}`,
      action: "environment.suspended",
      limit: 1,
    });
    expect(event).toMatchObject({ actor: { subject: "olof", role: "operator" }, details: { reason } });
    await lookAt(page, "8-environment-page");

    // Back in the table, filtered through the URL to the paused: there it is, and a reload keeps the filter.
    await page.goto(`${stack.appUrl}/operator/environments?state=paused&q=${suffix}`);
    await expect
      .poll(() => table.getByRole("row").filter({ hasText: deliveredPermit }).count(), { timeout: 15_000 })
      .toBe(1);
    await page.reload();
    await expect
      .poll(() => table.getByRole("row").filter({ hasText: deliveredPermit }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.getByLabel("Läge").inputValue()).toBe("paused");
    // Resumed in bulk, for the tests after this one: chosen by its box, and gone from the paused.
    await table.getByRole("checkbox", { name: `Välj ${deliveredPermit}` }).check();
    await page.getByRole("button", { name: "Återuppta 1 vald" }).click();
    await expect
      .poll(() => table.getByRole("row").filter({ hasText: deliveredPermit }).count(), { timeout: 15_000 })
      .toBe(0);
    await page.close();
  });

  it("shows the data holder's delivery with its state, rows, size and progress", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    await page.getByRole("navigation", { name: "Drift" }).getByRole("link", { name: "Leveranser" }).click();
    await expect.poll(() => heading(page)).toBe("Leveranser");
    const row = page.getByRole("row").filter({ hasText: deliveredPermit });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole("rowheader").textContent()).toBe("patientregistret@2026-09");
    expect(await row.getByText("På plats", { exact: true }).count()).toBe(1);
    expect((await row.getByRole("cell").nth(3).textContent())?.replace(/\s/g, "")).toBe(String(DELIVERED_ROWS));
    expect(await row.getByRole("cell").nth(4).textContent()).toMatch(/\d+(,\d)? kB/);
    const progress = row.getByRole("progressbar", { name: "Förlopp för patientregistret@2026-09" });
    expect(await progress.evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([3, 3]);
    expect(await row.getByText(DEMO_DATA_HOLDER.clientId).count()).toBe(1);
    await lookAt(page, "4-deliveries");
    await page.close();
  });

  it("shows the researcher the delivered dataset of her environment, with its rows and columns, and a way into the workspace", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "alice");
    const mine = page.getByRole("region", { name: "Mina miljöer" });
    const environment = mine.getByRole("listitem").filter({ hasText: deliveredPermit }).first();
    await expect
      .poll(() => environment.getByText(/patientregistret@2026-09/).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => environment.getByText(/2\s000 rader/).count(), { timeout: 15_000 }).toBe(1);
    await environment.getByText(/\d+ kolumner/).click();
    const columns = environment.getByRole("table", { name: "Kolumner i patientregistret" });
    // The personnummer arrives only as its pseudonym, and a dropped column not at all.
    await expect.poll(() => columns.getByText(/^pseudonym för /).count()).toBeGreaterThan(0);
    const workspace = environment.getByRole("link", { name: /^Öppna arbetsytan för / });
    expect(await workspace.getAttribute("href")).toMatch(/^\/workspaces\/spe-[a-z0-9-]+\/$/);
    await lookAt(page, "6-researcher-datasets");
    await page.close();
  });

  it("shows a researcher her workspace's state beside the open button, and an operator who runs what, with a stop", async () => {
    const namespace = namespaceFor(deliveredPermit);
    const researcher = await browser.newPage({ viewport: VIEWPORT });
    await signIn(researcher, stack, "alice");
    const environment = researcher
      .getByRole("region", { name: "Mina miljöer" })
      .getByRole("listitem")
      .filter({ hasText: deliveredPermit })
      .first();
    const state = environment.getByRole("status");
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).toMatch(/^Din arbetsyta: Stoppad /);
    // She opens it (as her browser would follow the button): no node runs it here, so it stays starting.
    await (await openWorkspace(await stack.signIn("alice"), stack.appUrl, namespace)).res.text();
    await researcher.reload();
    await expect.poll(() => state.textContent(), { timeout: 15_000 }).toMatch(/^Din arbetsyta: Startar Just nu: /);
    await lookAt(researcher, "9-researcher-workspace-starting");

    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "olof");
    await page.goto(`${stack.appUrl}/operator/environments/${namespace}`);
    const workspaces = page.getByRole("region", { name: "Arbetsytor", exact: true });
    const alice = workspaces.getByRole("row").filter({ hasText: "alice" });
    await expect.poll(() => alice.getByRole("cell").first().textContent(), { timeout: 15_000 }).toBe("Startar");
    await lookAt(page, "10-environment-workspaces");
    await alice.getByRole("button", { name: /^Stoppa .*s arbetsyta$/ }).click();
    const dialog = page.getByRole("dialog", { name: /^Stoppa .*s arbetsyta$/ });
    const reason = "Nodens minne tar slut";
    await dialog.getByLabel("Skäl").fill(reason);
    await lookAt(page, "11-stop-workspace");
    await dialog.getByRole("button", { name: "Stoppa arbetsytan" }).click();
    await expect.poll(() => alice.getByRole("cell").first().textContent(), { timeout: 15_000 }).toBe("Stoppad");
    expect(await alice.getByText(reason).count()).toBe(1);
    const [event] = await searchAuditEvents(stack.services.database.db, {
      target: `environment:${namespace}`,
      action: "workspace.stopped-by-operator",
      limit: 1,
    });
    expect(event).toMatchObject({ actor: { subject: "olof", role: "operator" }, details: { reason } });
    // Her start page says who stopped it and why, and that her files are kept.
    await researcher.reload();
    await expect
      .poll(() => state.textContent(), { timeout: 15_000 })
      .toMatch(
        new RegExp(`^Din arbetsyta: Stoppad Driften stoppade den .*: ”${reason}”\\. .*dina filer finns kvar\\.$`),
      );
    await researcher.close();
    await page.close();
  });

  it("draws the charts, loaded only when the statistics page is opened", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await signIn(page, stack, "olof");
    await expect.poll(() => heading(page)).toBe("Hej Olof Operatör");
    expect(scripts.filter((s) => /chart/i.test(s))).toEqual([]);

    await page.getByRole("navigation", { name: "Drift" }).getByRole("link", { name: "Statistik" }).click();
    const environments = page.getByRole("region", { name: /Miljöer per läge/ });
    await expect
      .poll(() => environments.locator("svg.recharts-surface path.recharts-area-area").count(), { timeout: 15_000 })
      .toBe(3);
    // Today's row of the table behind the chart counts the two environments of this stack.
    await environments.getByText("Visa som tabell").click();
    const today = environments.getByRole("row").last();
    expect((await today.getByRole("cell").allTextContents()).map(Number).reduce((a, b) => a + b)).toBe(2);

    const turnaround = page.getByRole("region", { name: "Granskningstid för exportförfrågningar" });
    await expect
      .poll(() => turnaround.locator("svg.recharts-surface .recharts-bar-rectangle path").count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await turnaround.getByText(/för 1 avgjord förfrågan\. Median 2 timmar\./).count()).toBe(1);
    expect(scripts.filter((s) => /chart/i.test(s)).length).toBeGreaterThan(0);
    await lookAt(page, "5-statistics");
    await page.close();
  });
});
