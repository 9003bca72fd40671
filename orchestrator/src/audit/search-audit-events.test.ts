import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { recordAuditEvent } from "./append-audit-event";
import { searchAuditEvents, type AuditSearch } from "./search-audit-events";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));
const operator = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };
const hdab = { subject: "https://hdab.example.se", role: "hdab" as const, address: null };

describe("searchAuditEvents", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const events = [
      { actor: hdab, action: "permit.imported", target: "permit:SE-1", minute: 0 },
      { actor: operator, action: "environment.suspended", target: "environment:spe-se-1-aaaa", minute: 1 },
      { actor: operator, action: "environment.resumed", target: "environment:spe-se-1-aaaa", minute: 2 },
      { actor: hdab, action: "permit.imported", target: "permit:SE_2", minute: 3 },
      { actor: operator, action: "environment.suspended", target: "environment:spe-se-2-bbbb", minute: 4 },
    ];
    for (const e of events)
      await recordAuditEvent(database.db, { actor: e.actor, action: e.action, target: e.target }, at(e.minute));
  });
  afterAll(() => database.close());

  const sequences = async (search: Partial<AuditSearch>) =>
    (await searchAuditEvents(database.db, { limit: 100, ...search })).map((e) => e.sequence);

  it.each([
    ["everything, newest first", {}, [5, 4, 3, 2, 1]],
    ["an exact target", { target: "environment:spe-se-1-aaaa" }, [3, 2]],
    ["a target prefix", { target: "permit:*" }, [4, 1]],
    ["a target with _ taken literally", { target: "permit:SE_*" }, [4]],
    ["an action prefix", { action: "environment.*" }, [5, 3, 2]],
    ["an exact action", { action: "environment.suspended" }, [5, 2]],
    ["an actor", { actor: "olof" }, [5, 3, 2]],
    ["a time window", { from: at(1), to: at(3) }, [4, 3, 2]],
    ["the page before sequence 4, two at a time", { before: 4, limit: 2 }, [3, 2]],
    ["nothing that matches", { action: "dataset.*" }, []],
  ] as const)("finds %s", async (_name, search, expected) => {
    expect(await sequences(search)).toEqual(expected);
  });
});
