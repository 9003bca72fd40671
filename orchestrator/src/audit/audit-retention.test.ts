import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";

describe("AUDIT_RETENTION_DAYS", () => {
  it("defaults to ten years, the longest a permit may run", () => {
    expect(parseConfig({}).AUDIT_RETENTION_DAYS).toBe(3650);
  });

  it.each([
    ["365", 365],
    ["7300", 7300],
  ])("accepts %s", (value, days) => {
    expect(parseConfig({ AUDIT_RETENTION_DAYS: value }).AUDIT_RETENTION_DAYS).toBe(days);
  });

  it.each(["30", "364", "0", "-1", "a year", "400.5"])("refuses %s with the reason", (value) => {
    expect(() => parseConfig({ AUDIT_RETENTION_DAYS: value })).toThrow(/AUDIT_RETENTION_DAYS: /);
  });

  it("says why less than a year is refused", () => {
    expect(() => parseConfig({ AUDIT_RETENTION_DAYS: "30" })).toThrow(
      "AUDIT_RETENTION_DAYS: must be at least 365: EHDS requires access logs to be kept for at least one year",
    );
  });
});
