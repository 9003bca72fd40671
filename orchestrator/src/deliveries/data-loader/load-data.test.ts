import { describe, expect, it } from "vitest";
import { MAX_PAUSE_MS, pauseBeforeRetry, retryAfterMs } from "./load-data";

describe("the loader's pause before trying a file again", () => {
  const now = Date.parse("2026-11-23T05:00:00Z");
  it.each<[string, string | null, number | undefined]>([
    ["no header", null, undefined],
    ["seconds", "7", 7000],
    ["seconds with spaces", " 30 ", 30_000],
    ["an HTTP date ahead", "Mon, 23 Nov 2026 05:00:12 GMT", 12_000],
    ["an HTTP date past", "Mon, 23 Nov 2026 04:59:00 GMT", 0],
    ["something else", "soon", undefined],
    ["a negative number", "-5", undefined],
  ])("reads Retry-After given %s", (_, header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });

  it.each<[number, number | undefined, number]>([
    [1, undefined, 500],
    [2, undefined, 1000],
    [7, undefined, 30_000],
    [20, undefined, 30_000],
    // A server that asks for longer is waited for, up to the bound.
    [1, 2000, 2000],
    [1, 45_000, 45_000],
    [1, 3_600_000, MAX_PAUSE_MS],
    // A server that asks for less does not shorten the backoff.
    [4, 100, 4000],
  ])("after attempt %i with Retry-After %s ms pauses %i ms", (attempt, asked, pause) => {
    expect(pauseBeforeRetry(attempt, asked)).toBe(pause);
  });
});
