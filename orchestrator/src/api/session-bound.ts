import { EventEmitter } from "node:events";
import { eq } from "drizzle-orm";
import type { Db } from "../db/database";
import { listenerOf } from "../db/notifications";
import { sessions } from "../db/schema";

/** What the sessions table's triggers announce (migrations/0008): a token hash, or "" for all sessions. */
const CHANNEL = "spe_session_changed";

// One LISTEN per database and process, shared by every open stream (as environment-events.ts does).
const hubs = new WeakMap<Db, { emitter: EventEmitter; listening?: Promise<void> }>();

function hubOf(db: Db) {
  let hub = hubs.get(db);
  if (!hub) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    hub = { emitter };
    hubs.set(db, hub);
  }
  const listener = listenerOf(db);
  if (!hub.listening && listener) {
    const lost = () => {
      hub!.listening = undefined;
      hub!.emitter.emit("changed", "");
    };
    hub.listening = listener.listen(CHANNEL, (hash) => hub!.emitter.emit("changed", hash), lost);
    hub.listening.catch(lost);
  }
  return hub;
}

/**
 * A signal that aborts with `signal`, or within moments of the session of `sessionHash` ending (logout,
 * expiry, removal): a live stream is authorised when it opens and must not outlive the right it opened
 * with. Without a session hash only `signal` (and the stream's maximum duration) ends it.
 */
export function untilSessionEnds(db: Db, sessionHash: string | undefined, signal: AbortSignal | undefined) {
  if (!sessionHash) return signal;
  const ended = new AbortController();
  const { emitter } = hubOf(db);
  const onChange = (hash: string) => {
    if (hash !== "" && hash !== sessionHash) return;
    void db
      .select({ expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(eq(sessions.tokenHash, sessionHash))
      .then(
        ([row]) => (!row || row.expiresAt <= new Date() ? ended.abort() : undefined),
        () => ended.abort(),
      );
  };
  emitter.on("changed", onChange);
  const both = signal ? AbortSignal.any([signal, ended.signal]) : ended.signal;
  both.addEventListener("abort", () => emitter.off("changed", onChange), { once: true });
  return both;
}
