import { sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { isPglite } from "../db/embedded";
import { ListenerClosedError, listenerOf, type Listener } from "../db/notifications";
import type { sessions } from "../db/schema";

export type SessionRow = typeof sessions.$inferSelect;

/** The channel the sessions table's triggers notify on: a token hash, or "" for every session (TRUNCATE). */
const CHANNEL = "spe_session_changed";
const MAX_ENTRIES = 10_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Session rows already read, so that a signed-in request need not ask the database for its session each
 * time. The database announces every session that ends or changes (a trigger NOTIFYs its token hash,
 * whichever replica or tool wrote), and this process forgets it on hearing so:
 *
 * - a logout in this process takes effect for the very next request: ending a session forgets it here
 *   before and after its row is deleted;
 * - a logout in another replica takes effect here once its notification arrives, milliseconds after its
 *   transaction commits;
 * - the cache is used only while this process is listening: before LISTEN has succeeded, and from the
 *   moment the listening connection is lost until it is back, every request reads the database and the
 *   cache is emptied, so a notification that could not arrive never keeps an ended session alive;
 * - a connection can also die without a word (a half-open TCP connection, a frozen backend): the cache is
 *   used only while the listener vouches for its connection (on PostgreSQL it heard its own probe in the
 *   last 3 s, which also proves that everything committed before arrived; see postgresListener), so a
 *   silent loss stops the cache within seconds, and the listener then drops that connection as lost, after
 *   which the cache listens again on a new one and starts empty. Embedded PGlite, where the listener is
 *   the database itself, cannot go silent;
 * - a read that overlapped any ending or a loss (the epoch moved on) is not remembered;
 * - a PostgreSQL database without the sessions table's triggers (its schema older than this code)
 *   announces nothing: there the cache is never used.
 *
 * The last-seen time is not announced (it changes once a minute per active session): the store reads the
 * row again before it acts on a remembered one (touches it, or ends it for idleness).
 */
export class SessionCache {
  private readonly rows = new Map<string, SessionRow>();
  private epoch = 0;
  private live = false;
  private retryMs = RETRY_MIN_MS;
  /** Counts starts and losses: what a start learns counts only if nothing was lost since it began. */
  private attempt = 0;

  constructor(
    private readonly listener: Listener,
    /** Whether every ended session is announced here (the triggers exist): asked each time listening starts. */
    private readonly announcesChanges: () => Promise<boolean>,
  ) {
    this.listen();
  }

  /** Whether remembered rows are used: this process hears every change now (its listener vouches for its connection). */
  get listening(): boolean {
    return this.live && this.listener.alive();
  }

  /** The remembered row, only while this process hears every change. */
  get(tokenHash: string): SessionRow | undefined {
    return this.listening ? this.rows.get(tokenHash) : undefined;
  }

  /** A mark to take before reading a row: remember(mark, …) keeps it only if nothing ended meanwhile. */
  mark(): number | undefined {
    return this.listening ? this.epoch : undefined;
  }

  remember(mark: number | undefined, tokenHash: string, row: SessionRow): void {
    if (!this.live || mark !== this.epoch) return;
    if (this.rows.size >= MAX_ENTRIES) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(tokenHash, row);
  }

  /** Forgets one session, or all of them; reads in flight are not remembered. */
  forget(tokenHash?: string): void {
    this.epoch++;
    if (tokenHash) this.rows.delete(tokenHash);
    else this.rows.clear();
  }

  /** Forgets the sessions past their absolute end. */
  forgetExpired(now: Date): void {
    for (const [tokenHash, row] of this.rows) if (row.expiresAt.getTime() < now.getTime()) this.rows.delete(tokenHash);
  }

  private listen(): void {
    const attempt = ++this.attempt;
    this.listener
      .listen(
        CHANNEL,
        (payload) => this.forget(payload || undefined),
        (err) => this.lost(err),
      )
      .then(() => this.announcesChanges())
      .then(
        (announces) => {
          if (attempt !== this.attempt) return;
          this.forget();
          this.live = announces;
          this.retryMs = RETRY_MIN_MS;
        },
        (err: Error) => {
          if (attempt === this.attempt) this.lost(err);
        },
      );
  }

  private lost(err: Error): void {
    this.attempt++;
    this.live = false;
    this.forget();
    if (err instanceof ListenerClosedError) return;
    // Until the connection is back every request reads its session from the database: slower, never wrong.
    setTimeout(() => this.listen(), this.retryMs).unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}

// One cache per database, shared by every SessionStore on it, so that one store's logout reaches the others at once.
const caches = new WeakMap<Db, SessionCache>();

/** The session cache of a database opened with openDatabase; undefined for one without a listener. */
export function sessionCacheFor(db: Db): SessionCache | undefined {
  let cache = caches.get(db);
  if (cache) return cache;
  const listener = listenerOf(db);
  if (!listener) return undefined;
  caches.set(db, (cache = new SessionCache(listener, () => announcesSessionChanges(db))));
  return cache;
}

/**
 * Whether every ended session reaches this process: through the sessions table's triggers (migrations/0008)
 * or, on embedded PGlite, which no other process writes, through the SessionStores of this process.
 */
async function announcesSessionChanges(db: Db): Promise<boolean> {
  if (isPglite(db)) return true;
  // All three: an ended session (delete), a changed one (update) and all of them (truncate).
  const result = (await db.execute(
    sql`select 1 from pg_trigger where tgrelid = 'sessions'::regclass and tgname in ('sessions_deleted', 'sessions_changed', 'sessions_truncated') and tgenabled <> 'D'`,
  )) as unknown as { rows: unknown[] };
  return result.rows.length === 3;
}
