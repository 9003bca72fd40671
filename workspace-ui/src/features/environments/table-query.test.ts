import { describe, expect, it } from "vitest";
import { daysUntil, hoursSince, queryFromSearch, searchFromQuery, type TableQuery } from "./table-query";

const plain: TableQuery = { text: "", tone: undefined, sort: "newest", page: 1, size: 50 };

describe("the operators' table in its URL", () => {
  it.each<[string, string, TableQuery]>([
    ["a bare URL", "", plain],
    [
      "every field",
      "q=statin&state=problem&sort=since&page=3&size=100",
      { text: "statin", tone: "problem", sort: "since", page: 3, size: 100 },
    ],
    ["values it does not know, as the defaults", "state=broken&sort=random&page=-2&size=7", plain],
    ["a page that is not a whole number", "page=2.5", plain],
  ])("reads %s", (_, search, expected) => {
    expect(queryFromSearch(new URLSearchParams(search))).toEqual(expected);
  });

  it("writes only what differs from the defaults, and reads back what it wrote", () => {
    expect(searchFromQuery(plain).toString()).toBe("");
    const query: TableQuery = { text: " SE-1 ", tone: "paused", sort: "expiry", page: 2, size: 25 };
    const written = searchFromQuery(query);
    expect(written.toString()).toBe("q=SE-1&state=paused&sort=expiry&page=2&size=25");
    expect(queryFromSearch(written)).toEqual({ ...query, text: "SE-1" });
  });

  it("counts hours since and days until", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    expect(hoursSince("2026-11-23T09:30:00Z", now)).toBe(2.5);
    expect(hoursSince("2026-11-23T13:00:00Z", now)).toBe(0);
    expect(daysUntil("2026-11-23T18:00:00Z", now)).toBe(1);
    expect(daysUntil("2026-11-20T12:00:00Z", now)).toBe(-3);
  });
});
