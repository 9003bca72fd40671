/**
 * A keyed work queue in the manner of client-go's: a key waits at most once, is handled by one worker at a
 * time, comes back with exponential backoff after a failure and may ask to come back after a delay.
 */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly order: string[] = [];
  private readonly active = new Set<string>();
  /** Keys that were added again while being handled: they run once more afterwards. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = 0;
  private stopped = false;
  private idleResolvers: Array<() => void> = [];

  constructor(
    private readonly handle: (key: string) => Promise<{ requeueAfterMs?: number } | void>,
    private readonly concurrency: number,
    private readonly onError: (key: string, err: unknown, retryInMs: number) => void,
    private readonly maxBackoffMs = 60_000,
  ) {}

  /** Queues the key. `unlessActive`: a key being handled right now is left alone (polls, resyncs). */
  add(key: string, options: { unlessActive?: boolean } = {}): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      if (options.unlessActive) return;
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.order.push(key);
    this.pump();
  }

  /** Keys waiting or being handled (not those waiting out a delay). */
  get depth(): number {
    return this.order.length + this.running;
  }

  /** Whether the key waits for a worker. */
  isWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /** Whether a worker is handling the key right now. */
  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /** Adds the key after a delay; an earlier pending delay for the same key wins. setTimeout caps at ~24.8 days. */
  addAfter(key: string, delayMs: number): void {
    const capped = Math.min(Math.max(0, delayMs), 2 ** 31 - 1);
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, capped);
    timer.unref();
    this.timers.set(key, timer);
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.order.length > 0) {
      const key = this.order.shift()!;
      this.waiting.delete(key);
      this.active.add(key);
      this.running++;
      void this.work(key);
    }
    if (this.running === 0 && this.order.length === 0) for (const resolve of this.idleResolvers.splice(0)) resolve();
  }

  private async work(key: string): Promise<void> {
    try {
      const result = await this.handle(key);
      this.failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const n = this.failures.get(key) ?? 0;
      this.failures.set(key, n + 1);
      const retryInMs = Math.min(this.maxBackoffMs, 100 * 2 ** n);
      this.onError(key, err, retryInMs);
      this.addAfter(key, retryInMs);
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }

  /** Resolves when nothing is queued or running (delayed keys do not count). */
  idle(): Promise<void> {
    if (this.running === 0 && this.order.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  /** Takes no more work and resolves once the keys being handled are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.order.length = 0;
    this.waiting.clear();
    await this.idle();
  }
}
