import { describe, expect, it } from "vitest";
import { auditEventHash, GENESIS_HASH, type AuditEvent } from "./audit-hash";

const base: Omit<AuditEvent, "hash"> = {
  sequence: 1,
  time: "2026-11-22T12:00:00.000Z",
  actor: { subject: "olof", role: "operator", address: "127.0.0.1" },
  action: "environment.suspended",
  target: "environment:spe-se-2026-0001",
  details: { from: "active", to: "suspended", generation: 2 },
  previousHash: GENESIS_HASH,
};

describe("auditEventHash", () => {
  it("is SHA-256 hex over the RFC 8785 encoding, pinned so that the encoding cannot drift unnoticed", () => {
    // sha256 of this canonical JSON, written out by hand with its keys sorted:
    // {"action":"environment.suspended","actor":{"address":"127.0.0.1","role":"operator","subject":"olof"},
    //  "details":{"from":"active","generation":2,"to":"suspended"},"previousHash":"000…0","sequence":1,
    //  "target":"environment:spe-se-2026-0001","time":"2026-11-22T12:00:00.000Z"}
    expect(auditEventHash(base)).toBe(PINNED);
  });

  it("does not depend on the order of keys in details", () => {
    expect(auditEventHash({ ...base, details: { generation: 2, to: "suspended", from: "active" } })).toBe(
      auditEventHash(base),
    );
  });

  it.each<[string, Partial<Omit<AuditEvent, "hash">>]>([
    ["sequence", { sequence: 2 }],
    ["time", { time: "2026-11-22T12:00:00.001Z" }],
    ["actor subject", { actor: { ...base.actor, subject: "olle" } }],
    ["actor role", { actor: { ...base.actor, role: "auditor" } }],
    ["actor address", { actor: { ...base.actor, address: null } }],
    ["action", { action: "environment.resumed" }],
    ["target", { target: "environment:spe-other" }],
    ["details", { details: { ...base.details, generation: 3 } }],
    ["previous hash", { previousHash: "1".repeat(64) }],
  ])("changes when the %s changes", (_field, change) => {
    expect(auditEventHash({ ...base, ...change })).not.toBe(auditEventHash(base));
  });
});

const PINNED = "ee0258e5e3e7363fd69d53757db63fa5f030b551858dc90335198fe92ab9a896";
