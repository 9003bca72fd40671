/**
 * A frequency table as differencing sees it: what the researcher declared (its population, which columns
 * are its dimensions) and its cells. `count` null is a suppressed (redacted) cell. Rows whose category is
 * a total label on some dimension are margins, not cells.
 */
export interface DeclaredTable {
  /** How findings name it: the file and, for a released one, its request. */
  name: string;
  /** The population the researcher declared (the same words mean the same population). */
  population: string;
  dimensions: string[];
  rows: Array<{ categories: Record<string, string>; count: number | null }>;
}

/** Category labels that mark a margin (any case), as the SDC profiles' totals use them. */
export const TOTAL_LABELS = new Set(["total", "totalt", "all", "alla", "summa"]);

export const isTotal = (label: string) => TOTAL_LABELS.has(label.trim().toLowerCase());

/** A category as an interval of whole numbers [lower, upper): `18-64`, `65+`, `<18`, `42`; else undefined. */
export function intervalOf(label: string): { lower: number; upper: number } | undefined {
  const text = label.trim();
  let m = /^(\d+)\s*[-–]\s*(\d+)$/.exec(text);
  if (m) return { lower: Number(m[1]), upper: Number(m[2]) + 1 };
  m = /^(\d+)\s*\+$/.exec(text);
  if (m) return { lower: Number(m[1]), upper: Number.POSITIVE_INFINITY };
  m = /^<\s*(\d+)$/.exec(text);
  if (m) return { lower: Number.NEGATIVE_INFINITY, upper: Number(m[1]) };
  m = /^(\d+)$/.exec(text);
  if (m) return { lower: Number(m[1]), upper: Number(m[1]) + 1 };
  return undefined;
}

/**
 * The table summed over every dimension but `keep`: one count per combination of `keep`'s categories,
 * null where a suppressed cell is part of the sum and the table gives no explicit margin for it.
 */
export function marginal(table: DeclaredTable, keep: readonly string[]): Map<string, number | null> {
  const key = (categories: Record<string, string>) => JSON.stringify(keep.map((d) => categories[d] ?? ""));
  const dropped = table.dimensions.filter((d) => !keep.includes(d));
  const sums = new Map<string, number | null>();
  const explicit = new Map<string, number | null>();
  for (const { categories, count } of table.rows) {
    if (keep.some((d) => isTotal(categories[d] ?? ""))) continue;
    const margins = dropped.filter((d) => isTotal(categories[d] ?? ""));
    const k = key(categories);
    if (margins.length === dropped.length && dropped.length > 0) explicit.set(k, count);
    else if (margins.length === 0) {
      const sum = sums.get(k);
      sums.set(k, sum === null || count === null ? null : (sum ?? 0) + count);
    }
  }
  for (const [k, count] of explicit) if (sums.get(k) === null || !sums.has(k)) sums.set(k, count);
  return sums;
}
