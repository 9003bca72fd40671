import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAirlockAgent, type AirlockAgentProcess } from "../../../test/airlock-agent-process";
import { insertEnvironment } from "../../../test/environment-rows";
import { startStack, type Stack } from "../../../test/stack";
import type { AuditActor } from "../../audit/audit-hash";
import { examplePermit } from "../../permits/test-fixtures";
import type { Outbox } from "./airlock-ports";
import { createRequest } from "./author-actions";
import { submitRequest, type AirlockServices } from "./submit-request";

const SHARED = "region,count\n01,120\n12,95\n";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The real outbox, except that copying `path` waits until `open()` is called: to interleave two submissions. */
function gatedOutbox(outbox: Outbox, path: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const waiting = new Promise<void>((resolve) => (reached = resolve));
  const gated: Outbox = {
    list: (namespace) => outbox.list(namespace),
    copy: async (namespace, p, destination, maxBytes) => {
      if (p === path) {
        reached();
        await gate;
      }
      return outbox.copy(namespace, p, destination, maxBytes);
    },
  };
  return { gated, waiting, open };
}

describe("two submissions of the same bytes at once", () => {
  let outboxDir: string;
  let agent: AirlockAgentProcess;
  let stack: Stack;
  let namespace: string;
  const alice: AuditActor = { subject: "alice", role: "researcher", address: null };

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), "spe-outbox-"));
    agent = await startAirlockAgent(outboxDir);
    stack = await startStack({ AIRLOCK_AGENT_URL: agent.url });
    namespace = await insertEnvironment(
      stack.services.database.db,
      examplePermit({ permitId: `SE-RACE-${Date.now().toString(36)}` }),
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await agent?.stop();
  });

  it("a failed one does not take away the file the other is about to refer to", async () => {
    const { db } = stack.services.database;
    const { airlock } = stack.services;
    writeFileSync(join(outboxDir, "a-shared.csv"), SHARED);
    writeFileSync(join(outboxDir, "z-later.csv"), "region,count\n01,300\n");
    writeFileSync(join(outboxDir, "z-huge.csv"), `region,count\n${"01,10\n".repeat(airlock.limits.maxCsvRows + 1)}`);
    const draft = (files: string[]) =>
      createRequest(
        db,
        {
          namespace,
          title: "Strokes",
          justification: "Counts of strokes per county.",
          files: files.map((path) => ({ path, type: "frequency" as const })),
        },
        airlock,
        alice,
      );
    const { id: slow } = await draft(["a-shared.csv", "z-later.csv"]);
    const { id: failing } = await draft(["a-shared.csv", "z-huge.csv"]);

    // Files are copied in path order. The slow submission admits a-shared.csv, then waits on its second file.
    const { gated, waiting, open } = gatedOutbox(airlock.outbox, "z-later.csv");
    const slowAirlock: AirlockServices = { ...airlock, outbox: gated };
    const slowSubmit = submitRequest(db, slowAirlock, slow, alice);
    await waiting;
    // Meanwhile the other admits the same bytes, fails on its second file and cleans up after itself:
    // no recorded request refers to a-shared.csv's hash yet.
    await expect(submitRequest(db, airlock, failing, alice)).rejects.toMatchObject({ code: "EXPORT_FILE_REFUSED" });
    open();
    const submitted = await slowSubmit;
    expect(submitted.files.find((f) => f.path === "a-shared.csv")?.sha256).toBe(sha256(SHARED));

    // The recorded request's file is in quarantine, byte for byte, and nothing else is left behind.
    const kept = airlock.quarantine.pathOf(sha256(SHARED));
    expect(existsSync(kept)).toBe(true);
    expect(readFileSync(kept, "utf8")).toBe(SHARED);
    const dir = join(stack.config.DATA_DIR, "quarantine");
    expect(readdirSync(dir).filter((name) => !/^[0-9a-f]{64}$/.test(name))).toEqual([]);
  });
});
