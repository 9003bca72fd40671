import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toolsTable } from "./tools-table";

describe("the README's table of tools", () => {
  it("is the registry's, as it is", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(toolsTable());
  });
});
