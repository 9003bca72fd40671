import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { insertEnvironment } from "../../test/environment-rows";
import { openDatabase, type Database } from "../db/database";
import { LISTENER_APPLICATION_NAME } from "../db/notifications";
import { examplePermit } from "../permits/test-fixtures";
import { saveStatus } from "./environment-store";
import { environmentChanges } from "./environment-events";
import { changeDesiredState } from "./lifecycle";

const actor = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };

/** The next change a stream reports, or a failure after a while instead of a hanging test. */
async function nextChange(stream: AsyncGenerator<{ namespace: string }>, ms = 5_000): Promise<string> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no change within ${ms} ms`)), ms),
  );
  const result = await Promise.race([stream.next(), timeout]);
  if (result.done) throw new Error("the stream ended");
  return result.value.namespace;
}

/** Subscribes and gives the LISTEN a moment to be in force, as a browser's stream has before anything happens. */
async function subscribe(db: Database, signal?: AbortSignal) {
  const stream = environmentChanges(db.db, signal);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return stream;
}

const permitIn = (tag: string) =>
  examplePermit({ permitId: `SE-EVT-${tag}-${Math.random().toString(36).slice(2, 8)}` });

describe("environment changes across API replicas (PostgreSQL LISTEN/NOTIFY)", () => {
  // Two replicas: each opens the same database, as two orchestrator pods do.
  let writer: Database;
  let reader: Database;

  beforeAll(async () => {
    const url = await freshPostgresUrl("spe_events");
    writer = await openDatabase({ url });
    reader = await openDatabase({ url });
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
  });

  it("tells a subscriber on one replica about a write made through another, an operator's and the reconciler's alike", async () => {
    const controller = new AbortController();
    const stream = await subscribe(reader, controller.signal);
    const namespace = await insertEnvironment(writer.db, permitIn("A"));
    expect(await nextChange(stream)).toBe(namespace);

    await changeDesiredState(writer.db, namespace, "suspend", new Date(), actor);
    expect(await nextChange(stream)).toBe(namespace);
    await saveStatus(writer.db, namespace, [], 1, new Date());
    expect(await nextChange(stream)).toBe(namespace);
    controller.abort();
  });

  it("announces a write that no orchestrator code made (the database's trigger sends it), and nothing of a rolled-back one", async () => {
    const controller = new AbortController();
    const stream = await subscribe(reader, controller.signal);
    const namespace = await insertEnvironment(writer.db, permitIn("B"));
    expect(await nextChange(stream)).toBe(namespace);

    await writer.db
      .transaction(async (tx) => {
        await tx.execute(sql`UPDATE environments SET updated_at = now() WHERE namespace = ${namespace}`);
        throw new Error("rolled back on purpose");
      })
      .catch(() => {});
    await writer.db.execute(sql`UPDATE environments SET desired_state = 'suspended' WHERE namespace = ${namespace}`);
    // The first change after the rolled-back one is the committed update: one notification, not two.
    expect(await nextChange(stream)).toBe(namespace);
    await expect(nextChange(stream, 500)).rejects.toThrow(/no change within/);
    controller.abort();
  });

  it("ends every open stream with an error when the listening connection is lost, and listens again for the next subscriber", async () => {
    const stream = await subscribe(reader);
    await writer.db.execute(
      sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${LISTENER_APPLICATION_NAME} AND datname = current_database()`,
    );
    await expect(nextChange(stream)).rejects.toThrow(/terminat|closed|connection/i);

    const controller = new AbortController();
    const again = await subscribe(reader, controller.signal);
    const namespace = await insertEnvironment(writer.db, permitIn("C"));
    expect(await nextChange(again)).toBe(namespace);
    controller.abort();
  });
});

describe("environment changes on embedded PGlite", () => {
  let one: Database;
  let other: Database;

  beforeAll(async () => {
    [one, other] = await Promise.all([openDatabase({ memory: true }), openDatabase({ memory: true })]);
  });
  afterAll(async () => {
    await one?.close();
    await other?.close();
  });

  it("tells subscribers of the same database, and never those of another database in the same process", async () => {
    const controller = new AbortController();
    const mine = await subscribe(one, controller.signal);
    const theirs = await subscribe(other, controller.signal);
    const namespace = await insertEnvironment(one.db, permitIn("D"));
    expect(await nextChange(mine)).toBe(namespace);
    await expect(nextChange(theirs, 500)).rejects.toThrow(/no change within/);
    controller.abort();
  });
});
