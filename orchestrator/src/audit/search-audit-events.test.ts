import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { openDatabase, type Database } from "../db/database";
import { examplePermit } from "../permits/test-fixtures";
import { recordAuditEvent } from "./append-audit-event";
import type { AuditActor } from "./audit-hash";
import { auditPage, searchAuditEvents, type AuditSearch } from "./search-audit-events";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));
const operator = { subject: "olof", role: "operator" as const, address: "127.0.0.1" };
const alice = { subject: "alice", role: "researcher" as const, address: "127.0.0.1" };
const hdab = { subject: "https://hdab.example.se", role: "hdab" as const, address: null };
const holder = { subject: "region-demo", role: "data-holder" as const, address: null };

describe("searchAuditEvents", () => {
  let database: Database;
  let namespace: string;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    namespace = await insertEnvironment(database.db, examplePermit({ permitId: "SE-7" }));
    const events: { actor: AuditActor; action: string; target: string; details?: object; minute: number }[] = [
      { actor: hdab, action: "permit.imported", target: "permit:SE-1", minute: 0 },
      { actor: operator, action: "environment.suspended", target: "environment:spe-se-1-aaaa", minute: 1 },
      { actor: operator, action: "environment.resumed", target: "environment:spe-se-1-aaaa", minute: 2 },
      { actor: hdab, action: "permit.imported", target: "permit:SE_2", minute: 3 },
      { actor: operator, action: "environment.suspended", target: "environment:spe-se-2-bbbb", minute: 4 },
      // About a person, not by them.
      { actor: operator, action: "session.ended", target: "person:alice", minute: 5 },
      // About an environment and a permit named only in the details.
      {
        actor: holder,
        action: "delivery.staged",
        target: "delivery:d-1",
        details: { permitId: "SE-7", namespace, note: "Kärnfil 100%" },
        minute: 6,
      },
      { actor: alice, action: "workspace.opened", target: `environment:${namespace}`, minute: 7 },
      { actor: hdab, action: "permit.imported", target: "permit:SE-7", minute: 8 },
    ];
    for (const { actor, action, target, details, minute } of events)
      await recordAuditEvent(database.db, { actor, action, target, details: details as never }, at(minute));
  });
  afterAll(() => database.close());

  const sequences = async (search: Partial<AuditSearch>) =>
    (await searchAuditEvents(database.db, { limit: 100, ...search })).map((e) => e.sequence);

  it.each([
    ["everything, newest first", {}, [9, 8, 7, 6, 5, 4, 3, 2, 1]],
    ["an exact target", { target: "environment:spe-se-1-aaaa" }, [3, 2]],
    ["a target prefix", { target: "permit:*" }, [9, 4, 1]],
    ["a target with _ taken literally", { target: "permit:SE_*" }, [4]],
    ["an action prefix", { action: "environment.*" }, [5, 3, 2]],
    ["an exact action", { action: "environment.suspended" }, [5, 2]],
    ["an actor", { actor: "olof" }, [6, 5, 3, 2]],
    ["a person, as actor or as the one it is about", { person: "alice" }, [8, 6]],
    ["an environment, by target or in the details", { environment: "spe-se-1-aaaa" }, [3, 2]],
    ["a permit: its own events, its environment's and those naming it", { permit: "SE-7" }, [9, 8, 7]],
    ["free text in the details, any case", { text: "KÄRNFIL 100%" }, [7]],
    ["free text in the action", { text: "resumed" }, [3]],
    ["a time window", { from: at(1), to: at(3) }, [4, 3, 2]],
    ["the page before sequence 4, two at a time", { before: 4, limit: 2 }, [3, 2]],
    ["the page after sequence 4, two at a time, newest first", { after: 4, limit: 2 }, [6, 5]],
    ["filters together", { actor: "olof", from: at(2) }, [6, 5, 3]],
    ["nothing that matches", { action: "dataset.*" }, []],
  ] as const)("finds %s", async (_name, search, expected) => {
    expect(await sequences(search)).toEqual(expected);
  });

  it("pages back and forth by sequence and says where the log goes on", async () => {
    const first = await auditPage(database.db, { limit: 4 });
    expect([first.events.map((e) => e.sequence), first.older, first.newer]).toEqual([[9, 8, 7, 6], true, false]);
    const second = await auditPage(database.db, { limit: 4, before: 6 });
    expect([second.events.map((e) => e.sequence), second.older, second.newer]).toEqual([[5, 4, 3, 2], true, true]);
    const last = await auditPage(database.db, { limit: 4, before: 2 });
    expect([last.events.map((e) => e.sequence), last.older, last.newer]).toEqual([[1], false, true]);
    const back = await auditPage(database.db, { limit: 4, after: 1 });
    expect([back.events.map((e) => e.sequence), back.older, back.newer]).toEqual([[5, 4, 3, 2], true, true]);
    const filtered = await auditPage(database.db, { limit: 1, actor: "olof", before: 5 });
    expect([filtered.events.map((e) => e.sequence), filtered.older, filtered.newer]).toEqual([[3], true, true]);
  });
});
