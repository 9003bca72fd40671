import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import type { Session } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { changeDesiredState } from "../environments/lifecycle";
import { saveStatus } from "../environments/environment-store";
import { examplePermit } from "../permits/test-fixtures";
import type { Context, Services } from "./context";
import { appRouter } from "./router";

const operator: Session = {
  subject: "olof",
  name: "Olof",
  email: null,
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};
const actor = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };

type Update = { id: string; data: { namespace: string; desiredState: string; conditions: unknown[] } };

/** Starts a subscription and waits until it listens (its generator runs from the first `next()`). */
async function subscribe(
  start: () => Promise<AsyncIterable<unknown>>,
): Promise<{ first: Promise<Update>; stream: AsyncIterator<unknown> }> {
  const stream = (await start())[Symbol.asyncIterator]();
  const first = next(stream);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { first, stream };
}

/** Reads the next update of a subscription, or fails after a while instead of hanging the test. */
async function next(iterator: AsyncIterator<unknown>): Promise<Update> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no update within 5 s")), 5_000));
  const result = await Promise.race([iterator.next(), timeout]);
  if (result.done) throw new Error("the stream ended");
  // Without HTTP, a tracked() update arrives as its envelope: [id, data].
  const [id, data] = result.value as [string, Update["data"]];
  return { id, data };
}

describe("environments.updates (the operators' live stream)", () => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;
  let namespace: string;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    // These procedures need the database only.
    const context: Context = { services: { database } as unknown as Services, session: operator, address: "127.0.0.1" };
    caller = appRouter.createCaller(context);
    namespace = await insertEnvironment(database.db, examplePermit({ permitId: `SE-LIVE-${Date.now().toString(36)}` }));
  });
  afterAll(() => database.close());

  it("sends an environment when an operator's action or the reconciler writes its row, and skips writes that change nothing", async () => {
    const { first: pending, stream } = await subscribe(() => caller.environments.updates());
    const conditions = [
      {
        type: "Ready",
        status: "False" as const,
        reason: "Starting",
        message: "The workspace is starting.",
        observedGeneration: 1,
        lastTransitionTime: new Date().toISOString(),
      },
    ];
    await saveStatus(database.db, namespace, conditions, 1, new Date());
    const first = await pending;
    expect(first.data).toMatchObject({ namespace, desiredState: "active", conditions });
    expect(first.id).toMatch(new RegExp(`/${namespace}$`));

    // A resync that finds the same state: nothing to tell. The suspension after it is the next update.
    await saveStatus(database.db, namespace, conditions, 1, new Date());
    await changeDesiredState(database.db, namespace, "suspend", new Date(), actor);
    expect((await next(stream)).data).toMatchObject({ namespace, desiredState: "suspended" });
    await stream.return?.();
  });

  it("replays what was written after the last id a reconnecting browser saw", async () => {
    const before = new Date(Date.now() - 1000);
    const lastEventId = `${before.toISOString()}/${namespace}`;
    await changeDesiredState(database.db, namespace, "resume", new Date(), actor);
    const { first, stream } = await subscribe(() => caller.environments.updates({ lastEventId }));
    expect((await first).data).toMatchObject({ namespace, desiredState: "active" });
    await stream.return?.();
  });
});
