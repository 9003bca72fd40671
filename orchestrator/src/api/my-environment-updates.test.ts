import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import type { Session } from "../auth/sessions";
import { openDatabase, type Database } from "../db/database";
import { saveStatus } from "../environments/environment-store";
import { examplePermit } from "../permits/test-fixtures";
import { permits } from "../db/schema";
import { eq } from "drizzle-orm";
import type { Context, Services } from "./context";
import { appRouter } from "./router";

const alice: Session = {
  subject: "alice",
  name: "Alice",
  email: null,
  roles: ["researcher"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};
const bob = { subject: "bob", name: "Bob Berg", email: "bob@uni.example" };
const suffix = Date.now().toString(36);
type Listed = Array<{ namespace: string; conditions: Array<{ reason: string }> }>;

/** The next list the stream sends, or a failure after a while instead of a hanging test. */
async function next(stream: AsyncIterator<unknown>, ms = 5_000): Promise<Listed> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no update within ${ms} ms`)), ms),
  );
  const result = await Promise.race([stream.next(), timeout]);
  if (result.done) throw new Error("the stream ended");
  return result.value as Listed;
}

const status = (reason: string) => [
  {
    type: "Ready",
    status: "False" as const,
    reason,
    message: reason,
    observedGeneration: 1,
    lastTransitionTime: new Date().toISOString(),
  },
];

describe("environments.mineUpdates (a researcher's live list)", () => {
  let database: Database;
  let stream: AsyncIterator<unknown>;
  let hers: string;
  let his: string;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    hers = await insertEnvironment(database.db, examplePermit({ permitId: `SE-HERS-${suffix}` }));
    his = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-HIS-${suffix}`, principalInvestigator: bob, authorisedPersons: [bob] }),
    );
    const context: Context = { services: { database } as unknown as Services, session: alice, address: "127.0.0.1" };
    stream = (await appRouter.createCaller(context).environments.mineUpdates())[Symbol.asyncIterator]();
  });
  afterAll(async () => {
    await stream.return?.();
    await database.close();
  });

  it("sends her list when her environment's status changes", async () => {
    const pending = next(stream);
    // The generator reads her list and listens from its first next(); give it that moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await saveStatus(database.db, hers, status("Starting"), 1, new Date());
    const list = await pending;
    expect(list.map((e) => e.namespace)).toEqual([hers]);
    expect(list[0]!.conditions.map((c) => c.reason)).toEqual(["Starting"]);
  });

  it("sends nothing when only another researcher's environment changes", async () => {
    const pending = next(stream, 1_000);
    await saveStatus(database.db, his, status("Loading"), 1, new Date());
    await expect(pending).rejects.toThrow(/no update/);
    // The read that timed out is still queued on the stream: her next change is what it takes.
    await saveStatus(database.db, hers, status("Loading"), 1, new Date());
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  it("adds an environment of a new permit that names her", async () => {
    const pending = next(stream);
    const newer = await insertEnvironment(database.db, examplePermit({ permitId: `SE-NEW-${suffix}` }));
    expect((await pending).map((e) => e.namespace).sort()).toEqual([hers, newer].sort());
  });

  it("sends her list without an environment whose permit no longer names her", async () => {
    const pending = next(stream);
    const [row] = await database.db
      .select()
      .from(permits)
      .where(eq(permits.permitId, `SE-HERS-${suffix}`));
    await database.db
      .update(permits)
      .set({ payload: { ...row!.payload, principalInvestigator: bob, authorisedPersons: [bob] } })
      .where(eq(permits.permitId, row!.permitId));
    // Amending a permit writes its environment (a new generation); a status write stands in for that here.
    await saveStatus(database.db, hers, status("Applied"), 2, new Date());
    expect((await pending).map((e) => e.namespace)).not.toContain(hers);
  });
});
