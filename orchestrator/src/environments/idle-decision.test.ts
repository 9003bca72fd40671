import { describe, expect, it } from "vitest";
import { idleVerdict, type IdleFacts } from "./idle-decision";

const now = new Date("2026-12-07T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const hour = 60 * 60_000;
const quiet = { lastActivity: minutesAgo(90), busyKernels: 0 };

const base: IdleFacts = {
  now,
  idleAfterMs: hour,
  openConnections: 0,
  startedAt: minutesAgo(120),
  recordedActivity: minutesAgo(90),
  lab: quiet,
};

describe("idleVerdict", () => {
  it.each<[string, Partial<IdleFacts>, { idle: boolean; why?: string; lastActivity: Date }]>([
    ["nothing for 90 minutes of 60", {}, { idle: true, lastActivity: minutesAgo(90) }],
    [
      "a browser's socket is open",
      { openConnections: 1 },
      { idle: false, why: "connected", lastActivity: minutesAgo(90) },
    ],
    [
      "a model fit runs with the browser closed",
      { lab: { lastActivity: minutesAgo(100), busyKernels: 1 } },
      { idle: false, why: "busy-kernel", lastActivity: minutesAgo(90) },
    ],
    [
      "the gateway relayed something 10 minutes ago",
      { recordedActivity: minutesAgo(10) },
      { idle: false, why: "recent", lastActivity: minutesAgo(10) },
    ],
    [
      "a kernel or terminal was active 5 minutes ago, the browser closed",
      { lab: { lastActivity: minutesAgo(5), busyKernels: 0 } },
      { idle: false, why: "recent", lastActivity: minutesAgo(5) },
    ],
    [
      "opened 30 minutes ago and never used",
      { startedAt: minutesAgo(30), recordedActivity: null, lab: { lastActivity: null, busyKernels: 0 } },
      { idle: false, why: "recent", lastActivity: minutesAgo(30) },
    ],
    [
      "exactly the idle time",
      { recordedActivity: minutesAgo(60), lab: { lastActivity: null, busyKernels: 0 } },
      { idle: true, lastActivity: minutesAgo(60) },
    ],
    [
      "a minute short of the idle time",
      { recordedActivity: minutesAgo(59) },
      { idle: false, why: "recent", lastActivity: minutesAgo(59) },
    ],
    [
      "a shorter setting: 15 minutes",
      {
        idleAfterMs: 15 * 60_000,
        recordedActivity: minutesAgo(20),
        lab: { lastActivity: minutesAgo(16), busyKernels: 0 },
      },
      { idle: true, lastActivity: minutesAgo(16) },
    ],
    [
      "the Lab does not answer and nothing was recorded for the idle time",
      { lab: "unanswered" },
      { idle: true, lastActivity: minutesAgo(90) },
    ],
    [
      "the Lab does not answer but the gateway relayed something lately",
      { lab: "unanswered", recordedActivity: minutesAgo(3) },
      { idle: false, why: "recent", lastActivity: minutesAgo(3) },
    ],
    [
      "the Lab does not answer while a socket is open",
      { lab: "unanswered", openConnections: 2 },
      { idle: false, why: "connected", lastActivity: minutesAgo(90) },
    ],
    [
      "connections weigh more than a busy kernel",
      { openConnections: 1, lab: { lastActivity: minutesAgo(1), busyKernels: 2 } },
      { idle: false, why: "connected", lastActivity: minutesAgo(1) },
    ],
  ])("%s", (_name, facts, verdict) => {
    expect(idleVerdict({ ...base, ...facts })).toEqual(verdict);
  });
});
