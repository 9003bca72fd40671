import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { recordAuditEvent } from "./append-audit-event";
import { auditEventPlace } from "./audit-event-place";
import { GENESIS_HASH } from "./audit-hash";

describe("auditEventPlace", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    for (let n = 1; n <= 3; n++)
      await recordAuditEvent(database.db, {
        actor: { subject: "olof", role: "operator", address: null },
        action: "environment.suspended",
        target: `environment:spe-${n}`,
      });
  });
  afterAll(() => database.close());

  it("places an event between the hash it names and the event that names its hash", async () => {
    const place = (await auditEventPlace(database.db, 2))!;
    const [first, third] = [(await auditEventPlace(database.db, 1))!, (await auditEventPlace(database.db, 3))!];
    expect(place.hashMatches).toBe(true);
    expect(place.previous).toEqual({ sequence: 1, hash: first.event.hash, linked: true });
    expect(place.next).toEqual({ sequence: 3, previousHash: place.event.hash, linked: true });
    expect(first.previous).toEqual({ sequence: 0, hash: GENESIS_HASH, linked: true });
    expect(third.next).toBeNull();
    expect(await auditEventPlace(database.db, 4)).toBeUndefined();
  });

  it("says when an event no longer gives its hash, and the next one no longer links to it", async () => {
    await database.db.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await database.db.execute(sql`update audit_events set target = 'environment:forged' where sequence = 2`);
    const place = (await auditEventPlace(database.db, 2))!;
    expect(place.hashMatches).toBe(false);
    // The hash column was left alone: the link still holds, the content does not.
    expect(place.next?.linked).toBe(true);
    await database.db.execute(sql`update audit_events set hash = ${"f".repeat(64)} where sequence = 2`);
    expect((await auditEventPlace(database.db, 2))!.next?.linked).toBe(false);
  });
});
