import { EventEmitter, on } from "node:events";
import type { Db } from "../db/database";
import { listenerOf } from "../db/notifications";

/** An environment's row was written: what to look up again, not what changed (level-based, like the reconciler). */
export interface EnvironmentChanged {
  namespace: string;
}

/** The channel the environments table's trigger notifies on (migrations/0007_environment-changes.sql). */
const CHANNEL = "spe_environment_changed";

interface Hub {
  emitter: EventEmitter;
  /** The LISTEN of this process, started by the first subscriber and kept while the database is open. */
  listening?: Promise<void>;
}

// One hub per database: stacks that share a process (tests) never hear each other's environments.
const hubs = new WeakMap<Db, Hub>();

function hubOf(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) {
    const emitter = new EventEmitter();
    // Every operator's open page is a listener; there is no leak to warn about.
    emitter.setMaxListeners(0);
    hub = { emitter };
    hubs.set(db, hub);
  }
  return hub;
}

/**
 * Listens to the database, which announces every committed write of an environment's row whichever
 * replica made it. If listening fails or the connection breaks, every open stream ends with the error:
 * the browser reconnects with the last id it saw and is sent what it missed.
 */
function listen(db: Db, hub: Hub): void {
  const fail = (err: Error) => {
    hub.listening = undefined;
    if (hub.emitter.listenerCount("error")) hub.emitter.emit("error", err);
  };
  const listener = listenerOf(db);
  if (!listener)
    throw new Error("This database was not opened with openDatabase: it has no listener for environment changes.");
  if (hub.listening) return;
  hub.listening = listener.listen(
    CHANNEL,
    (namespace) => hub.emitter.emit("changed", { namespace } satisfies EnvironmentChanged),
    fail,
  );
  hub.listening.catch(fail);
}

/**
 * Every change from the moment of the call (not of the first `next()`: a caller can catch up on what it
 * missed and lose nothing in between, once this process listens), until `signal` aborts because the
 * subscriber went away.
 */
export function environmentChanges(db: Db, signal: AbortSignal | undefined): AsyncGenerator<EnvironmentChanged> {
  const hub = hubOf(db);
  const events = on(hub.emitter, "changed", { signal });
  listen(db, hub);
  return (async function* () {
    try {
      for await (const [change] of events) yield change as EnvironmentChanged;
    } catch (err) {
      if ((err as Error).name !== "AbortError") throw err;
    }
  })();
}
