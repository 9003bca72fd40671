import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpe } from "../../test/run-spe";
import { startStack, type Stack } from "../../test/stack";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { CookieClient } from "../../test/cookie-client";

const alice = { subject: "alice", role: "researcher" as const, address: "127.0.0.1" };
const olof = { subject: "olof", role: "operator" as const, address: null };

describe("an auditor's export of the log, and spe audit verify --export", () => {
  let stack: Stack;
  let ida: CookieClient;
  const dir = mkdtempSync(join(tmpdir(), "spe-audit-export-"));
  const keys = join(dir, "keys.json");

  beforeAll(async () => {
    stack = await startStack();
    for (let n = 1; n <= 30; n++)
      await recordAuditEvent(stack.services.database.db, {
        actor: n % 3 === 0 ? alice : olof,
        action: n % 3 === 0 ? "workspace.opened" : "environment.suspended",
        target: `environment:spe-export-${n % 2}`,
        // Commas, quotes and line breaks must survive CSV; a null address must stay null.
        details: { n, note: `a "quoted", line\nbreak ${n}` },
      });
    ida = await stack.signIn("ida");
    const published = await fetch(`${stack.appUrl}/.well-known/spe-signing-keys.json`);
    writeFileSync(keys, await published.text());
  });
  afterAll(() => stack?.stop());

  const download = async (query: string, name: string) => {
    const res = await ida.request(`${stack.appUrl}/audit/export.${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const file = join(dir, name);
    writeFileSync(file, await res.text());
    return file;
  };
  const verify = (...args: string[]) =>
    runSpe(["audit", "verify", "--checkpoint-keys", keys, ...args], { isolate: ["DATABASE_URL", "DATA_DIR"] });

  it("exports the whole log as JSON Lines under a fresh checkpoint, and verify calls it intact", async () => {
    const full = await download("jsonl", "full.jsonl");
    const [header, ...events] = readFileSync(full, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    // The export itself is an event, recorded before the checkpoint was signed: it vouches for all of it.
    expect(header).toMatchObject({ type: "spe-audit-export", filter: {}, head: events.length });
    expect(header.checkpoint.sequence).toBe(events.length);
    expect(events.at(-1)).toMatchObject({ action: "audit.exported", actor: { subject: "ida" } });
    const result = await verify("--export", full);
    expect(result.stdout).toMatch(
      /^Intact: the full export .* holds \d+ audit events, every link intact, and holds the checkpoint signed at/,
    );
    expect(result.code).toBe(0);
  });

  it("exports a filter as CSV; verify matches each event against a full export", async () => {
    const filtered = await download("csv?person=alice&text=&action=workspace.*", "alice.csv");
    const lines = readFileSync(filtered, "utf8").split("\n");
    expect(JSON.parse(lines[0]!.slice(2))).toMatchObject({ filter: { person: "alice", action: "workspace.*" } });
    expect(lines[1]).toBe(
      "sequence,time,actor_subject,actor_role,actor_address,action,target,details,previous_hash,hash",
    );
    const full = await download("jsonl", "full-2.jsonl");
    const alone = await verify("--export", filtered);
    expect(alone.stdout).toMatch(/filtered export of 10 events/);
    expect(alone.stdout).toMatch(/10 of 10 events still give their own hashes/);
    expect(alone.code).toBe(0);
    const matched = await verify("--export", filtered, "--against", full);
    expect(matched.stdout).toMatch(/Matched in the chain, same sequence and hash: events [\d, ]+\./);
    expect(matched.code, matched.stdout).toBe(0);
  });

  it("names an event changed after the export, and a full export cut short", async () => {
    const full = await download("jsonl", "full-3.jsonl");
    const lines = readFileSync(full, "utf8").trimEnd().split("\n");
    const forged = join(dir, "forged.jsonl");
    writeFileSync(forged, [...lines.slice(0, 5), lines[5]!.replace('"n":5', '"n":50'), ...lines.slice(6)].join("\n"));
    const changed = await verify("--export", forged);
    expect(changed.stdout).toMatch(/^Broken: the full export .* is broken at event 5 \(changed\)/);
    expect(changed.code).toBe(1);
    const short = join(dir, "short.jsonl");
    writeFileSync(short, lines.slice(0, -3).join("\n"));
    const cut = await verify("--export", short);
    expect(cut.stdout).toMatch(/broken at event \d+ \((truncated|changed)\)/);
    expect(cut.code).toBe(1);
  });

  it("is for auditors, from their own page, with a filter it understands", async () => {
    const alicesClient = await stack.signIn("alice");
    expect((await alicesClient.request(`${stack.appUrl}/audit/export.jsonl`)).status).toBe(403);
    expect((await fetch(`${stack.appUrl}/audit/export.jsonl`)).status).toBe(401);
    const crossSite = await ida.request(`${stack.appUrl}/audit/export.csv`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
    });
    expect(crossSite.status).toBe(403);
    expect((await ida.request(`${stack.appUrl}/audit/export.xml`)).status).toBe(400);
    const bad = await ida.request(`${stack.appUrl}/audit/export.csv?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "VALIDATION_FAILED" });
  });
});
