import type { Page } from "playwright-core";
import type { Stack } from "../orchestrator/test/stack";

/** Signs in through the real pages: the app's start page, the provider's form, back to the app. */
export async function signIn(page: Page, stack: Pick<Stack, "appUrl">, user: string): Promise<void> {
  await page.goto(stack.appUrl);
  await page.getByRole("link", { name: "Logga in" }).click();
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${stack.appUrl}/`);
}
