import { intervalOf, isTotal, marginal, type DeclaredTable } from "./declared-table";

/** A count below the threshold that a new table and a released one reveal together. */
export interface DifferencingFinding {
  /** The new table and the released one it combines with. */
  tables: [string, string];
  how: "interval-difference" | "margin-subtraction";
  /** The categories of the other shared dimensions that the finding is within. */
  within: Record<string, string>;
  /** What is revealed: `age 45–49`, or the suppressed cell's categories. */
  slice: string;
  revealed: number;
}

/**
 * Checks a new frequency table against the tables already released under the same permit, over the same
 * declared population, for counts below `threshold` that follow from combining them (one- and two-way
 * tables and their totals):
 * - interval-difference: on a shared dimension whose categories are ranges (`0-49`, `50+`) binned
 *   differently in the two tables, the count in a slice between boundaries of different tables (45–49
 *   from 0–49 and 0–44) is the difference of cumulative counts;
 * - margin-subtraction: a suppressed cell, alone in its group on the shared dimensions, is the other
 *   table's margin minus the group's published cells (in either direction).
 * Other dimensions must match by label; nested categories other than ranges, more than one suppressed
 * cell per group, rounding and tables over different populations are not detected.
 */
export function findDifferencing(
  table: DeclaredTable,
  released: readonly DeclaredTable[],
  threshold: number,
): DifferencingFinding[] {
  return released
    .filter((other) => other.population.trim().toLowerCase() === table.population.trim().toLowerCase())
    .flatMap((other) => {
      const shared = table.dimensions.filter((d) => other.dimensions.includes(d));
      if (shared.length === 0) return [];
      // Margins over all shared dimensions, and over each one less (a two-way table's row and column totals).
      const groupings = [shared, ...(shared.length > 1 ? shared.map((d) => shared.filter((x) => x !== d)) : [])];
      return unique([
        ...shared.flatMap((d) => intervalDifferences(table, other, d, shared, threshold)),
        ...groupings.flatMap((keep) => [
          ...marginSubtractions(table, other, keep, threshold),
          ...marginSubtractions(other, table, keep, threshold).map((f): DifferencingFinding => ({
            ...f,
            tables: [table.name, other.name],
          })),
        ]),
      ]);
    });
}

function unique(findings: DifferencingFinding[]): DifferencingFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.how}\u0000${f.tables.join("\u0000")}\u0000${f.slice}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

function intervalDifferences(
  a: DeclaredTable,
  b: DeclaredTable,
  dimension: string,
  shared: readonly string[],
  threshold: number,
): DifferencingFinding[] {
  const others = shared.filter((d) => d !== dimension);
  const keep = [...others, dimension];
  const binsOf = (table: DeclaredTable) => {
    const groups = new Map<string, Array<{ lower: number; upper: number; count: number | null }>>();
    for (const [key, count] of marginal(table, keep)) {
      const labels = JSON.parse(key) as string[];
      const interval = intervalOf(labels.at(-1)!);
      if (!interval) return undefined; // not a dimension of ranges
      const group = JSON.stringify(labels.slice(0, -1));
      groups.set(group, [...(groups.get(group) ?? []), { ...interval, count }]);
    }
    return groups;
  };
  const [binsA, binsB] = [binsOf(a), binsOf(b)];
  if (!binsA || !binsB) return [];
  const findings: DifferencingFinding[] = [];
  for (const [group, inA] of binsA) {
    const inB = binsB.get(group);
    if (!inB) continue;
    const known = new Map<number, number>();
    const cells = new Set<string>();
    let consistent = true;
    for (const bins of [inA, inB]) {
      const sorted = [...bins].sort((x, y) => x.lower - y.lower);
      let below = 0;
      known.set(sorted[0]!.lower, 0);
      for (const bin of sorted) {
        cells.add(`${bin.lower}:${bin.upper}`);
        if (bin.count === null) break; // cumulative counts stop at a suppressed bin
        below += bin.count;
        if (known.has(bin.upper) && known.get(bin.upper) !== below) consistent = false;
        known.set(bin.upper, below);
      }
    }
    if (!consistent) continue; // not the same population after all: nothing follows
    const points = [...known.keys()].sort((x, y) => x - y);
    const within = Object.fromEntries(others.map((d, i) => [d, (JSON.parse(group) as string[])[i]!]));
    for (let i = 1; i < points.length; i++) {
      const [from, to] = [points[i - 1]!, points[i]!];
      if (cells.has(`${from}:${to}`)) continue; // a published cell: its own checks judge it
      const revealed = known.get(to)! - known.get(from)!;
      if (revealed > 0 && revealed < threshold)
        findings.push({
          tables: [a.name, b.name],
          how: "interval-difference",
          within,
          slice: `${dimension} ${rangeText(from, to)}`,
          revealed,
        });
    }
  }
  return findings;
}

/** Suppressed cells of `table` that `other`'s margins give away. */
function marginSubtractions(
  table: DeclaredTable,
  other: DeclaredTable,
  shared: readonly string[],
  threshold: number,
): DifferencingFinding[] {
  const margins = marginal(other, shared);
  const groups = new Map<string, Array<DeclaredTable["rows"][number]>>();
  for (const row of table.rows) {
    if (table.dimensions.some((d) => isTotal(row.categories[d] ?? ""))) continue;
    const key = JSON.stringify(shared.map((d) => row.categories[d] ?? ""));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const findings: DifferencingFinding[] = [];
  for (const [key, rows] of groups) {
    const suppressed = rows.filter((r) => r.count === null);
    const margin = margins.get(key);
    if (suppressed.length !== 1 || margin === undefined || margin === null) continue;
    const revealed = margin - rows.reduce((sum, r) => sum + (r.count ?? 0), 0);
    if (revealed >= 0 && revealed < threshold)
      findings.push({
        tables: [table.name, other.name],
        how: "margin-subtraction",
        within: Object.fromEntries(shared.map((d, i) => [d, (JSON.parse(key) as string[])[i]!])),
        slice: table.dimensions.map((d) => `${d} ${suppressed[0]!.categories[d]}`).join(", "),
        revealed,
      });
  }
  return findings;
}

function rangeText(from: number, to: number): string {
  if (to === Number.POSITIVE_INFINITY) return `${from}+`;
  if (from === Number.NEGATIVE_INFINITY) return `<${to}`;
  return to - from === 1 ? `${from}` : `${from}–${to - 1}`;
}
