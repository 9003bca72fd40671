import { afterEach, describe, expect, it } from "vitest";
import { formatDate, formatMoment, startOfDay, zoneOffset } from "./format";
import { i18n } from "./i18n";

const i18nForTest = (language: "sv" | "en") => void i18n.changeLanguage(language);

describe("times in the installation's time zone", () => {
  afterEach(() => i18nForTest("sv"));

  it.each([
    ["sv", "2026-12-07T13:03:05Z", "2026-12-07 14:03:05 +01:00"],
    ["sv", "2026-07-01T22:30:00Z", "2026-07-02 00:30:00 +02:00"],
    ["en", "2026-12-07T13:03:05Z", "7 Dec 2026, 14:03:05 +01:00"],
    ["en", "2026-03-04T10:00:00Z", "4 Mar 2026, 11:00:00 +01:00"],
  ] as const)("in %s, %s is %s in Stockholm", (language, moment, shown) => {
    i18nForTest(language);
    expect(formatMoment(moment)).toBe(shown);
  });

  it.each([
    ["sv", "2026-12-31T23:30:00Z", "2027-01-01"],
    ["en", "2026-12-31T23:30:00Z", "1 Jan 2027"],
    ["en", "2026-12-07T13:03:05Z", "7 Dec 2026"],
  ] as const)("in %s, the day of %s is %s in Stockholm, whatever the browser's zone", (language, moment, shown) => {
    i18nForTest(language);
    expect(formatDate(moment)).toBe(shown);
  });

  it("shows a dash for no moment", () => {
    expect([formatMoment(null), formatMoment(undefined)]).toEqual(["–", "–"]);
  });

  it("shows another zone's offset, and UTC's", () => {
    expect(formatMoment("2026-12-07T13:03:05Z", "America/New_York")).toBe("2026-12-07 08:03:05 -05:00");
    expect(zoneOffset(new Date("2026-12-07T13:03:05Z"), "UTC")).toBe("+00:00");
  });

  it("starts a day at midnight in the zone, across summer time", () => {
    expect(startOfDay("2026-12-07").toISOString()).toBe("2026-12-06T23:00:00.000Z");
    expect(startOfDay("2026-07-01").toISOString()).toBe("2026-06-30T22:00:00.000Z");
    // The day summer time begins: midnight is still winter time.
    expect(startOfDay("2026-03-29").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfDay("2026-12-07", "UTC").toISOString()).toBe("2026-12-07T00:00:00.000Z");
  });
});
