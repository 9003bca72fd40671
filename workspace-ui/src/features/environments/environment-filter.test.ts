import { describe, expect, it } from "vitest";
import { daysUntil, hoursSince, filterEnvironments, type EnvironmentFilter } from "./environment-filter";
import type { EnvironmentSummary } from "./environment-state";

const env = (
  permitId: string,
  createdAt: string,
  validUntil: string,
  overrides: Partial<EnvironmentSummary> = {},
): EnvironmentSummary => ({
  namespace: `spe-${permitId.toLowerCase()}`,
  permitId,
  desiredState: "active",
  generation: 1,
  observedGeneration: 1,
  conditions: [
    {
      type: "Ready",
      status: "True",
      reason: "Ready",
      message: "",
      observedGeneration: 1,
      lastTransitionTime: createdAt,
    },
  ],
  teardown: null,
  validFrom: createdAt,
  validUntil,
  createdAt,
  updatedAt: createdAt,
  permitStatus: "granted",
  purpose: "Astma hos barn",
  ...overrides,
});

const A = env("SE-A", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", { purpose: "Statiner och stroke" });
const B = env("SE-B", "2026-03-01T00:00:00Z", "2026-12-01T00:00:00Z", { desiredState: "suspended" });
const C = env("SE-C", "2026-02-01T00:00:00Z", "2030-01-01T00:00:00Z", {
  conditions: [
    {
      type: "Ready",
      status: "False",
      reason: "ApplyFailed",
      message: "403",
      observedGeneration: 1,
      lastTransitionTime: "2026-02-01T00:00:00Z",
    },
  ],
});
const ALL = [A, B, C];
const f = (over: Partial<EnvironmentFilter>): EnvironmentFilter => ({ text: "", tone: "all", sort: "newest", ...over });
const ids = (list: EnvironmentSummary[]) => list.map((e) => e.permitId);

describe("filtering and sorting environments", () => {
  it.each<[string, Partial<EnvironmentFilter>, string[]]>([
    ["newest first by default", {}, ["SE-B", "SE-C", "SE-A"]],
    ["oldest first", { sort: "oldest" }, ["SE-A", "SE-C", "SE-B"]],
    ["expiring first", { sort: "expiry" }, ["SE-B", "SE-A", "SE-C"]],
    ["by permit", { sort: "permit" }, ["SE-A", "SE-B", "SE-C"]],
    ["by purpose, ignoring case", { text: "STROKE" }, ["SE-A"]],
    ["by namespace", { text: "spe-se-c" }, ["SE-C"]],
    ["only problems", { tone: "problem" }, ["SE-C"]],
    ["only paused", { tone: "paused" }, ["SE-B"]],
    ["nothing matches", { text: "nowhere" }, []],
  ])("%s", (_, filter, expected) => {
    expect(ids(filterEnvironments(ALL, f(filter)))).toEqual(expected);
  });

  it("does not reorder the list it was given", () => {
    filterEnvironments(ALL, f({ sort: "permit" }));
    expect(ids(ALL)).toEqual(["SE-A", "SE-B", "SE-C"]);
  });
});

describe("age and time left", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  it.each([
    ["2026-11-23T11:30:00Z", 0.5],
    ["2026-11-22T12:00:00Z", 24],
    ["2026-11-01T00:00:00Z", 540],
    ["2027-01-01T00:00:00Z", 0],
  ])("created %s is %d hours old", (created, hours) => expect(hoursSince(created, now)).toBe(hours));
  it.each([
    ["2026-11-23T18:00:00Z", 1],
    ["2026-11-30T12:00:00Z", 7],
    ["2026-11-22T12:00:00Z", -1],
  ])("valid until %s leaves %i days", (until, days) => expect(daysUntil(until, now)).toBe(days));
});
