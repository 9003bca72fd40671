import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../db/database";
import type { ActivityEntry, ActivityKind, ActivityPerson } from "./activity-entry";
import { appendActivityBatch } from "./append-activity-batch";

/** Where the gateway's hooks put what they saw: synchronous, never throws, never waits for the database. */
export interface ActivitySink {
  record(person: ActivityPerson, kind: ActivityKind, details: Record<string, unknown>, time?: Date): void;
}

export interface ActivityWriterOptions {
  log?: Pick<FastifyBaseLogger, "warn">;
  /** How long an entry may wait before its batch is written (default 1 s). */
  flushMs?: number;
  /** The most entries one batch holds (default 500). */
  maxBatch?: number;
  /** The most entries held while the database is away; past it new ones are counted as lost (default 50,000). */
  maxPending?: number;
}

/**
 * The buffered writer of the record of activities: entries wait in memory and are appended as batches
 * (append-activity-batch.ts), one lock and one hash per batch, never per kernel message. A batch that
 * fails is retried; while the database stays away the buffer is bounded, and what could not be kept is
 * itself recorded (`record.lost`, per person) once the database is back, so the record says where it has
 * a gap.
 */
export class ActivityWriter implements ActivitySink {
  private pending: ActivityEntry[] = [];
  /** Per `namespace\nsubject`: entries dropped while the buffer was full. */
  private lost = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private failures = 0;

  constructor(
    private readonly db: Db,
    private readonly options: ActivityWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxPending = options.maxPending ?? 50_000;
  }

  record(person: ActivityPerson, kind: ActivityKind, details: Record<string, unknown>, time = new Date()): void {
    if (this.pending.length >= this.maxPending) {
      const key = `${person.namespace}\n${person.subject}`;
      this.lost.set(key, (this.lost.get(key) ?? 0) + 1);
      return;
    }
    this.pending.push({
      time: time.toISOString(),
      namespace: person.namespace,
      subject: person.subject,
      kind,
      details,
    });
    // After a failure the backoff's timer is already set: a full buffer must not retry at once, every entry.
    if (this.failures === 0) this.schedule(this.pending.length >= this.maxBatch ? 0 : this.flushMs);
  }

  /** How many entries wait to be written. */
  get size(): number {
    return this.pending.length;
  }

  /** Writes everything that waits, batch by batch; resolves when done or when a batch failed (kept for later). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Writes what waits and stops the timer: for shutdown. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms).unref();
  }

  private async drain(): Promise<void> {
    this.noteLost();
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.maxBatch);
      try {
        await appendActivityBatch(this.db, batch);
        this.pending.splice(0, batch.length);
        this.failures = 0;
      } catch (err) {
        // Kept in order for the next try, later each time: a database away must not be hammered.
        this.failures += 1;
        this.options.log?.warn(
          { entries: this.pending.length, err: (err as Error).message },
          "Failed to append a batch to the record of activities",
        );
        this.schedule(Math.min(this.flushMs * 2 ** this.failures, 60_000));
        return;
      }
    }
  }

  /** Turns the counts of dropped entries into entries of their own, at the head of the queue. */
  private noteLost(): void {
    if (this.lost.size === 0) return;
    const now = new Date().toISOString();
    const notes: ActivityEntry[] = [...this.lost].map(([key, entries]) => {
      const [namespace, subject] = key.split("\n") as [string, string];
      return { time: now, namespace, subject, kind: "record.lost", details: { entries } };
    });
    this.lost.clear();
    this.pending.unshift(...notes);
  }
}
