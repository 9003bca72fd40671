import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser } from "playwright-core";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushDevPermit } from "../orchestrator/test/push-permit";
import { startStack, type Stack } from "../orchestrator/test/stack";
import { demoPermitPayload } from "../orchestrator/src/permits/demo-permit";
import { launchChromium } from "./browser";
import { buildUi } from "./build-ui";
import { signIn } from "./sign-in";

const INSTALLATION = "Region Testlands SPE";

/** Each page's text as pdf.js reads it from the PDF, in order. */
async function pageTexts(pdf: Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const texts: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    texts.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  await document.destroy();
  return texts;
}

describe("the compliance evidence report, printed by Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let uiDir: string;
  let namespace: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack({ INSTALLATION_NAME: INSTALLATION }, { uiDir });
    browser = await launchChromium();
    const payload = { ...demoPermitPayload(new Date()), permitId: `SE-PRINT-${Date.now().toString(36)}` };
    namespace = await pushDevPermit(stack.appUrl, payload);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dirname(uiDir), { recursive: true, force: true });
  });

  it("has the issuer and 'page n of m' on every page, and says what it was built from", async () => {
    const page = await browser.newPage();
    await signIn(page, stack, "ida");
    await page.goto(`${stack.appUrl}/evidence/${namespace}`);
    await page.getByRole("heading", { name: "Efterlevnadsrapport" }).waitFor();
    await page.getByText(`Utfärdad av ${INSTALLATION} (${stack.appUrl}).`).waitFor();
    expect(await page.getByText(/Framtagen ur granskningsloggen till och med händelse \d+/).count()).toBe(1);

    const texts = await pageTexts(await page.pdf({ format: "A4", preferCSSPageSize: true }));
    expect(texts.length).toBeGreaterThan(1);
    texts.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(`${INSTALLATION} · ${stack.appUrl}`);
      expect(text, `page ${i + 1}`).toContain(`Sida ${i + 1} av ${texts.length}`);
    });
    // The page's own header and buttons stay off paper.
    expect(texts.join(" ")).not.toContain("Logga ut");
    await page.close();
  });
});
