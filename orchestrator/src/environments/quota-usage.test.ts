import { describe, expect, it } from "vitest";
import { quotaUsageKnown } from "./quota-usage";

const hard = { pods: "3", "limits.cpu": "2" };

describe("quotaUsageKnown", () => {
  it.each([
    ["no status yet (just made)", undefined, false],
    ["the usage of every resource of the spec", { hard, used: { pods: "1", "limits.cpu": "500m" } }, true],
    ["one resource without usage", { hard, used: { pods: "1" } }, false],
    [
      "the usage of an older spec",
      { hard: { pods: "3", "limits.cpu": "1" }, used: { pods: "0", "limits.cpu": "0" } },
      false,
    ],
    ["a spec that gained a resource", { hard: { pods: "3" }, used: { pods: "0" } }, false],
  ])("%s", (_case, status, known) => {
    expect(quotaUsageKnown(hard, status)).toBe(known);
  });
});
