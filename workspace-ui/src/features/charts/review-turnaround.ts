/** A decided export request: its latest submission and its decision. */
export interface DecidedRequest {
  submittedAt: string | Date | null;
  decidedAt: string | Date | null;
}

export const BUCKETS = [
  { key: "under1h", upToHours: 1 },
  { key: "under4h", upToHours: 4 },
  { key: "under1d", upToHours: 24 },
  { key: "under3d", upToHours: 72 },
  { key: "under7d", upToHours: 168 },
  { key: "over7d", upToHours: Infinity },
] as const;

export type BucketKey = (typeof BUCKETS)[number]["key"];

const HOUR = 3_600_000;

/** Hours from submission to decision, for the requests that have both (and in that order). */
export function turnaroundHours(requests: readonly DecidedRequest[]): number[] {
  return requests.flatMap((r) => {
    if (!r.submittedAt || !r.decidedAt) return [];
    const hours = (new Date(r.decidedAt).getTime() - new Date(r.submittedAt).getTime()) / HOUR;
    return hours >= 0 ? [hours] : [];
  });
}

/** How many requests were decided within each span; a span's upper bound belongs to it. */
export function turnaroundBuckets(hours: readonly number[]): Array<{ key: BucketKey; count: number }> {
  const counts = BUCKETS.map((b) => ({ key: b.key as BucketKey, count: 0 }));
  for (const h of hours) counts[BUCKETS.findIndex((b) => h <= b.upToHours)]!.count++;
  return counts;
}

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
