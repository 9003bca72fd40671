import rateLimit from "@fastify/rate-limit";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { Db } from "../db/database";

/** How many refusals of the staging endpoint are audited one by one, per window. */
export interface RefusalLimits {
  /** Per client address (IPv6 by its /64): a loader that is refused this often is broken or not a loader. */
  perAddress: number;
  /** From all addresses together, so that many addresses cannot multiply the audit log's writes either. */
  total: number;
  windowMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { perAddress: 30, total: 300, windowMs: 60_000 };

/** Which limit a refusal went past: the client's address's own, or the one of all addresses together. */
export type RefusalLimitName = "address" | "all addresses";

export type RefusalVerdict = { audit: true } | { audit: false; limit: RefusalLimitName; retryAfterSeconds: number };

/**
 * Bounds the audit writes that anyone who can reach /staging can cause: every refusal is an audit event
 * (each append takes the log's lock), until an address passes `perAddress` refusals in a window or all
 * addresses pass `total`. Further refusals are answered 429 without an event each; once per window one
 * `staging.refusals-suppressed` event says how many there were, from which addresses and with which codes.
 * Only refusals up to and including the capability check count (the caller admits no others): a loader with
 * a valid capability is served, or told plainly that its file cannot be read now, however many refusals its
 * address has.
 */
export interface RefusalBudget {
  /** Counts one refusal of `code` and says whether it may be audited. */
  admit(req: FastifyRequest, code: string, namespace: string | undefined): Promise<RefusalVerdict>;
  /** Writes the summary of what was suppressed so far, if anything was (also on close). */
  flush(): Promise<void>;
}

/** The most addresses one summary names; the rest are counted together. */
const ADDRESSES_NAMED = 50;
/** The most addresses counted apart in memory between two summaries. */
const MAX_ADDRESSES_COUNTED = 10_000;

interface Suppressed {
  count: number;
  codes: Record<string, number>;
  namespaces: Set<string>;
}

/** The one event a window's suppressed refusals become, and what they were, for the log line. */
export interface RefusalSummary {
  action: string;
  target: string;
  what: string;
}

export const STAGING_REFUSAL_SUMMARY: RefusalSummary = {
  action: "staging.refusals-suppressed",
  target: "staging:refusals",
  what: "staging refusals",
};

/**
 * Registers the limiter in `scope` (an encapsulated plugin, so nothing else is limited by it). The staging
 * endpoint has a budget of its own; the requests anyone can send without credentials share another
 * (http/stranger-refusals.ts).
 */
export async function refusalBudget(
  scope: FastifyInstance,
  db: Db,
  limits: RefusalLimits,
  log: FastifyBaseLogger,
  summary: RefusalSummary = STAGING_REFUSAL_SUMMARY,
): Promise<RefusalBudget> {
  await scope.register(rateLimit, { global: false });
  const perAddress = scope.createRateLimit({ max: limits.perAddress, timeWindow: limits.windowMs });
  const total = scope.createRateLimit({
    max: limits.total,
    timeWindow: limits.windowMs,
    keyGenerator: () => "all addresses",
  });
  let suppressed = new Map<string, Suppressed>();
  let since = new Date();

  const flush = async () => {
    const batch = suppressed;
    const from = since;
    suppressed = new Map();
    since = new Date();
    if (batch.size === 0) return;
    const byCount = [...batch].sort((a, b) => b[1].count - a[1].count);
    const count = byCount.reduce((n, [, s]) => n + s.count, 0);
    const codes: Record<string, number> = {};
    for (const [, s] of byCount) for (const [code, n] of Object.entries(s.codes)) codes[code] = (codes[code] ?? 0) + n;
    const addresses = byCount
      .slice(0, ADDRESSES_NAMED)
      .map(([address, s]) => ({ address, count: s.count, namespaces: [...s.namespaces].slice(0, 10) }));
    const details = {
      count,
      from: from.toISOString(),
      to: since.toISOString(),
      limits,
      codes,
      addresses,
      otherAddresses: Math.max(0, byCount.length - ADDRESSES_NAMED),
    };
    await recordAuditEvent(db, {
      actor: { subject: "system", role: "system", address: null },
      action: summary.action,
      target: summary.target,
      details,
    });
    log.warn(
      { count, addresses: byCount.length, what: summary.what },
      "Suppressed audit events of refusals over the limit",
    );
  };
  const timer = setInterval(
    () =>
      void flush().catch((err: unknown) =>
        log.error({ err, what: summary.what }, "Failed to record suppressed refusals"),
      ),
    limits.windowMs,
  );
  timer.unref();
  scope.addHook("onClose", async () => {
    clearInterval(timer);
    await flush();
  });

  return {
    flush,
    async admit(req, code, namespace) {
      for (const [name, limiter] of [
        ["address", perAddress],
        ["all addresses", total],
      ] as const) {
        const limit = await limiter(req);
        if (limit.isAllowed || !limit.isExceeded) continue;
        // Counted under its address while the summary is small; a spray of addresses is counted as one.
        const address = suppressed.has(req.ip) || suppressed.size < MAX_ADDRESSES_COUNTED ? req.ip : "other addresses";
        const entry = suppressed.get(address) ?? { count: 0, codes: {}, namespaces: new Set<string>() };
        entry.count++;
        entry.codes[code] = (entry.codes[code] ?? 0) + 1;
        if (namespace && entry.namespaces.size < 10) entry.namespaces.add(namespace);
        suppressed.set(address, entry);
        return { audit: false, limit: name, retryAfterSeconds: Math.max(1, limit.ttlInSeconds) };
      }
      return { audit: true };
    },
  };
}
