import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser";
import { accessibilityProblems } from "./page-check";

// The journeys assert "no problems": this shows the check finds them when they are there.
describe("the accessibility check of the journeys", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it.each([
    ["an image without alternative text", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', "image-alt"],
    ["a field without a label", '<input type="text">', "label"],
    ["a button without a name", "<button></button>", "button-name"],
    ["grey text on white", '<p style="color:#bbb;background:#fff">Svag text</p>', "color-contrast"],
  ])("reports %s", async (_, body, rule) => {
    const page = await browser.newPage();
    await page.setContent(
      `<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main>${body}</main></body></html>`,
    );
    expect((await accessibilityProblems(page)).map((p) => p.rule)).toContain(rule);
    await page.close();
  });

  it("reports nothing for a labelled, legible page", async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Rubrik</h1><label>Namn <input type="text"></label><button>Spara</button></main></body></html>',
    );
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
  });
});
