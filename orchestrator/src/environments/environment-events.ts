import { EventEmitter, on } from "node:events";
import type { Db } from "../db/database";

/** An environment's row was written: what to look up again, not what changed (level-based, like the reconciler). */
export interface EnvironmentChanged {
  namespace: string;
}

// One emitter per database: stacks that share a process (tests) never hear each other's environments, and
// nothing has to be wired through main.ts. It lives only in this process: with API replicas apart from the
// reconciler's, this would need PostgreSQL LISTEN/NOTIFY instead.
const emitters = new WeakMap<Db, EventEmitter>();

function emitterOf(db: Db): EventEmitter {
  let emitter = emitters.get(db);
  if (!emitter) {
    emitter = new EventEmitter();
    // Every operator's open page is a listener; there is no leak to warn about.
    emitter.setMaxListeners(0);
    emitters.set(db, emitter);
  }
  return emitter;
}

/** Tells listeners that an environment's row changed; called after the write has committed. */
export function publishEnvironmentChange(db: Db, namespace: string): void {
  emitterOf(db).emit("changed", { namespace } satisfies EnvironmentChanged);
}

/**
 * Every change from the moment of the call (not of the first `next()`: a caller can catch up on what it
 * missed and lose nothing in between), until `signal` aborts because the subscriber went away.
 */
export function environmentChanges(db: Db, signal: AbortSignal | undefined): AsyncGenerator<EnvironmentChanged> {
  const events = on(emitterOf(db), "changed", { signal });
  return (async function* () {
    try {
      for await (const [change] of events) yield change as EnvironmentChanged;
    } catch (err) {
      if ((err as Error).name !== "AbortError") throw err;
    }
  })();
}
