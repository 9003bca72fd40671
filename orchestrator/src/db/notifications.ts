import type { PGlite } from "@electric-sql/pglite";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Db } from "./database";

/**
 * PostgreSQL's LISTEN, the same on a server and on PGlite: what the database announces with NOTIFY (a
 * trigger, see migrations/0007) reaches every process that listens, whichever process wrote.
 */
export interface Listener {
  /**
   * Calls `onPayload` for each notification on `channel` from the moment the promise resolves; `onLost`
   * once if the listening connection breaks (notifications may have been missed: start again).
   */
  listen(channel: string, onPayload: (payload: string) => void, onLost: (err: Error) => void): Promise<void>;
  /**
   * Whether the listening connection is known to deliver right now: it delivered a notification of its own
   * within the last few seconds, so everything committed before that reached this process. False while
   * there is no connection; a connection silent for longer is dropped as lost (every onLost is called).
   */
  alive(): boolean;
  close(): Promise<void>;
}

/** The database was closed: there is nothing to listen to any more, and trying again would not help. */
export class ListenerClosedError extends Error {
  constructor() {
    super("the database was closed");
    this.name = new.target.name;
  }
}

// Keyed by the Db every domain function already receives, so that nothing else has to be passed around.
const listeners = new WeakMap<Db, Listener>();

export function registerListener(db: Db, listener: Listener): void {
  listeners.set(db, listener);
}

export function listenerOf(db: Db): Listener | undefined {
  return listeners.get(db);
}

/** PGlite is one connection in this process: its own notifications come back to its listeners. */
export function pgliteListener(client: PGlite): Listener {
  return {
    listen: async (channel, onPayload) => {
      if (client.closed) throw new ListenerClosedError();
      await client.listen(channel, onPayload);
    },
    // The listener is the database itself in this process: it cannot go silent while it is open.
    alive: () => !client.closed,
    close: async () => {},
  };
}

/** The application_name of the listening connection, so that it can be told apart in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "spe-listener";

/** How often the listening connection notifies itself, to prove that it still delivers. */
const PROBE_MS = 1_000;
/**
 * How long a probe heard vouches for the connection (alive()), and how long a probe may go unheard before
 * the connection is dropped as lost and opened again (within one more PROBE_MS).
 */
const SILENT_MS = 3_000;
/**
 * A connection that has not even started listening within this (connected, and LISTENed on its probe
 * channel) is as good as dead: it is dropped and listen() fails, rather than wait for it forever.
 */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * One connection of its own, outside the pool: a pooled connection that LISTENs would be handed to other
 * queries, and one connection serves every channel of this process.
 *
 * A connection can die without a word (a half-open TCP connection, a frozen backend): no error ever comes.
 * So the connection notifies itself each second on a channel of its own (on the connection itself, not
 * through the pool, where the probe would wait for a free connection exactly when the server is busiest).
 * PostgreSQL delivers notifications in commit order, so a probe heard proves that everything committed
 * before it was delivered too. One unheard for 3 s makes the connection lost, as a socket error would:
 * every onLost is called (their owners listen again and read what they missed) and the old socket is
 * destroyed at once, so a frozen backend that resumes finds it closed and delivers nothing more.
 */
export function postgresListener(url: string): Listener {
  type Handler = { onPayload: (payload: string) => void; onLost: (err: Error) => void };
  type Connection = {
    client: pg.Client;
    ready: Promise<void>;
    connected: boolean;
    heardAt: number;
    probeSentAt?: number;
    probes?: NodeJS.Timeout;
  };
  let current: Connection | undefined;
  const handlers = new Map<string, Handler[]>();
  let closed = false;
  // Private to this listener: another process's probes (or this one's of an earlier connection) never vouch for it.
  const probeChannel = `spe_alive_${randomUUID().replaceAll("-", "")}`;

  /** Ends a connection without waiting for the server: a frozen one would never answer the goodbye. */
  function drop(connection: Connection, err = new Error("the listening connection was dropped")): void {
    clearInterval(connection.probes);
    // end() while pg still connects would leave its connect() pending for ever: the error fails it instead.
    if (connection.connected) void connection.client.end().catch(() => {});
    connection.client.connection.stream.destroy(err);
  }

  // pg reports a broken connection twice ("error", then "end" a tick later): only the first report about
  // the connection in use counts, so that a connection opened in between is neither dropped nor leaked.
  function lose(client: pg.Client, err: Error): void {
    if (closed || current?.client !== client) return;
    const connection = current;
    current = undefined;
    const lost = [...handlers.values()].flat();
    handlers.clear();
    drop(connection);
    // Every owner must hear of the loss (a session cache that did not would go on trusting what it may have
    // missed), whatever another owner's handler does.
    for (const h of lost) {
      try {
        h.onLost(err);
      } catch {
        // That owner's own failure; the others still hear.
      }
    }
  }

  function probe(connection: Connection): void {
    const { client } = connection;
    if (current !== connection) return clearInterval(connection.probes);
    // One probe at a time: more queued behind a frozen one would prove nothing. A failed one is simply not heard.
    const sentAt = connection.probeSentAt;
    if (sentAt === undefined) {
      connection.probeSentAt = performance.now();
      client.query("select pg_notify($1, '')", [probeChannel]).catch(() => {});
      return;
    }
    // A monotonic clock: a wall clock stepped back would stretch the trust given to a silent connection.
    if (performance.now() - sentAt < SILENT_MS) return;
    // The verdict waits until what already arrived has been read: after this process itself stalled (a long
    // synchronous task) timers run before the socket is read, and the answer may be waiting there.
    setImmediate(() => {
      if (connection.probeSentAt === sentAt) lose(client, new Error("the listening connection went silent"));
    });
  }

  function connect(): Connection {
    if (current) return current;
    // A URL that names its own application_name keeps it (pg lets the URL win).
    const client = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME });
    client.on("notification", (n) => {
      // A dropped connection's last words are not delivered: its handlers were told it was lost.
      if (current?.client !== client) return;
      if (n.channel === probeChannel) {
        // What it proves is as old as the probe: everything committed before it was sent has arrived.
        connection.heardAt = connection.probeSentAt ?? performance.now();
        connection.probeSentAt = undefined;
      } else for (const h of handlers.get(n.channel) ?? []) h.onPayload(n.payload ?? "");
    });
    client.on("error", (err) => lose(client, err));
    client.on("end", () => lose(client, new Error("the database closed the listening connection")));
    const startup = setTimeout(() => {
      if (current === connection) current = undefined;
      drop(connection, new Error(`the listening connection did not start within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS).unref();
    const ready = client
      .connect()
      .then(() => client.query(`LISTEN ${client.escapeIdentifier(probeChannel)}`))
      .then(
        () => {
          clearTimeout(startup);
          if (closed) throw new ListenerClosedError();
          if (current !== connection) throw new Error("the listening connection was lost while it started");
          connection.connected = true;
          connection.heardAt = performance.now();
          connection.probes = setInterval(() => probe(connection), PROBE_MS).unref();
        },
        (err: Error) => {
          clearTimeout(startup);
          if (current === connection) current = undefined;
          drop(connection);
          throw err;
        },
      );
    const connection: Connection = { client, ready, connected: false, heardAt: 0 };
    current = connection;
    return connection;
  }

  return {
    async listen(channel, onPayload, onLost) {
      // A connection opened after close() would be nobody's to end.
      if (closed) throw new ListenerClosedError();
      const { client, ready } = connect();
      await ready;
      // The first listener of a channel on this connection asks for it, and is registered only once
      // LISTEN succeeded: a failed LISTEN leaves nothing that would keep the next one from asking again.
      if (!handlers.has(channel)) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      if (current?.client !== client) throw new Error("the listening connection was lost while it started");
      handlers.set(channel, [...(handlers.get(channel) ?? []), { onPayload, onLost }]);
    },
    alive() {
      return !closed && !!current?.connected && performance.now() - current.heardAt < SILENT_MS;
    },
    async close() {
      closed = true;
      const connection = current;
      current = undefined;
      if (!connection) return;
      // A silent connection would never answer the goodbye.
      if (!connection.connected || performance.now() - connection.heardAt >= SILENT_MS) return drop(connection);
      clearInterval(connection.probes);
      await connection.client.end().catch(() => {});
    },
  };
}
