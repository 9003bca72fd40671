import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/database";
import { notificationDeliveries, notifications } from "../db/schema";
import { recordEndingPermits } from "./ending-sweep";
import { renderEmail } from "./messages";
import { NOTIFICATION_KINDS, type NotificationAbout, type NotificationKind } from "./notification-kinds";
import { recipientsOf } from "./recipients";
import type { MailSender } from "./send-email";
import { sendWebhook } from "./send-webhook";
import type { WebhookDestination } from "./webhook-destinations";

export interface RetryPolicy {
  /** The wait after the first failure; it doubles with each further one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this many failed attempts a delivery is given up (`failed`) and stays for operators to see. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 10 };

export interface SenderOptions {
  db: Db;
  log: Pick<Logger, "info" | "warn" | "error">;
  publicUrl: string;
  mail?: MailSender | undefined;
  webhooks: readonly WebhookDestination[];
  retry?: RetryPolicy;
  webhookTimeoutMs?: number;
  /** How often the outbox is looked at; every action's notification waits at most this long. */
  intervalMs?: number;
  /** How often permits are looked at for an end within 30 or 7 days. */
  sweepIntervalMs?: number;
  now?: () => Date;
}

/** The wait before attempt `attempts + 1`, after `attempts` failures: exponential, capped. */
export function backoffDelay(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);
}

const BATCH = 20;

/**
 * Sends what the outbox holds, after the actions that wrote it have committed: expands each notification into
 * one delivery per recipient, then sends the deliveries that are due, each by e-mail or webhook, and records
 * the outcome — sent, or the failure with the next attempt's time, until it is given up. Runs on every
 * replica: rows are claimed with SKIP LOCKED and a lease, so two never send the same one at once.
 */
export class NotificationSender {
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private readonly webhooksByName: Map<string, WebhookDestination>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(private readonly options: SenderOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.now = options.now ?? (() => new Date());
    this.webhooksByName = new Map(options.webhooks.map((w) => [w.name, w]));
  }

  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.options.log.error({ err }, "Failed to work through the notification outbox"))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs ?? 2000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: the ending sweep when it is due, expansion, then every delivery that is due. */
  async runOnce(): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.lastSweep >= (this.options.sweepIntervalMs ?? 600_000)) {
      await recordEndingPermits(this.options.db, now);
      this.lastSweep = now.getTime();
    }
    while ((await this.expand()) === BATCH);
    while ((await this.sendDue()) === BATCH);
  }

  /** Writes the deliveries of notifications not yet expanded; returns how many it took. */
  private async expand(): Promise<number> {
    return this.options.db.transaction(async (tx) => {
      const now = this.now();
      const batch = await tx
        .select()
        .from(notifications)
        .where(isNull(notifications.expandedAt))
        .orderBy(asc(notifications.createdAt))
        .limit(BATCH)
        .for("update", { skipLocked: true });
      for (const n of batch) {
        const recipients = await recipientsOf(tx, n.kind, n.about, {
          email: !!this.options.mail,
          webhooks: this.options.webhooks,
        });
        if (recipients.length)
          await tx.insert(notificationDeliveries).values(
            recipients.map((r) => ({
              id: randomUUID(),
              notificationId: n.id,
              ...r,
              state: "pending" as const,
              nextAttemptAt: now,
              createdAt: now,
            })),
          );
        await tx.update(notifications).set({ expandedAt: now }).where(eq(notifications.id, n.id));
      }
      return batch.length;
    });
  }

  /** Claims the due deliveries (pushing their next attempt past the time a send may take), sends each. */
  private async sendDue(): Promise<number> {
    const now = this.now();
    const lease = new Date(now.getTime() + (this.options.webhookTimeoutMs ?? 10_000) + 60_000);
    const due = await this.options.db.transaction(async (tx) => {
      const rows = await tx
        .select({ delivery: notificationDeliveries, kind: notifications.kind, about: notifications.about })
        .from(notificationDeliveries)
        .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
        .where(and(eq(notificationDeliveries.state, "pending"), lte(notificationDeliveries.nextAttemptAt, now)))
        .orderBy(asc(notificationDeliveries.nextAttemptAt))
        .limit(BATCH)
        .for("update", { of: notificationDeliveries, skipLocked: true });
      if (rows.length)
        await tx
          .update(notificationDeliveries)
          .set({ nextAttemptAt: lease })
          .where(
            inArray(
              notificationDeliveries.id,
              rows.map((r) => r.delivery.id),
            ),
          );
      return rows;
    });
    await Promise.all(due.map((row) => this.attempt(row)));
    return due.length;
  }

  private async attempt(row: {
    delivery: typeof notificationDeliveries.$inferSelect;
    kind: NotificationKind;
    about: NotificationAbout;
  }): Promise<void> {
    const { delivery, kind, about } = row;
    const attempts = delivery.attempts + 1;
    try {
      await this.deliver(delivery, kind, about);
      await this.options.db
        .update(notificationDeliveries)
        .set({ state: "sent", attempts, sentAt: this.now(), lastError: null })
        .where(eq(notificationDeliveries.id, delivery.id));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const givenUp = attempts >= this.retry.maxAttempts;
      const next = new Date(this.now().getTime() + backoffDelay(this.retry, attempts));
      await this.options.db
        .update(notificationDeliveries)
        .set({ state: givenUp ? "failed" : "pending", attempts, lastError: message, nextAttemptAt: next })
        .where(eq(notificationDeliveries.id, delivery.id));
      const fields = { delivery: delivery.id, kind, channel: delivery.channel, attempts, error: message };
      if (givenUp) this.options.log.error(fields, "Gave up a notification delivery");
      else this.options.log.warn(fields, "Failed a notification delivery; will retry");
    }
  }

  private async deliver(
    delivery: typeof notificationDeliveries.$inferSelect,
    kind: NotificationKind,
    about: NotificationAbout,
  ): Promise<void> {
    const base = this.options.publicUrl;
    if (delivery.channel === "email") {
      if (!this.options.mail) throw new Error("no SMTP server is configured (SMTP_URL)");
      const page = `${base}${NOTIFICATION_KINDS[kind].page(about)}`;
      const message = renderEmail(kind, about, delivery.language, { page, settings: `${base}/settings` });
      return this.options.mail.send({ to: delivery.recipient, ...message });
    }
    const destination = this.webhooksByName.get(delivery.recipient);
    if (!destination) throw new Error(`no webhook named ${delivery.recipient} is configured any more`);
    const body = JSON.stringify({
      id: delivery.notificationId,
      kind,
      ...about,
      link: `${base}${NOTIFICATION_KINDS[kind].api(about)}`,
    });
    await sendWebhook(destination, delivery.notificationId, body, {
      timeoutMs: this.options.webhookTimeoutMs ?? 10_000,
    });
  }
}

/** Counts by state, for operators and the metrics: how much is waiting, sent and given up. */
export async function deliveryCounts(db: Db): Promise<Record<"pending" | "sent" | "failed", number>> {
  const rows = await db
    .select({ state: notificationDeliveries.state, count: sql<number>`count(*)::int` })
    .from(notificationDeliveries)
    .groupBy(notificationDeliveries.state);
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.state] = Number(r.count);
  return counts;
}
