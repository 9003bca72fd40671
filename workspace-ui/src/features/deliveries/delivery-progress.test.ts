import { describe, expect, it } from "vitest";
import { deliveryProgress, type DeliveryState } from "./delivery-progress";

describe("a delivery's progress", () => {
  it.each<[DeliveryState, number | null, ReturnType<typeof deliveryProgress>]>([
    ["receiving", null, { step: 1, of: 3, done: false }],
    ["staged", null, { step: 3, of: 3, done: true }],
    ["rejected", 4, { step: 2, of: 3, done: true }],
    ["rejected", null, { step: 1, of: 3, done: true }],
    ["failed", null, { step: 1, of: 3, done: true }],
  ])("%s with %s findings", (state, findings, expected) => {
    expect(deliveryProgress({ state, findings })).toEqual(expected);
  });
});
