import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { pino } from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { recordAuditEvent } from "../orchestrator/src/audit/append-audit-event";
import { startAuditCheckpoints } from "../orchestrator/src/audit/audit-checkpointer";
import { forgeLog } from "../orchestrator/src/audit/test-tampering";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { checkPage } from "./page-check";
import { signIn } from "./sign-in";

describe("an auditor's page, when the database's owner cuts the log short", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({}, { uiDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("first shows the chain holding the signed checkpoint, then names the cut-off tail", async () => {
    const { database, auditCheckpoints, airlock } = stack.services;
    const checker = { subject: "ingrid", role: "output-checker" as const, address: "127.0.0.1" };
    for (const decision of ["reject", "reject", "request-changes"])
      await recordAuditEvent(database.db, {
        actor: checker,
        action: "review.voted",
        target: "export-request:1",
        details: { decision },
      });
    const checkpointer = await startAuditCheckpoints({
      db: database.db,
      key: airlock.signer,
      store: auditCheckpoints.store,
      intervalMs: 3_600_000,
      log: pino({ level: "silent" }),
    });
    await checkpointer.stop();

    const page = await browser.newPage();
    await signIn(page, stack, "ida");
    const log = page.getByRole("region", { name: "Granskningslogg" });
    await expect
      .poll(() => log.getByText(/Den stämmer med kontrollpunkten som signerades .* för händelse \d+/).count())
      .toBe(1);

    await forgeLog(database, (events) => events.slice(0, -2));
    await page.reload();
    await expect.poll(() => log.getByText("De senaste händelserna har kapats bort").count()).toBe(1);
    await expect.poll(() => log.getByText(/were cut off/).count()).toBe(1);
    expect(await checkPage(page, "audit-tampering")).toEqual([]);
    await page.close();
  });
});
