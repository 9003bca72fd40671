import { describe, expect, it } from "vitest";
import { combineStatus, type SdcStatus } from "./combine-status";

describe("combineStatus", () => {
  it.each<[SdcStatus[], SdcStatus]>([
    [[], "pass"],
    [["pass"], "pass"],
    [["pass", "pass"], "pass"],
    [["pass", "review"], "review"],
    [["review", "pass", "review"], "review"],
    [["review", "fail"], "fail"],
    [["fail", "review"], "fail"],
    [["pass", "fail", "pass"], "fail"],
  ])("%j → %s", (statuses, combined) => {
    expect(combineStatus(statuses)).toBe(combined);
  });
});
