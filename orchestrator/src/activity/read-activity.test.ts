import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { appendActivityBatch } from "./append-activity-batch";
import { readActivity } from "./read-activity";

describe("an auditor reading the record of activities", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const time = new Date().toISOString();
    await appendActivityBatch(database.db, [
      { time, namespace: "spe-read", subject: "alice", kind: "code.executed", details: { code: "1+1" } },
      { time, namespace: "spe-read", subject: "bob", kind: "file.opened", details: { path: "a.csv", size: 3 } },
    ]);
  });
  afterAll(() => database.close());

  it("is an audit event, naming the auditor and whose record, before anything is read", async () => {
    const auditor = { subject: "ada", role: "auditor" as const, address: "127.0.0.1" };
    const page = await readActivity(database.db, auditor, { namespace: "spe-read", subject: "alice", limit: 10 });
    expect(page.entries.map((e) => [e.subject, e.kind, e.details])).toEqual([
      ["alice", "code.executed", { code: "1+1" }],
    ]);
    expect(page.persons.map((p) => p.subject)).toEqual(["alice", "bob"]);
    const [event] = await database.db.select().from(auditEvents).orderBy(desc(auditEvents.sequence)).limit(1);
    expect(event).toMatchObject({
      actorSubject: "ada",
      actorRole: "auditor",
      action: "activity.read",
      target: "environment:spe-read",
      details: { subject: "alice", before: null },
    });
  });
});
