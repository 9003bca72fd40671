import { ratesAt, type PriceList } from "./price-list";

/** A span of time in epoch milliseconds, `from` included, `until` not. */
export interface Period {
  from: number;
  until: number;
}

/** One person's workspace: its size and when it ran. */
export interface WorkspaceRuns {
  cpu: number;
  memoryGiB: number;
  gpu: number;
  runs: readonly Period[];
}

/** What an environment was given and when: everything its cost is computed from. */
export interface CostPeriods {
  /** From the environment's creation to its teardown, or to now while it lives. */
  life: Period;
  /** The storage it holds for its whole life: its persons' volumes and the data volume. */
  storageGiB: number;
  workspaces: readonly WorkspaceRuns[];
  /** While paused no workspace runs, whatever its person asked. */
  suspended: readonly Period[];
}

/** Quantities used and what they cost, in the price list's currency. */
export interface Cost {
  currency: string;
  total: number;
  storage: number;
  cpu: number;
  memory: number;
  gpu: number;
  usage: { storageGiBHours: number; cpuHours: number; memoryGiBHours: number; gpuHours: number };
}

const HOUR = 3_600_000;

/** Merges overlapping or touching periods into a sorted list of disjoint ones. */
export function union(periods: readonly Period[]): Period[] {
  const sorted = periods.filter((p) => p.until > p.from).sort((a, b) => a.from - b.from);
  const merged: Period[] = [];
  for (const p of sorted) {
    const last = merged.at(-1);
    if (last && p.from <= last.until) last.until = Math.max(last.until, p.until);
    else merged.push({ ...p });
  }
  return merged;
}

/** The parts of `periods` inside `within` and outside every period of `without`. */
export function clip(periods: readonly Period[], within: Period, without: readonly Period[]): Period[] {
  let parts = union(periods).map((p) => ({
    from: Math.max(p.from, within.from),
    until: Math.min(p.until, within.until),
  }));
  for (const cut of union(without))
    parts = parts.flatMap((p) =>
      cut.until <= p.from || cut.from >= p.until
        ? [p]
        : [
            { from: p.from, until: cut.from },
            { from: cut.until, until: p.until },
          ],
    );
  return parts.filter((p) => p.until > p.from);
}

/** Splits a period where the price list's prices change, so that each piece has one set of prices. */
function byPrices(period: Period, prices: PriceList): Period[] {
  const changes = prices.prices.map((p) => Date.parse(p.from)).filter((t) => t > period.from && t < period.until);
  const edges = [period.from, ...changes, period.until];
  return edges.slice(1).map((until, i) => ({ from: edges[i]!, until }));
}

/**
 * What an environment cost: its storage for its whole life, and each workspace's CPU, memory and GPU only
 * while it ran and the environment was not paused (a workspace stopped when idle costs storage alone). Each
 * hour is priced at what held then. Pure: the same periods and prices give the same cost.
 */
export function costOfPeriods(periods: CostPeriods, prices: PriceList): Cost {
  const cost: Cost = {
    currency: prices.currency,
    total: 0,
    storage: 0,
    cpu: 0,
    memory: 0,
    gpu: 0,
    usage: { storageGiBHours: 0, cpuHours: 0, memoryGiBHours: 0, gpuHours: 0 },
  };
  const life = periods.life.until > periods.life.from ? [periods.life] : [];
  for (const piece of life.flatMap((p) => byPrices(p, prices))) {
    const gibHours = (periods.storageGiB * (piece.until - piece.from)) / HOUR;
    cost.usage.storageGiBHours += gibHours;
    cost.storage += gibHours * ratesAt(prices, piece.from).storageGiBHour;
  }
  for (const w of periods.workspaces)
    for (const run of clip(w.runs, periods.life, periods.suspended))
      for (const piece of byPrices(run, prices)) {
        const hours = (piece.until - piece.from) / HOUR;
        const rates = ratesAt(prices, piece.from);
        cost.usage.cpuHours += w.cpu * hours;
        cost.usage.memoryGiBHours += w.memoryGiB * hours;
        cost.usage.gpuHours += w.gpu * hours;
        cost.cpu += w.cpu * hours * rates.cpuHour;
        cost.memory += w.memoryGiB * hours * rates.memoryGiBHour;
        cost.gpu += w.gpu * hours * (rates.gpuHour ?? 0);
      }
  cost.total = cost.storage + cost.cpu + cost.memory + cost.gpu;
  return cost;
}
