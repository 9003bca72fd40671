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
  close(): Promise<void>;
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
    listen: async (channel, onPayload) => void (await client.listen(channel, onPayload)),
    close: async () => {},
  };
}

/**
 * One connection of its own, outside the pool: a pooled connection that LISTENs would be handed to other
 * queries, and one connection serves every channel of this process.
 */
export function postgresListener(url: string): Listener {
  let connection: Promise<pg.Client> | undefined;
  const handlers = new Map<string, { onPayload: (payload: string) => void; onLost: (err: Error) => void }[]>();
  let closed = false;

  function lose(client: pg.Client, err: Error): void {
    if (closed) return;
    connection = undefined;
    const lost = [...handlers.values()].flat();
    handlers.clear();
    void client.end().catch(() => {});
    for (const h of lost) h.onLost(err);
  }

  function connect(): Promise<pg.Client> {
    connection ??= (async () => {
      const client = new pg.Client({ connectionString: url });
      client.on("notification", (n) => {
        for (const h of handlers.get(n.channel) ?? []) h.onPayload(n.payload ?? "");
      });
      client.on("error", (err) => lose(client, err));
      client.on("end", () => lose(client, new Error("the database closed the listening connection")));
      try {
        await client.connect();
      } catch (err) {
        connection = undefined;
        throw err;
      }
      return client;
    })();
    return connection;
  }

  return {
    async listen(channel, onPayload, onLost) {
      const client = await connect();
      const known = handlers.get(channel);
      handlers.set(channel, [...(known ?? []), { onPayload, onLost }]);
      if (!known) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    },
    async close() {
      closed = true;
      const client = await connection?.catch(() => undefined);
      await client?.end();
    },
  };
}
