import { describe, expect, it } from "vitest";
import { clip, costOfPeriods, union, type CostPeriods } from "./cost-of-periods";
import { periodsFromEvents, type CostEvent } from "./periods-from-events";
import type { PriceList } from "./price-list";

const H = 3_600_000;
const T0 = Date.parse("2027-01-01T00:00:00Z");
const at = (hours: number) => T0 + hours * H;
const span = (from: number, until: number) => ({ from: at(from), until: at(until) });

// Round figures, so that each expected cost can be worked out by hand.
const prices: PriceList = {
  currency: "SEK",
  prices: [{ from: "2026-01-01T00:00:00Z", cpuHour: 1, memoryGiBHour: 0.1, storageGiBHour: 0.01, gpuHour: 30 }],
};
/** From hour 10 on everything costs twice as much. */
const raised: PriceList = {
  currency: "SEK",
  prices: [
    ...prices.prices,
    { from: new Date(at(10)).toISOString(), cpuHour: 2, memoryGiBHour: 0.2, storageGiBHour: 0.02, gpuHour: 60 },
  ],
};

const workspace = (runs: Array<{ from: number; until: number }>, gpu = 0) => ({ cpu: 2, memoryGiB: 8, gpu, runs });
const base: CostPeriods = { life: span(0, 24), storageGiB: 100, workspaces: [], suspended: [] };

describe("an environment's cost", () => {
  it.each<[string, CostPeriods, PriceList, { storage: number; cpu: number; memory: number; gpu: number }]>([
    ["storage alone when no workspace ran", base, prices, { storage: 24, cpu: 0, memory: 0, gpu: 0 }],
    [
      "a workspace for part of an hour",
      { ...base, workspaces: [workspace([span(1, 1.25)])] },
      prices,
      { storage: 24, cpu: 0.5, memory: 0.2, gpu: 0 },
    ],
    [
      "two persons' workspaces at once: each counts",
      { ...base, workspaces: [workspace([span(0, 4)]), workspace([span(2, 6)])] },
      prices,
      { storage: 24, cpu: 16, memory: 6.4, gpu: 0 },
    ],
    [
      "one workspace's overlapping runs: counted once",
      { ...base, workspaces: [workspace([span(0, 4), span(2, 6)])] },
      prices,
      { storage: 24, cpu: 12, memory: 4.8, gpu: 0 },
    ],
    [
      "a pause: the workspace's hours in it are free, its storage is not",
      { ...base, workspaces: [workspace([span(0, 10)])], suspended: [span(2, 5)] },
      prices,
      { storage: 24, cpu: 14, memory: 5.6, gpu: 0 },
    ],
    [
      "a run outside the environment's life: cut to it",
      { ...base, life: span(0, 5), workspaces: [workspace([span(3, 9)])] },
      prices,
      { storage: 5, cpu: 4, memory: 1.6, gpu: 0 },
    ],
    [
      "a GPU while its workspace ran",
      { ...base, workspaces: [workspace([span(0, 2)], 1)] },
      prices,
      { storage: 24, cpu: 4, memory: 1.6, gpu: 60 },
    ],
    [
      "a price change in the middle of a run: each hour at its price",
      { ...base, workspaces: [workspace([span(8, 12)], 1)] },
      raised,
      { storage: 10 + 28, cpu: 4 + 8, memory: 1.6 + 3.2, gpu: 60 + 120 },
    ],
  ])("%s", (_, periods, list, expected) => {
    const cost = costOfPeriods(periods, list);
    expect(cost.currency).toBe("SEK");
    expect(cost.storage).toBeCloseTo(expected.storage, 9);
    expect(cost.cpu).toBeCloseTo(expected.cpu, 9);
    expect(cost.memory).toBeCloseTo(expected.memory, 9);
    expect(cost.gpu).toBeCloseTo(expected.gpu, 9);
    expect(cost.total).toBeCloseTo(expected.storage + expected.cpu + expected.memory + expected.gpu, 9);
  });

  it("counts the quantities used, not only their price", () => {
    const cost = costOfPeriods({ ...base, workspaces: [workspace([span(0, 1.5)], 1)] }, prices);
    expect(cost.usage).toEqual({ storageGiBHours: 2400, cpuHours: 3, memoryGiBHours: 12, gpuHours: 1.5 });
  });

  it("prices a GPU at nothing when the list has no GPU price", () => {
    const noGpu: PriceList = { currency: "EUR", prices: [{ ...prices.prices[0]!, gpuHour: undefined }] };
    expect(costOfPeriods({ ...base, workspaces: [workspace([span(0, 1)], 1)] }, noGpu).gpu).toBe(0);
  });

  it("merges and cuts periods", () => {
    expect(union([span(4, 5), span(0, 2), span(1, 3), span(3, 3)])).toEqual([span(0, 3), span(4, 5)]);
    expect(clip([span(0, 10)], span(1, 9), [span(2, 3), span(5, 6)])).toEqual([span(1, 2), span(3, 5), span(6, 9)]);
  });
});

describe("the periods in the audit log", () => {
  const event = (action: string, hour: number, person?: string): CostEvent => ({
    action,
    time: new Date(at(hour)),
    ...(person ? { person } : {}),
  });

  it("pairs each start with the next stop, whoever stopped it, and runs an open one until now", () => {
    const { runs, suspended, tornDownAt } = periodsFromEvents(
      [
        event("workspace.started", 0, "alice"),
        event("workspace.started", 1, "bob"),
        event("workspace.stopped-idle", 2, "alice"),
        event("workspace.started", 3, "alice"),
        event("workspace.stopped-by-operator", 4, "alice"),
        event("workspace.stopped-idle", 5, "alice"),
        event("environment.suspended", 6),
        event("environment.resumed", 7),
        event("environment.suspended", 8),
      ],
      at(10),
    );
    expect(runs.get("alice")).toEqual([span(0, 2), span(3, 4)]);
    expect(runs.get("bob")).toEqual([span(1, 10)]);
    expect(suspended).toEqual([span(6, 7), span(8, 10)]);
    expect(tornDownAt).toBeUndefined();
  });

  it("ends everything at teardown, in whatever order the events come", () => {
    const { runs, tornDownAt } = periodsFromEvents(
      [event("environment.torn-down", 5), event("workspace.started", 1, "alice")],
      at(10),
    );
    expect(runs.get("alice")).toEqual([span(1, 5)]);
    expect(tornDownAt).toBe(at(5));
  });
});
