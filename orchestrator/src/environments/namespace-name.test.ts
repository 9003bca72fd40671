import { describe, expect, it } from "vitest";
import { namespaceFor } from "./namespace-name";

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("namespaceFor", () => {
  it.each([
    ["SE-HDAB-2026-0042", /^spe-se-hdab-2026-0042-[0-9a-f]{10}$/],
    ["fi.findata_2026.7", /^spe-fi-findata-2026-7-[0-9a-f]{10}$/],
    ["...", /^spe-[0-9a-f]{10}$/],
    ["A".repeat(128), /^spe-a{40}-[0-9a-f]{10}$/],
    ["x-".repeat(30), /^spe-(x-){19}x-[0-9a-f]{10}$/],
  ])("%s → %s", (id, pattern) => {
    const name = namespaceFor(id);
    expect(name).toMatch(pattern);
    expect(name).toMatch(DNS_1123_LABEL);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it("is deterministic", () => {
    expect(namespaceFor("SE-HDAB-2026-0042")).toBe(namespaceFor("SE-HDAB-2026-0042"));
  });

  it.each([
    ["SE-HDAB-2026-0042", "se-hdab-2026-0042"],
    ["SE.HDAB.2026.0042", "SE_HDAB_2026_0042"],
    ["A".repeat(40) + "1", "A".repeat(40) + "2"],
  ])("keeps %s and %s apart", (a, b) => {
    expect(namespaceFor(a)).not.toBe(namespaceFor(b));
  });
});
