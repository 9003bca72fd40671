import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { openDatabase, type Database } from "../db/database";
import type { Kube } from "../kube/client";
import { examplePermit } from "../permits/test-fixtures";
import { complianceEvidence } from "./compliance-evidence";
import { environments } from "../db/schema";
import { eq } from "drizzle-orm";
import { recordAuditEvent } from "./append-audit-event";
import { appendActivityBatch } from "../activity/append-activity-batch";

describe("compliance evidence: network section", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
  });
  afterAll(async () => {
    await database.close();
  });

  it("states, from the policies the orchestrator applies, that no egress reaches the internet and ingress comes only from the gateway and the orchestrator", async () => {
    const namespace = await insertEnvironment(database.db, examplePermit());
    // The network section is derived from the desired policies alone; the cluster is not asked for it.
    const kube = { isolationInForce: async () => undefined } as unknown as Kube;
    const report = await complianceEvidence(database.db, kube, namespace);
    expect(report?.network.egress).toMatchObject({ defaultDeny: true, internet: false });
    expect(report?.network.ingress.allowedFrom).toEqual([
      "pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system",
    ]);
    expect(report?.network.sentences).toContain("No egress to the internet.");
  });

  it("reads a teardown record written before it named the staged data, and never passes on the cluster client's words", async () => {
    const namespace = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-OLD-TEARDOWN-${Date.now().toString(36)}` }),
    );
    const old = {
      namespace,
      reason: "expired",
      requestedAt: "2026-01-01T00:00:00.000Z",
      completedAt: "2026-01-01T00:01:00.000Z",
    };
    await database.db.update(environments).set({ teardown: old }).where(eq(environments.namespace, namespace));
    const unreachable = {
      isolationInForce: async () =>
        Promise.reject(
          new Error("connect ECONNREFUSED 10.0.0.1:6443 as system:serviceaccount:spe-system:orchestrator"),
        ),
    } as unknown as Kube;
    const report = await complianceEvidence(database.db, unreachable, namespace);
    const duration = report!.requirements.find((r) => r.id === "duration")!;
    expect(duration.evidence).toMatchObject({
      teardown: { reason: "expired", objects: [], stagedData: [], completedAt: old.completedAt },
    });
    const isolation = report!.requirements.find((r) => r.id === "isolation")!;
    expect(isolation.evidence).toEqual({ state: "unknown", error: "The Kubernetes API could not be reached." });
  });

  it("lists what the gateway refused or closed in the workspace, each with who, when and why, apart from the sessions opened", async () => {
    const namespace = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-REFUSALS-${Date.now().toString(36)}` }),
    );
    const event = (action: string, details: Record<string, unknown>) =>
      recordAuditEvent(database.db, {
        actor: { subject: "alice", role: "researcher", address: "127.0.0.1" },
        action,
        target: `environment:${namespace}`,
        details: { path: `/workspaces/${namespace}/x`, ...details },
      });
    await event("workspace.opened", {});
    await event("workspace.websocket-refused", { reason: "origin", origin: "https://evil.example" });
    await event("workspace.websocket-closed", { reason: "PERMIT_REVOKED" });
    await event("workspace.transfer-refused", { route: "files", method: "GET" });
    const report = await complianceEvidence(
      database.db,
      { isolationInForce: async () => undefined } as unknown as Kube,
      namespace,
    );
    const access = report!.requirements.find((r) => r.id === "access")!.evidence as {
      workspaceSessions: unknown[];
      workspaceRefusals: Array<{ who: string; action: string; reason: string }>;
    };
    expect(access.workspaceSessions).toHaveLength(1);
    expect(access.workspaceRefusals.map(({ who, action, reason }) => [who, action, reason])).toEqual([
      ["alice", "workspace.websocket-refused", "origin"],
      ["alice", "workspace.websocket-closed", "PERMIT_REVOKED"],
      ["alice", "workspace.transfer-refused", "files"],
    ]);
  });

  it("summarises the record of activities per person and kind, with its chain verified, and quotes no code", async () => {
    const namespace = await insertEnvironment(
      database.db,
      examplePermit({ permitId: `SE-ACTIVITY-${Date.now().toString(36)}` }),
    );
    const time = new Date().toISOString();
    const later = new Date(Date.parse(time) + 60_000).toISOString();
    const code = "df[df.personnummer == 'x']";
    await appendActivityBatch(database.db, [
      { time, namespace, subject: "alice", kind: "code.executed", details: { code } },
      { time: later, namespace, subject: "alice", kind: "code.executed", details: { code: "1+1" } },
      { time, namespace, subject: "bob", kind: "terminal.opened", details: { name: "1" } },
      { time, namespace: "spe-elsewhere", subject: "carol", kind: "file.saved", details: { path: "x" } },
    ]);
    const report = await complianceEvidence(
      database.db,
      { isolationInForce: async () => undefined } as unknown as Kube,
      namespace,
    );
    const logs = report!.requirements.find((r) => r.id === "logs")!.evidence;
    expect(logs.activity).toEqual({
      chain: expect.objectContaining({ intact: true, entries: 4 }),
      persons: [
        { subject: "alice", counts: { "code.executed": 2 }, total: 2, first: time, last: later },
        { subject: "bob", counts: { "terminal.opened": 1 }, total: 1, first: time, last: time },
      ],
    });
    expect(JSON.stringify(report)).not.toContain(code);
  });
});
