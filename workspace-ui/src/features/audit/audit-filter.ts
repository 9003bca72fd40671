import { startOfDay } from "../../lib/format";

/** The auditor's filter as the page's address holds it: what a link or a reload brings back. */
export interface TrailQuery {
  person: string;
  environment: string;
  permit: string;
  /** An exact action, or a domain's prefix (`export.*`). */
  action: string;
  text: string;
  /** Calendar days (YYYY-MM-DD) in the installation's time zone, both included. */
  from: string;
  to: string;
  before?: number;
  after?: number;
}

const FIELDS = ["person", "environment", "permit", "action", "text", "from", "to"] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const position = (value: string | null) => {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** The query in the address; a hand-edited value the page cannot use is dropped, never an error page. */
export function trailFromSearch(params: URLSearchParams): TrailQuery {
  const text = (name: string, max = 200) => (params.get(name) ?? "").trim().slice(0, max);
  return {
    person: text("person", 255),
    environment: text("environment", 63),
    permit: text("permit"),
    action: text("action", 100),
    text: text("text"),
    from: DAY.test(text("from")) ? text("from") : "",
    to: DAY.test(text("to")) ? text("to") : "",
    before: position(params.get("before")),
    after: position(params.get("after")),
  };
}

/** The address of a query, leaving out what is empty, so that a plain log has a plain address. */
export function searchFromTrail(query: TrailQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (query[field]) params.set(field, query[field]);
  if (query.before !== undefined) params.set("before", String(query.before));
  if (query.after !== undefined) params.set("after", String(query.after));
  return params;
}

/** The filter as the API takes it: days become the instants they start and end at in the installation's zone. */
export function filterOf(query: TrailQuery) {
  const nextDay = (day: string) => {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  };
  return {
    ...(query.person && { person: query.person }),
    ...(query.environment && { environment: query.environment }),
    ...(query.permit && { permit: query.permit }),
    ...(query.action && { action: query.action }),
    ...(query.text && { text: query.text }),
    ...(query.from && { from: startOfDay(query.from).toISOString() }),
    // The last millisecond of the day: the server's "to" includes its bound.
    ...(query.to && { to: new Date(startOfDay(nextDay(query.to)).getTime() - 1).toISOString() }),
  };
}
