import { describe, expect, it } from "vitest";
import { environmentsByDay, type Transition } from "./environment-series";

const now = new Date("2026-11-23T15:00:00Z");
const at = (time: string, namespace: string, action: string): Transition => ({ time, namespace, action });

describe("environments by state over time", () => {
  it.each<[string, Transition[], Array<[string, number, number, number]>]>([
    [
      "nothing yet",
      [],
      [
        ["2026-11-21", 0, 0, 0],
        ["2026-11-22", 0, 0, 0],
        ["2026-11-23", 0, 0, 0],
      ],
    ],
    [
      "one created, suspended, resumed within the window",
      [
        at("2026-11-21T10:00:00Z", "spe-a", "environment.created"),
        at("2026-11-22T09:00:00Z", "spe-a", "environment.suspended"),
        at("2026-11-23T08:00:00Z", "spe-a", "environment.resumed"),
      ],
      [
        ["2026-11-21", 1, 0, 0],
        ["2026-11-22", 0, 1, 0],
        ["2026-11-23", 1, 0, 0],
      ],
    ],
    [
      "one from before the window, torn down in it; another created the same day (out of order)",
      [
        at("2026-11-22T12:00:00Z", "spe-b", "environment.created"),
        at("2026-10-01T00:00:00Z", "spe-a", "environment.created"),
        at("2026-11-22T11:00:00Z", "spe-a", "environment.teardown-requested"),
        at("2026-11-22T11:00:05Z", "spe-a", "environment.torn-down"),
      ],
      [
        ["2026-11-21", 1, 0, 0],
        ["2026-11-22", 1, 0, 1],
        ["2026-11-23", 1, 0, 1],
      ],
    ],
    [
      "an action that moves no state is ignored",
      [
        at("2026-11-21T00:00:00Z", "spe-a", "environment.created"),
        at("2026-11-22T00:00:00Z", "spe-a", "environment.opened"),
      ],
      [
        ["2026-11-21", 1, 0, 0],
        ["2026-11-22", 1, 0, 0],
        ["2026-11-23", 1, 0, 0],
      ],
    ],
    [
      "a change at midnight counts for the new day",
      [at("2026-11-22T00:00:00Z", "spe-a", "environment.created")],
      [
        ["2026-11-21", 0, 0, 0],
        ["2026-11-22", 1, 0, 0],
        ["2026-11-23", 1, 0, 0],
      ],
    ],
  ])("%s", (_, transitions, expected) => {
    expect(
      environmentsByDay(transitions, { days: 3, now }).map((d) => [d.day, d.active, d.suspended, d.tornDown]),
    ).toEqual(expected);
  });
});
