import { TONES, type Tone } from "@spe/orchestrator/environment-tones";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, TABLE_SORTS, type TableSort } from "@spe/orchestrator/table-options";

/** The operators' table as its URL holds it: what a link or a reload brings back. */
export interface TableQuery {
  text: string;
  tone?: Tone;
  sort: TableSort;
  page: number;
  size: number;
}

const oneOf = <T extends string | number>(allowed: readonly T[], value: unknown): T | undefined =>
  allowed.find((a) => String(a) === value);

/**
 * The table's query from the page's search parameters (`q`, `state`, `sort`, `page`, `size`). A hand-edited
 * URL with a value the table does not know gets the default for it, never an error page.
 */
export function queryFromSearch(params: URLSearchParams): TableQuery {
  const page = Number(params.get("page"));
  return {
    text: (params.get("q") ?? "").slice(0, 200),
    tone: oneOf(TONES, params.get("state")),
    sort: oneOf(TABLE_SORTS, params.get("sort")) ?? "newest",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: oneOf(PAGE_SIZES, params.get("size")) ?? DEFAULT_PAGE_SIZE,
  };
}

/** The search parameters of a query, leaving out what is the default, so that a plain URL stays plain. */
export function searchFromQuery(query: TableQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.text.trim()) params.set("q", query.text.trim());
  if (query.tone) params.set("state", query.tone);
  if (query.sort !== "newest") params.set("sort", query.sort);
  if (query.page > 1) params.set("page", String(query.page));
  if (query.size !== DEFAULT_PAGE_SIZE) params.set("size", String(query.size));
  return params;
}

/** Hours since `from`, never negative (a clock a little ahead of ours). */
export const hoursSince = (from: string | Date, now: Date) =>
  Math.max(0, (now.getTime() - new Date(from).getTime()) / 3_600_000);

/** Whole days left until `until`, rounded up (a permit ending later today has 1); negative once past. */
export const daysUntil = (until: string | Date, now: Date) =>
  Math.ceil((new Date(until).getTime() - now.getTime()) / 86_400_000);

export { TONES, TABLE_SORTS, PAGE_SIZES };
