// What operators watch the orchestrator by, in Prometheus's text format: the process (CPU, memory, event
// loop lag), the HTTP requests it answers, the reconciler's work, and the environments, deliveries and
// export requests in the database. No label ever holds a permit, a namespace, a person or a URL as sent:
// every label takes one of a few values fixed by the code, so that nothing personal leaves by this door and
// a caller cannot make the series grow without bound.
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../db/database";

/** What the reconciler tells the metrics: each reconcile's outcome, and how much work is waiting. */
export interface ReconcilerView {
  readonly isLeader: boolean;
  /** Namespaces queued or being reconciled right now (0 on a follower). */
  readonly queueDepth: number;
}

export interface Metrics {
  readonly registry: Registry;
  /** One answered request: `route` is the route's pattern as registered, never the URL as sent. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  observeReconcile(seconds: number, outcome: "ok" | "error"): void;
  /** The reconciler whose leadership and queue the metrics show (the one this process runs). */
  watchReconciler(reconciler: ReconcilerView): void;
}

/** HTTP methods by name; anything else (a made-up method) counts as "other". */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Per environment what is wanted and whether it is Ready; per delivery and per export request its state; per
 * notification delivery its state and channel. `detail` is the readiness of environments and the channel of
 * notifications.
 */
const stateCounts = (db: Db) =>
  db.execute(sql`
    select 'environment' as kind, desired_state as state,
      (conditions @> '[{"type": "Ready", "status": "True"}]'::jsonb)::text as detail, count(*)::int as n
      from environments group by 2, 3
    union all select 'delivery', state, null, count(*)::int from deliveries group by 2
    union all select 'export_request', state, null, count(*)::int from export_requests group by 2
    union all select 'notification', state, channel, count(*)::int from notification_deliveries group by 2, 3`) as unknown as Promise<{
    rows: Array<{ kind: string; state: string; detail: string | null; n: number }>;
  }>;

/** How long a scrape waits for the database's counts before it says the database is down. */
const STATE_QUERY_TIMEOUT_MS = 5_000;

/** A registry of its own (one per orchestrator: tests run several in one process) with every metric on it. */
export function createMetrics(db: Db, { stateQueryTimeoutMs = STATE_QUERY_TIMEOUT_MS } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let reconciler: ReconcilerView | undefined;

  const requests = new Counter({
    name: "spe_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status class.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: "spe_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route pattern (the gateway's WebSocket upgrades not included).",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reconciles = new Counter({
    name: "spe_reconciles_total",
    help: "Environment reconciles finished, by outcome (error: retried with backoff).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const reconcileSeconds = new Histogram({
    name: "spe_reconcile_duration_seconds",
    help: "Time one environment's reconcile took.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: "spe_reconciler_leader",
    help: "1 while this process holds the reconciler's lease and reconciles, else 0.",
    registers: [registry],
    collect() {
      this.set(reconciler?.isLeader ? 1 : 0);
    },
  });
  new Gauge({
    name: "spe_reconcile_queue_depth",
    help: "Environments queued or being reconciled in this process (not those waiting out a retry delay after a failure: see spe_reconciles_total).",
    registers: [registry],
    collect() {
      this.set(reconciler?.queueDepth ?? 0);
    },
  });

  // Read from the database at each scrape, so every replica shows the same whole picture: one query per
  // scrape for the four gauges. A scrape collects the metrics in the order they were registered, so the
  // first of them (spe_database_up) asks, and the other three wait for its answer.
  // A database that does not answer (locked table, lost server) must not hold the scrape, nor should every
  // scrape meanwhile take another pooled connection: scrapes share the query still running, and give up
  // waiting for it after a few seconds.
  let running: ReturnType<typeof stateCounts> | undefined;
  const query = () => (running ??= stateCounts(db).finally(() => (running = undefined)));
  let counting: Promise<void> = Promise.resolve();
  const countStates = () =>
    (counting = withTimeout(query(), stateQueryTimeoutMs).then(
      ({ rows }) => {
        for (const gauge of [environments, deliveries, exportRequests, notifications]) gauge.reset();
        for (const { kind, state, detail, n } of rows) {
          if (kind === "environment") environments.set({ desired_state: state, ready: detail ?? "false" }, n);
          else if (kind === "delivery") deliveries.set({ state }, n);
          else if (kind === "notification") notifications.set({ state, channel: detail ?? "" }, n);
          else exportRequests.set({ state }, n);
        }
        database.set(1);
      },
      () => {
        // No numbers rather than the last known ones: a gap in the series says what happened.
        for (const gauge of [environments, deliveries, exportRequests, notifications]) gauge.reset();
        database.set(0);
      },
    ));
  const database = new Gauge({
    name: "spe_database_up",
    help: "1 when this scrape could read the database within a few seconds, else 0.",
    registers: [registry],
    collect: countStates,
  });
  const counted = () => counting;
  const environments = new Gauge({
    name: "spe_environments",
    help: "Environments by wanted state and readiness (the database's count: every replica shows the same; aggregate with max, not sum).",
    labelNames: ["desired_state", "ready"] as const,
    registers: [registry],
    collect: counted,
  });
  const deliveries = new Gauge({
    name: "spe_deliveries",
    help: "Dataset deliveries by state (receiving, staged, rejected, failed; the database's count, the same on every replica).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: counted,
  });
  const exportRequests = new Gauge({
    name: "spe_export_requests",
    help: "Export requests by state; submitted ones wait for output checkers (the database's count, the same on every replica).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: counted,
  });
  const notifications = new Gauge({
    name: "spe_notification_deliveries",
    help: "Notifications by e-mail or webhook by state: pending (waiting or being retried), sent, failed (given up); the database's count.",
    labelNames: ["state", "channel"] as const,
    registers: [registry],
    collect: counted,
  });

  return {
    registry,
    observeRequest(method, route, statusCode, seconds) {
      requests.inc({
        method: METHODS.has(method) ? method : "other",
        route,
        status: `${Math.floor(statusCode / 100)}xx`,
      });
      requestSeconds.observe({ route }, seconds);
    },
    observeReconcile(seconds, outcome) {
      reconciles.inc({ outcome });
      reconcileSeconds.observe(seconds);
    },
    watchReconciler(view) {
      reconciler = view;
    },
  };
}

/** `promise`, or a rejection once `ms` have passed without it settling. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
