import { describe, expect, it } from "vitest";
import { median, turnaroundBuckets, turnaroundHours } from "./review-turnaround";

describe("review turnaround", () => {
  it("measures hours from submission to decision, skipping undecided and inconsistent requests", () => {
    expect(
      turnaroundHours([
        { submittedAt: "2026-11-01T10:00:00Z", decidedAt: "2026-11-01T12:30:00Z" },
        { submittedAt: "2026-11-01T10:00:00Z", decidedAt: null },
        { submittedAt: null, decidedAt: "2026-11-01T10:00:00Z" },
        { submittedAt: "2026-11-02T10:00:00Z", decidedAt: "2026-11-01T10:00:00Z" },
      ]),
    ).toEqual([2.5]);
  });

  it.each<[number[], number[]]>([
    [[], [0, 0, 0, 0, 0, 0]],
    [
      [0, 1],
      [2, 0, 0, 0, 0, 0],
    ],
    [
      [1.01, 4, 4.5, 24],
      [0, 2, 2, 0, 0, 0],
    ],
    [
      [25, 72, 73, 168, 169, 1000],
      [0, 0, 0, 2, 2, 2],
    ],
  ])("buckets %j as %j", (hours, counts) => {
    expect(turnaroundBuckets(hours).map((b) => b.count)).toEqual(counts);
  });

  it.each<[number[], number | undefined]>([
    [[], undefined],
    [[5], 5],
    [[9, 1, 5], 5],
    [[1, 2, 3, 10], 2.5],
  ])("the median of %j is %s", (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
