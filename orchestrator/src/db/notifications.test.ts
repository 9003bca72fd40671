import { PGlite } from "@electric-sql/pglite";
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { LISTENER_APPLICATION_NAME, ListenerClosedError, pgliteListener, postgresListener } from "./notifications";

/** Resolves with the first payload `listen` hands over, or fails after a while instead of hanging. */
function waitFor<T>(register: (resolve: (value: T) => void) => void, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
    register(resolve);
  });
}

describe("postgresListener", () => {
  let url: string;
  let admin: pg.Client;
  const listenerBackends = async () =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
      )
    ).rows;
  const listeningConnections = async () => (await listenerBackends()).length;

  beforeAll(async () => {
    url = await freshPostgresUrl("spe_listen");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(() => admin?.end());

  it("listens again at once when the connection is lost, keeps the new connection, and ends it on close", async () => {
    const listener = postgresListener(url);
    let second: Promise<string> | undefined;
    // Listening again from within onLost is the tightest case: pg still has the lost connection's "end" to report.
    const lost = waitFor<Error>((resolve) =>
      listener.listen(
        "spe_test",
        () => {},
        (err) => {
          second = waitFor<string>((got) => listener.listen("spe_test", got, () => {}));
          resolve(err);
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
    );
    await lost;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await listeningConnections()).toBe(1);
    await admin.query("SELECT pg_notify('spe_test', 'after')");
    expect(await second).toBe("after");

    await listener.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listeningConnections()).toBe(0);
  });

  it("tells every owner of a loss even when one owner's handler throws", async () => {
    const listener = postgresListener(url);
    try {
      await listener.listen(
        "spe_first",
        () => {},
        () => {
          throw new Error("this owner's own failure");
        },
      );
      const second = waitFor<Error>((resolve) => void listener.listen("spe_second", () => {}, resolve));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_APPLICATION_NAME}'`,
      );
      expect(await second).toBeInstanceOf(Error);
    } finally {
      await listener.close();
    }
  });

  it("fails only the call whose LISTEN PostgreSQL refuses; the connection goes on serving other channels", async () => {
    const listener = postgresListener(url);
    try {
      // PostgreSQL refuses an empty channel name (a zero-length identifier).
      await expect(
        listener.listen(
          "",
          () => {},
          () => {},
        ),
      ).rejects.toThrow();
      const got = waitFor<string>((resolve) => void listener.listen("spe_again", resolve, () => {}));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query("SELECT pg_notify('spe_again', 'heard')");
      expect(await got).toBe("heard");
    } finally {
      await listener.close();
    }
  });

  it("replaces a connection that goes silent without breaking, and delivers nothing twice when the old one wakes up", async () => {
    const listener = postgresListener(url);
    const heard: string[] = [];
    let losses = 0;
    let relistened: Promise<void> | undefined;
    // What every owner does on a loss: listen again (and read what it may have missed).
    const listen = (): Promise<void> =>
      listener.listen(
        "spe_silent",
        (payload) => heard.push(payload),
        () => {
          losses++;
          relistened = listen();
        },
      );
    try {
      await listen();
      expect(listener.alive()).toBe(true);
      const [frozen] = await listenerBackends();
      // The backend freezes: its connection stays open, no error ever comes, and nothing arrives on it.
      process.kill(frozen!.pid, "SIGSTOP");
      try {
        await admin.query("SELECT pg_notify('spe_silent', 'while frozen')");
        // Lost within seconds (the owner listens again at once, so alive() is false only for a moment).
        await expect.poll(() => losses, { timeout: 6_000, interval: 50 }).toBe(1);
        await relistened;
        expect(listener.alive()).toBe(true);
        const pids = (await listenerBackends()).map((b) => b.pid);
        expect(pids).toContain(frozen!.pid); // still there, frozen: not waited for
        expect(pids).toHaveLength(2);
        await admin.query("SELECT pg_notify('spe_silent', 'after')");
        await expect.poll(() => heard, { timeout: 2_000, interval: 20 }).toEqual(["after"]);
      } finally {
        process.kill(frozen!.pid, "SIGCONT");
      }
      // The old backend wakes up to a closed socket and goes: what it still had to deliver reaches nobody.
      await expect
        .poll(async () => (await listenerBackends()).map((b) => b.pid), { timeout: 5_000, interval: 50 })
        .not.toContain(frozen!.pid);
      await admin.query("SELECT pg_notify('spe_silent', 'later')");
      await expect.poll(() => heard, { timeout: 2_000, interval: 20 }).toEqual(["after", "later"]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(heard).toEqual(["after", "later"]);
      expect(losses).toBe(1);
      expect(await listeningConnections()).toBe(1);
      expect(listener.alive()).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it("keeps its connection when this process itself stalls past the trust window: the probe's answer was waiting in the socket", async () => {
    const listener = postgresListener(url);
    let losses = 0;
    try {
      await listener.listen(
        "spe_stall",
        () => {},
        () => losses++,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const before = await listenerBackends();
      // The event loop blocks (a long synchronous task): no timer runs and no socket is read meanwhile.
      const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      // First long enough for a probe to be due: it is sent as soon as timers run again, just before the
      // next block, which lasts past the trust window while the probe's answer waits in the socket.
      block(1_100);
      await new Promise<void>((resolve) => setTimeout(() => resolve(void block(4_000)), 0));
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(losses).toBe(0);
      expect(listener.alive()).toBe(true);
      expect(await listenerBackends()).toEqual(before);
    } finally {
      await listener.close();
    }
  });

  it("gives up a connection that never starts (a server that accepts and then says nothing), and listens on the next one", async () => {
    // A server that accepts the TCP connection and never answers, as a frozen or half-open one would.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      // Reads (and ignores) what comes, so that the client closing its end is seen.
      socket.resume();
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentUrl = new URL(url);
    silentUrl.host = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const listener = postgresListener(silentUrl.href);
    try {
      await expect(
        listener.listen(
          "spe_never",
          () => {},
          () => {},
        ),
      ).rejects.toThrow();
      // Its socket was closed rather than left open, and the next listen() opens a new connection.
      await expect.poll(() => sockets.size, { timeout: 2_000 }).toBe(0);
      const again = listener.listen(
        "spe_never",
        () => {},
        () => {},
      );
      await expect.poll(() => sockets.size, { timeout: 2_000 }).toBe(1);
      await listener.close();
      await expect(again).rejects.toThrow();
      await expect.poll(() => sockets.size, { timeout: 2_000 }).toBe(0);
    } finally {
      await listener.close();
      silent.close();
    }
  });

  it("refuses to listen once closed, and opens no connection that nobody would end", async () => {
    const listener = postgresListener(url);
    expect(listener.alive()).toBe(false);
    await listener.listen(
      "spe_closed",
      () => {},
      () => {},
    );
    expect(listener.alive()).toBe(true);
    await listener.close();
    expect(listener.alive()).toBe(false);
    await expect(
      listener.listen(
        "spe_closed",
        () => {},
        () => {},
      ),
    ).rejects.toBeInstanceOf(ListenerClosedError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listeningConnections()).toBe(0);
  });
});

describe("pgliteListener", () => {
  it("refuses to listen once its database is closed", async () => {
    const client = new PGlite();
    await client.close();
    await expect(
      pgliteListener(client).listen(
        "spe_closed",
        () => {},
        () => {},
      ),
    ).rejects.toBeInstanceOf(ListenerClosedError);
  });
});
