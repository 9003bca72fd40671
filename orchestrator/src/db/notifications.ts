import type { PGlite } from "@electric-sql/pglite";
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
   * NOTIFY on the listening connection itself, not through the pool: what comes back proves that this very
   * connection delivers. Fails when there is no live listening connection (never opens one).
   */
  notify(channel: string, payload: string): Promise<void>;
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
    notify: async (channel, payload) => {
      if (client.closed) throw new ListenerClosedError();
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    close: async () => {},
  };
}

/** The application_name of the listening connection, so that it can be told apart in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "spe-listener";

/**
 * One connection of its own, outside the pool: a pooled connection that LISTENs would be handed to other
 * queries, and one connection serves every channel of this process.
 */
export function postgresListener(url: string): Listener {
  type Handler = { onPayload: (payload: string) => void; onLost: (err: Error) => void };
  type Connection = { client: pg.Client; ready: Promise<void>; connected: boolean };
  let current: Connection | undefined;
  const handlers = new Map<string, Handler[]>();
  let closed = false;

  // pg reports a broken connection twice ("error", then "end" a tick later): only the first report about
  // the connection in use counts, so that a connection opened in between is neither dropped nor leaked.
  function lose(client: pg.Client, err: Error): void {
    if (closed || current?.client !== client) return;
    current = undefined;
    const lost = [...handlers.values()].flat();
    handlers.clear();
    void client.end().catch(() => {});
    for (const h of lost) h.onLost(err);
  }

  function connect(): Connection {
    if (current) return current;
    // A URL that names its own application_name keeps it (pg lets the URL win).
    const client = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME });
    client.on("notification", (n) => {
      for (const h of handlers.get(n.channel) ?? []) h.onPayload(n.payload ?? "");
    });
    client.on("error", (err) => lose(client, err));
    client.on("end", () => lose(client, new Error("the database closed the listening connection")));
    const ready = client.connect().then(
      () => {
        connection.connected = true;
      },
      (err: Error) => {
        if (current?.client === client) current = undefined;
        throw err;
      },
    );
    const connection: Connection = { client, ready, connected: false };
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
    async notify(channel, payload) {
      if (closed) throw new ListenerClosedError();
      const connection = current;
      if (!connection?.connected) throw new Error("there is no listening connection to notify on");
      await connection.client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async close() {
      closed = true;
      const client = current?.client;
      current = undefined;
      await client?.end().catch(() => {});
    },
  };
}
