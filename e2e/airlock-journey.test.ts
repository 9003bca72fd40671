import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAirlockAgent, type AirlockAgentProcess } from "../orchestrator/test/airlock-agent-process";
import { insertEnvironment } from "../orchestrator/test/environment-rows";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { examplePermit } from "../orchestrator/src/permits/test-fixtures";
import { pngWithHiddenRows } from "../orchestrator/src/outputs/images/test-fixtures";
import { launchChromium } from "./browser";
import { checkPage } from "./page-check";
import { buildUi } from "./build-ui";
import { signIn } from "./sign-in";

// A frequency table with one cell of 3 people (below the threshold of 10), and one that passes.
const BY_REGION = "region,kön,count\nNorrland,kvinnor,124\nNorrland,män,3\nSvealand,kvinnor,310\nSvealand,män,288\n";
const BY_AGE = "åldersgrupp,count\n18-39,412\n40-64,655\n65+,530\n";
const SMALL_TABLE = "tabeller/per-region.csv";
const SAFE_TABLE = "tabeller/per-alder.csv";
const TITLE = "Strokeincidens per region och ålder";

/** A laptop's viewport, to see the pages as most people will. */
const VIEWPORT = { width: 1366, height: 800 };

/** A screenshot of the page (e2e/screenshots/) and no serious or critical accessibility problems in it. */
async function lookAt(page: Page, name: string) {
  expect(await checkPage(page, `airlock-${name}`)).toEqual([]);
}

/** An output checker signs in and opens a request from the queue on their start page. */
async function openFromQueue(page: Page, stack: Stack, checker: string, title: string) {
  await signIn(page, stack, checker);
  await expect
    .poll(() => page.getByRole("region", { name: "Granskningskö" }).getByRole("link", { name: title }).count())
    .toBe(1);
  // The first checker takes the request; the second sees that one other has, but not who.
  const queue = page.getByRole("region", { name: "Granskningskö" });
  if (title === TITLE && checker === "karin") {
    await queue.getByRole("button", { name: `Jag tar den: ${title}` }).click();
    await expect.poll(() => queue.getByText("Du har tagit den.").count()).toBe(1);
  }
  if (title === TITLE && checker === "kalle")
    expect(await queue.getByText(/^1 annan granskare har tagit den \(2 behövs\)/).count()).toBe(1);
  await lookAt(page, `0-queue-${checker}`);
  await page.getByRole("region", { name: "Granskningskö" }).getByRole("link", { name: title }).click();
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
}

/** An output checker opens the request from their queue, sees the flagged cell, and votes on both files. */
async function review(
  page: Page,
  stack: Stack,
  checker: string,
  votes: { small: string; safe: "Godkänn" | "keyboard" },
) {
  await openFromQueue(page, stack, checker, TITLE);
  await expect.poll(() => page.getByText(/^Strokeincidens bland statinanvändare/).count()).toBe(1);

  const small = page.getByRole("region", { name: SMALL_TABLE, exact: true });
  // The quarantined file as a table, the small cell marked in it, in words as well as colour.
  const content = small.getByRole("region", { name: `Innehållet i ${SMALL_TABLE}` });
  const flagged = content.locator("td.flag-fail");
  await expect.poll(() => flagged.count()).toBe(1);
  // The checker reads what the check found in the cell; the researcher's report (below) says only where.
  expect(await flagged.textContent()).toMatch(/^✗ 3 \(underkänd: antalet 3 är under tröskeln 10\)$/);
  expect(
    await content
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "2", exact: true }) })
      .textContent(),
  ).toContain("Norrland");
  // Beside the preview: the table's shape and, per numeric column, how many counts are multiples of 5.
  const summary = small.getByRole("region", { name: `Sammanfattning av ${SMALL_TABLE}` });
  await expect.poll(() => summary.getByText("4 rader, 3 kolumner.").count()).toBe(1);
  const counts = summary.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "count" }) });
  expect((await counts.getByRole("cell").allTextContents()).slice(1)).toEqual(["3", "3", "310", "725", "1 av 4"]);
  // The profile's rules in words, and a checklist that is the checker's own and not a vote.
  await expect.poll(() => page.getByRole("heading", { name: "Reglerna i profilen default" }).count()).toBe(1);
  expect(await page.getByText("Ett antal godkänns när det är minst 10.").count()).toBe(1);
  await small.getByRole("checkbox", { name: /^Motiveringen säger/ }).check();
  expect(await small.getByRole("group", { name: /^Din checklista/ }).textContent()).toContain("(1 av 7)");
  await vote(small, votes.small);

  const safe = page.getByRole("region", { name: SAFE_TABLE, exact: true });
  expect(await safe.locator("td.flag-fail, td.flag-review").count()).toBe(0);
  if (votes.safe === "keyboard") await approveByKeyboard(page, safe);
  else await vote(safe, votes.safe);
}

/** Approves with the keyboard only: Space on the choice, Tab through the comment, Enter on the button, focus visible. */
async function approveByKeyboard(page: Page, file: Locator) {
  await file.getByRole("radio", { name: "Godkänn" }).focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => ({
    text: document.activeElement?.textContent,
    outline: getComputedStyle(document.activeElement!).outlineStyle,
  }));
  expect(focused).toEqual({ text: "Lämna omdöme", outline: "solid" });
  await page.keyboard.press("Enter");
  await expect.poll(() => file.getByRole("button", { name: "Lämna omdöme" }).count()).toBe(0);
  // The form is gone; the focus waits on the file's votes, not at the top of the page.
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Omdömen");
}

const page = (l: Locator) => l.page();

async function vote(file: Locator, choice: string) {
  await file.getByRole("radio", { name: choice }).check();
  if (choice !== "Godkänn")
    await file.getByLabel(/^Kommentar/).fill("Cellen Norrland/män har 3 personer; slå ihop eller undertryck den.");
  await file.getByRole("button", { name: "Lämna omdöme" }).click();
  await expect.poll(() => file.getByRole("button", { name: "Lämna omdöme" }).count()).toBe(0);
  // The page moves focus to this file's votes once it has reloaded them; wait for that before going on.
  await expect.poll(() => page(file).evaluate(() => document.activeElement?.textContent)).toBe("Omdömen");
}

describe("the airlock in a real Chromium", () => {
  let stack: Stack;
  let agent: AirlockAgentProcess;
  let browser: Browser;
  let uiDir: string;
  let outboxDir: string;
  let requestUrl: string;
  const permitId = `SE-AIRLOCK-${Date.now().toString(36)}`;

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), "spe-outbox-"));
    mkdirSync(join(outboxDir, "tabeller"));
    writeFileSync(join(outboxDir, SMALL_TABLE), BY_REGION);
    writeFileSync(join(outboxDir, SAFE_TABLE), BY_AGE);
    writeFileSync(join(outboxDir, "anteckningar.ipynb"), "{}");
    [uiDir, agent] = await Promise.all([buildUi(), startAirlockAgent(outboxDir)]);
    stack = await startStack({ AIRLOCK_AGENT_URL: agent.url }, { uiDir });
    const now = Date.now();
    await insertEnvironment(
      stack.services.database.db,
      examplePermit({
        permitId,
        purpose: { category: "scientific-research", description: "Statiner och stroke" },
        validFrom: new Date(now - 86_400_000).toISOString(),
        validUntil: new Date(now + 365 * 86_400_000).toISOString(),
      }),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await agent?.stop();
    rmSync(dirname(uiDir), { recursive: true, force: true });
    rmSync(outboxDir, { recursive: true, force: true });
  });

  it("lets a researcher pick outbox files, see the checks flag a small cell before submitting, and submit", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "alice");
    const mine = page.getByRole("region", { name: "Mina miljöer" });
    await mine.getByRole("link", { name: /Utkorg och ny exportförfrågan för Statiner och stroke/ }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Ny exportförfrågan");

    // A notebook may not leave at all; the two tables may.
    await expect.poll(() => page.getByRole("checkbox", { name: "anteckningar.ipynb" }).isDisabled()).toBe(true);
    await page.getByRole("checkbox", { name: SMALL_TABLE }).check();
    await page.getByRole("checkbox", { name: SAFE_TABLE }).check();
    expect(await page.getByLabel(`Typ av ${SMALL_TABLE}`).inputValue()).toBe("frequency");

    const smallCheck = page.getByRole("region", { name: `Kontroll av ${SMALL_TABLE}` });
    await expect
      .poll(() => smallCheck.getByText("Automatisk kontroll: underkänd").count(), { timeout: 15_000 })
      .toBe(1);
    const cells = smallCheck.getByRole("table", { name: /Flaggade celler/ });
    const row = cells.getByRole("row").filter({ hasText: "ett antal under tröskeln 10" });
    expect(await row.getByRole("cell").allTextContents()).toEqual([
      "2",
      "count",
      "✗ underkänd",
      "ett antal under tröskeln 10",
    ]);
    const safeCheck = page.getByRole("region", { name: `Kontroll av ${SAFE_TABLE}` });
    await expect.poll(() => safeCheck.getByText("Automatisk kontroll: godkänd").count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByText("En fil har anmärkningar").count()).toBe(1);
    await lookAt(page, "1-researcher-precheck");

    // Nothing is sent without a title and a justification; the form says what is missing.
    await page.getByRole("button", { name: /Skicka in för granskning/ }).click();
    await expect.poll(() => page.getByText("Ge förfrågan en rubrik.").count()).toBe(1);
    await page.getByLabel("Rubrik").fill(TITLE);
    await page
      .getByLabel("Motivering")
      .fill("Strokeincidens bland statinanvändare per region och åldersgrupp, till artikelns tabell 2.");
    await page.getByRole("button", { name: "Skicka in för granskning (2 filer)" }).click();
    await page.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    requestUrl = page.url();
    await expect.poll(() => page.locator(".state-line").textContent()).toMatch(/^Inskickad/);
    expect(
      await page.getByRole("region", { name: SMALL_TABLE, exact: true }).getByText("0 av 2 omdömen inlämnade").count(),
    ).toBe(1);
    await page.close();
  });

  it("lets two output checkers review from their queues, each blind to the other until both have voted", async () => {
    const karin = await browser.newPage({ viewport: VIEWPORT });
    await review(karin, stack, "karin", { small: "Avslå", safe: "Godkänn" });
    const small = karin.getByRole("region", { name: SMALL_TABLE, exact: true });
    await expect.poll(() => small.getByText("Du avslog").count()).toBe(1);
    await expect.poll(() => small.getByText(/1 av 2 omdömen inlämnade/).count()).toBe(1);
    await lookAt(karin, "2-checker-review");
    // Her own votes, newest first, in her history.
    await karin.goto(`${stack.appUrl}/reviews/history`);
    const history = karin.getByRole("table", { name: "Dina omdömen, nyast först, sida 1" });
    await expect.poll(() => history.getByRole("row").count()).toBe(3);
    expect(await history.getByRole("row").nth(1).textContent()).toContain("godkände");
    expect(await history.getByRole("row").nth(2).textContent()).toContain("avslog");
    await lookAt(karin, "2-checker-history");
    await karin.goto(stack.appUrl);
    await expect
      .poll(() =>
        karin
          .getByRole("region", { name: "Granskningskö" })
          .getByText("Inga exportförfrågningar väntar på din granskning.")
          .count(),
      )
      .toBe(1);
    await karin.close();

    const kalle = await browser.newPage({ viewport: VIEWPORT });
    await review(kalle, stack, "kalle", { small: "Avslå", safe: "keyboard" });
    // With both votes in, each checker sees the other's.
    const decided = kalle.getByRole("region", { name: SMALL_TABLE, exact: true });
    await expect.poll(() => decided.getByText("karin: avslog").count()).toBe(1);
    await expect.poll(() => decided.getByText("kalle: avslog").count()).toBe(1);
    const approved = kalle.getByRole("region", { name: SAFE_TABLE, exact: true });
    await expect.poll(() => approved.getByText(/^(karin|kalle): godkände$/).count()).toBe(2);
    await kalle.close();
  });

  it("shows the researcher the decision with the checkers' comments, and lets her download the released file and its record", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, stack, "alice");
    await page.goto(requestUrl);
    await expect.poll(() => page.locator(".state-line").textContent()).toMatch(/^Utlämnad/);
    const small = page.getByRole("region", { name: SMALL_TABLE, exact: true });
    expect(await small.getByText("Avslagen").count()).toBe(1);
    expect(await small.getByText(/Norrland\/män har 3 personer/).count()).toBe(2);
    expect(await small.getByRole("link", { name: /Ladda ner/ }).count()).toBe(0);
    await lookAt(page, "3-researcher-released");

    const safe = page.getByRole("region", { name: SAFE_TABLE, exact: true });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      safe.getByRole("link", { name: "Ladda ner per-alder.csv" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("per-alder.csv");
    expect(readFileSync((await download.path())!, "utf8")).toBe(BY_AGE);

    // The page checks the record's signature against the published release keys.
    const record = page.getByRole("region", { name: "Utlämningsintyg" });
    await expect.poll(() => record.getByText(/^✓ Signaturen stämmer/).count()).toBe(1);
    expect(
      await record
        .getByText(/Utlämnat .*: tabeller\/per-alder\.csv; inte utlämnat: tabeller\/per-region\.csv\./)
        .count(),
    ).toBe(1);
    const [jws] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Ladda ner utlämningsintyget" }).click(),
    ]);
    expect(readFileSync((await jws.path())!, "utf8")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    await page.goto(stack.appUrl);
    await expect
      .poll(() => page.getByRole("region", { name: "Mina miljöer" }).getByText("1 totalt, 1 utlämnad").count())
      .toBe(1);
    await lookAt(page, "4-researcher-home");
    await page.getByRole("link", { name: "Mina exportförfrågningar" }).click();
    const listed = page.getByRole("row").filter({ hasText: TITLE });
    await expect.poll(() => listed.getByText("Utlämnad").count()).toBe(1);
    await page.close();
  });

  it("lets the researcher revise a file the checkers sent back, resubmit it, and withdraw the request", async () => {
    const retitled = "Regiontabell, omarbetad";
    const alice = await browser.newPage({ viewport: VIEWPORT });
    await signIn(alice, stack, "alice");
    await alice
      .getByRole("region", { name: "Mina miljöer" })
      .getByRole("link", { name: /Utkorg och ny exportförfrågan/ })
      .click();
    await alice.getByRole("checkbox", { name: SMALL_TABLE }).check();
    await alice.getByLabel("Rubrik").fill(retitled);
    await alice
      .getByLabel("Motivering")
      .fill("Samma tabell som förut, för att granskarna ska kunna föreslå en sammanslagning.");
    await alice.getByRole("button", { name: "Skicka in för granskning (1 fil)" }).click();
    await alice.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    const url = alice.url();

    for (const checker of ["karin", "kalle"]) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await openFromQueue(page, stack, checker, retitled);
      await vote(page.getByRole("region", { name: SMALL_TABLE, exact: true }), "Begär ändringar");
      await page.close();
    }

    await alice.goto(url);
    await expect.poll(() => alice.locator(".state-line").textContent()).toMatch(/^Ändringar begärda/);
    const file = alice.getByRole("region", { name: SMALL_TABLE, exact: true });
    expect(await file.getByText(/Norrland\/män har 3 personer/).count()).toBe(2);
    expect(await alice.getByRole("button", { name: "Skicka in igen" }).isDisabled()).toBe(true);
    // The researcher merges the small cell in her workspace, then takes the new version.
    writeFileSync(join(outboxDir, SMALL_TABLE), "region,count\nNorrland,127\nSvealand,598\n");
    await file.getByRole("button", { name: "Ersätt med ny version från utkorgen" }).click();
    await expect
      .poll(() => file.getByText("Filen kopieras från utkorgen och kontrolleras när förfrågan skickas in.").count())
      .toBe(1);
    await alice.getByRole("button", { name: "Skicka in igen" }).click();
    await expect.poll(() => alice.locator(".state-line").textContent()).toMatch(/^Inskickad/);
    await expect.poll(() => file.getByText("Automatisk kontroll: godkänd").count()).toBe(1);
    expect(await file.getByText("0 av 2 omdömen inlämnade").count()).toBe(1);

    await alice.getByRole("button", { name: "Dra tillbaka…" }).click();
    await alice.getByRole("button", { name: "Ja, dra tillbaka" }).click();
    await expect.poll(() => alice.locator(".state-line").textContent()).toMatch(/^Återkallad/);
    expect(await alice.getByRole("button", { name: "Dra tillbaka…" }).count()).toBe(0);
    await alice.close();
  });

  it("shows a checker a submitted figure inline and analysis code as text", async () => {
    const title = "Figur och kod";
    mkdirSync(join(outboxDir, "figurer"));
    mkdirSync(join(outboxDir, "kod"));
    // A figure with 200 data rows hidden in a text chunk and after its end: the checker sees it re-encoded.
    writeFileSync(join(outboxDir, "figurer/kurva.png"), await pngWithHiddenRows());
    writeFileSync(join(outboxDir, "kod/analys.py"), 'print("överlevnad per region")\n');
    const alice = await browser.newPage({ viewport: VIEWPORT });
    await signIn(alice, stack, "alice");
    await alice
      .getByRole("region", { name: "Mina miljöer" })
      .getByRole("link", { name: /Utkorg och ny exportförfrågan/ })
      .click();
    await alice.getByRole("checkbox", { name: "figurer/kurva.png" }).check();
    await alice.getByRole("checkbox", { name: "kod/analys.py" }).check();
    expect(await alice.getByLabel("Typ av figurer/kurva.png").inputValue()).toBe("figure");
    expect(await alice.getByLabel("Typ av kod/analys.py").inputValue()).toBe("code");
    // Figures and code are not checked automatically: a person looks at them.
    await expect.poll(() => alice.getByText("Automatisk kontroll: granskas manuellt").count()).toBe(2);
    await alice.getByLabel("Rubrik").fill(title);
    await alice.getByLabel("Motivering").fill("Kaplan–Meier-kurvan i artikeln och koden som ritade den.");
    await alice.getByRole("button", { name: "Skicka in för granskning (2 filer)" }).click();
    await alice.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    await alice.close();

    const karin = await browser.newPage({ viewport: VIEWPORT });
    await openFromQueue(karin, stack, "karin", title);
    const figure = karin
      .getByRole("region", { name: "figurer/kurva.png", exact: true })
      .getByRole("img", { name: /figurer\/kurva\.png/ });
    await expect.poll(() => figure.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    const figureCard = karin.getByRole("region", { name: "figurer/kurva.png", exact: true });
    expect(await figureCard.getByText(/^Omkodad till enbart pixlar före granskningen/).count()).toBe(1);
    expect(
      await figureCard.getByText(/Bilden \(64 × 32 pixlar, PNG, \d+ byte\) innehöll mer än sina pixlar/).count(),
    ).toBe(1);
    const code = karin.getByRole("region", { name: "kod/analys.py", exact: true });
    await expect.poll(() => code.locator("pre").textContent()).toBe('print("överlevnad per region")\n');
    await lookAt(karin, "5-checker-figure-and-code");
    await karin.close();
  });
});
