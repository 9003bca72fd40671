import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LOGO_DATA_URL, LOGO_SVG } from "./brand";

describe("the product's mark", () => {
  it("is the same in the UI (its favicon and header) and on the pages the server writes", () => {
    const ui = readFileSync(new URL("../../../workspace-ui/public/logo.svg", import.meta.url), "utf8");
    expect(ui).toBe(LOGO_SVG);
    expect(decodeURIComponent(LOGO_DATA_URL.replace("data:image/svg+xml,", ""))).toBe(LOGO_SVG);
  });
});
