import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AxeResults, ImpactValue } from "axe-core";
import type { Page } from "playwright-core";

/** Where each checked page's screenshot goes (git-ignored), for a person to look at afterwards. */
export const SCREENSHOTS = process.env.SPE_SCREENSHOTS ?? fileURLToPath(new URL("screenshots/", import.meta.url));

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const BLOCKING: ReadonlySet<ImpactValue> = new Set(["serious", "critical"]);

export interface AccessibilityProblem {
  rule: string;
  impact: ImpactValue;
  help: string;
  /** The CSS selectors of the first offending elements. */
  targets: string[];
}

/**
 * The page's serious and critical accessibility violations by axe-core's WCAG 2 A/AA rules. axe is put
 * into the page through the DevTools protocol, which the orchestrator's Content-Security-Policy (no
 * inline or foreign scripts) does not govern, so the page is checked as served.
 */
export async function accessibilityProblems(page: Page): Promise<AccessibilityProblem[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact && BLOCKING.has(v.impact))
    .map((v) => ({
      rule: v.id,
      impact: v.impact!,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}

/** Saves a screenshot of the page under `name` and returns its serious or critical accessibility problems. */
export async function checkPage(page: Page, name: string): Promise<AccessibilityProblem[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  return accessibilityProblems(page);
}
