import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Session } from "../auth/sessions";
import { ROLES, type Role } from "../auth/roles";
import { parseConfig } from "../config";
import { openDatabase, type Database } from "../db/database";
import { connectKube } from "../kube/client";
import { pino } from "pino";
import { machineTokenVerifier } from "../auth/machine-tokens";
import { deliveryServices } from "../deliveries/delivery-services";
import { createAirlock } from "../outputs/airlock";
import { checkpointSourceOf } from "../audit/checkpoint-settings";
import { createPermitIntake } from "../permits/permit-intake";
import { examplePermit } from "../permits/test-fixtures";
import { exportRequests } from "../db/schema";
import { insertEnvironment } from "../../test/environment-rows";
import type { Context } from "./context";
import { appRouter } from "./router";

type Who = "anonymous" | Role;
type Outcome = "allowed" | "denied";
const WHO: Who[] = ["anonymous", ...ROLES];

const NO_REQUEST = "00000000-0000-4000-8000-000000000000";
const only = (...allowed: Who[]): Record<Who, Outcome> =>
  Object.fromEntries(WHO.map((w) => [w, allowed.includes(w) ? "allowed" : "denied"])) as Record<Who, Outcome>;
const everyone = only(...WHO);

/**
 * Every procedure × every caller. A procedure missing here fails the first test: whoever adds one must
 * decide, in this table, who may call it. Inputs are only well-formed enough to get past validation.
 */
const MATRIX: Record<string, { expected: Record<Who, Outcome>; input?: unknown }> = {
  "session.me": { expected: everyone },
  "settings.get": { expected: only(...ROLES) },
  "settings.update": { expected: only(...ROLES), input: { emailNotifications: true } },
  "notifications.undelivered": { expected: only("operator") },
  "system.status": { expected: only("operator") },
  "packages.allowlist": { expected: only("operator") },
  "packages.saveAllowlist": { expected: only("operator"), input: { text: "six" } },
  // The HDAB's system pushes over POST /api/v1/permits (its signature is the credential); here only operators.
  "permits.upload": { expected: only("operator"), input: { jws: "a.b.c" } },
  "permits.preview": { expected: only("operator"), input: { jws: "a.b.c" } },
  "permits.list": { expected: only("operator") },
  "permits.get": { expected: only("operator"), input: { permitId: "SE-NONE-1" } },
  "costs.spent": { expected: only("operator"), input: { namespaces: ["spe-none"] } },
  "costs.environment": { expected: only("operator"), input: { namespace: "spe-none" } },
  "costs.mine": { expected: only("researcher"), input: { namespace: "spe-none" } },
  "costs.setBudget": {
    expected: only("operator"),
    input: { permitId: "SE-NONE-1", amount: 1000, reason: "Agreed with the HDAB" },
  },
  "environments.list": { expected: only("operator") },
  "environments.get": { expected: only("operator"), input: { namespace: "spe-none" } },
  "environments.events": { expected: only("operator"), input: { namespace: "spe-none" } },
  "environments.evidence": { expected: only("operator"), input: { namespace: "spe-none" } },
  "environments.workspaces": { expected: only("operator"), input: { namespace: "spe-none" } },
  "environments.stopWorkspace": {
    expected: only("operator"),
    input: { namespace: "spe-none", subject: "alice", reason: "Node maintenance" },
  },
  "environments.suspend": { expected: only("operator"), input: { namespace: "spe-none", reason: "Node maintenance" } },
  "environments.resume": { expected: only("operator"), input: { namespace: "spe-none" } },
  "environments.suspendMany": {
    expected: only("operator"),
    input: { namespaces: ["spe-none"], reason: "Node maintenance" },
  },
  "environments.resumeMany": { expected: only("operator"), input: { namespaces: ["spe-none"] } },
  "environments.deleteHome": {
    expected: only("operator"),
    input: { namespace: "spe-none", subject: "bob", reason: "Asked to by the permit holder" },
  },
  "environments.teardown": {
    expected: only("operator"),
    input: { namespace: "spe-none", confirm: "spe-none", reason: "The project has ended" },
  },
  "environments.mine": { expected: only("researcher") },
  "environments.myWorkspace": { expected: only("researcher"), input: { namespace: "spe-none" } },
  "environments.pickTool": { expected: only("researcher"), input: { namespace: "spe-none", tool: "jupyterlab" } },
  "environments.mineUpdates": { expected: only("researcher") },
  "environments.updates": { expected: only("operator") },
  "deliveries.list": { expected: only("operator") },
  "statistics.environmentTransitions": { expected: only("operator") },
  "statistics.reviewTurnaround": { expected: only("operator") },
  "audit.events": { expected: only("auditor"), input: { action: "environment.*" } },
  "audit.page": { expected: only("auditor"), input: { person: "alice" } },
  "audit.event": { expected: only("auditor"), input: { sequence: 1 } },
  "audit.verify": { expected: only("auditor") },
  "audit.environments": { expected: only("auditor") },
  "audit.evidence": { expected: only("auditor"), input: { namespace: "spe-none" } },
  "audit.signedEvidence": { expected: only("auditor"), input: { namespace: "spe-none" } },
  // The code a person ran may quote the data: auditors alone read the record of activities.
  "audit.activity": { expected: only("auditor"), input: { namespace: "spe-none" } },
  "audit.activityVerify": { expected: only("auditor") },
  "exports.list": { expected: only("researcher") },
  "exports.get": { expected: only("researcher"), input: { id: NO_REQUEST } },
  "exports.outbox": { expected: only("researcher"), input: { namespace: "spe-none" } },
  "exports.precheck": {
    expected: only("researcher"),
    input: { namespace: "spe-none", path: "t.csv", type: "frequency" },
  },
  "exports.create": {
    expected: only("researcher"),
    input: {
      namespace: "spe-none",
      title: "Tables",
      justification: "Aggregate counts per region.",
      files: [{ path: "t.csv", type: "frequency" }],
    },
  },
  "exports.submit": { expected: only("researcher"), input: { id: NO_REQUEST } },
  "exports.revise": { expected: only("researcher"), input: { id: NO_REQUEST, path: "t.csv" } },
  "exports.withdraw": { expected: only("researcher"), input: { id: NO_REQUEST } },
  "reviews.queue": { expected: only("output-checker") },
  "reviews.get": { expected: only("output-checker"), input: { id: NO_REQUEST } },
  "reviews.vote": {
    expected: only("output-checker"),
    input: { id: NO_REQUEST, path: "t.csv", version: 1, vote: "approve" },
  },
  "reviews.claim": { expected: only("output-checker"), input: { id: NO_REQUEST } },
  "reviews.unclaim": { expected: only("output-checker"), input: { id: NO_REQUEST } },
  "reviews.history": { expected: only("output-checker"), input: { page: 0 } },
};

const session = (role: Role): Session => ({
  subject: `test-${role}`,
  name: role,
  email: null,
  roles: [role],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
});

describe("authorization matrix", () => {
  let database: Database;
  let contextFor: (who: Who) => Context;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const config = parseConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "spe-matrix-")) });
    const airlock = await createAirlock(config);
    const services = {
      database,
      kube: connectKube(inject("orchestratorKubeconfig")),
      permitIntake: createPermitIntake({ production: false }),
      // No reconciler here: the matrix is about who may call, not what happens after.
      environments: { enqueue: () => {} },
      airlock,
      deliveries: deliveryServices(config, pino({ level: "silent" })),
      // Machine tokens are for the delivery API, not tRPC: no procedure here asks for one.
      machineTokens: machineTokenVerifier({
        issuer: "http://127.0.0.1:9",
        jwksUri: "http://127.0.0.1:9/jwks",
        audience: config.machineAudience,
      }),
      environmentConfig: config.environments,
      auditCheckpoints: checkpointSourceOf(config, airlock.signingKeys),
      // With prices, so that the costs' procedures answer rather than say there is no cost.
      priceList: {
        currency: "SEK",
        prices: [{ from: "2026-01-01T00:00:00Z", cpuHour: 1, memoryGiBHour: 0.1, storageGiBHour: 0.001 }],
      },
    };
    contextFor = (who) => ({ services, session: who === "anonymous" ? undefined : session(who), address: "127.0.0.1" });
  });
  afterAll(() => database.close());

  it("has an entry for every procedure, and no entry for a procedure that does not exist", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([path, { expected, input }]) =>
    WHO.map((who) => [path, who, expected[who], input] as const),
  );
  it.each(cases)("%s as %s: %s", async (path, who, expected, input) => {
    const caller = appRouter.createCaller(contextFor(who));
    const procedure = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
      input?: unknown,
    ) => Promise<unknown>;
    const outcome = await procedure(input).then(
      () => "allowed",
      (err: unknown) => {
        if (!(err instanceof TRPCError)) throw err;
        // Refused for who the caller is; any other error (bad input, not found) came after authorization.
        return err.code === "UNAUTHORIZED" || err.code === "FORBIDDEN" ? "denied" : "allowed";
      },
    );
    expect(outcome).toBe(expected);
  });

  /**
   * The researchers' procedures that name an environment or a request, each against one on a permit that
   * names the caller (in scope) and one on a permit that does not (out of scope). Out of scope must be
   * refused as if it did not exist; in scope must get past that check (whatever happens after it: the
   * airlock agent is not running here). A new such procedure without an entry here fails the first test.
   */
  describe("in and out of a researcher's scope", () => {
    type Target = { namespace: string; id: string };
    const SCOPED: Record<string, (t: Target) => unknown> = {
      "environments.myWorkspace": (t) => ({ namespace: t.namespace }),
      "environments.pickTool": (t) => ({ namespace: t.namespace, tool: "jupyterlab" }),
      "exports.outbox": (t) => ({ namespace: t.namespace }),
      "exports.precheck": (t) => ({ namespace: t.namespace, path: "t.csv", type: "frequency" }),
      "exports.create": (t) => ({
        namespace: t.namespace,
        title: "Tables",
        justification: "Aggregate counts per region.",
        files: [{ path: "t.csv", type: "frequency" }],
      }),
      "costs.mine": (t) => ({ namespace: t.namespace }),
      "exports.get": (t) => ({ id: t.id }),
      "exports.submit": (t) => ({ id: t.id }),
      "exports.revise": (t) => ({ id: t.id, path: "t.csv" }),
      // Last: it changes the request's state.
      "exports.withdraw": (t) => ({ id: t.id }),
    };
    const targets: Record<"in" | "out", Target> = { in: { namespace: "", id: "" }, out: { namespace: "", id: "" } };

    beforeAll(async () => {
      const researcher = { subject: "test-researcher", name: "Test Researcher", email: "t@uni.example" };
      const other = { subject: "someone-else", name: "Someone Else", email: "s@uni.example" };
      for (const [scope, person] of [
        ["in", researcher],
        ["out", other],
      ] as const) {
        const permit = examplePermit({
          permitId: `SE-SCOPE-${scope.toUpperCase()}-1`,
          principalInvestigator: person,
          authorisedPersons: [person],
        });
        const namespace = await insertEnvironment(database.db, permit);
        const id = crypto.randomUUID();
        const now = new Date();
        await database.db.insert(exportRequests).values({
          id,
          permitId: permit.permitId,
          namespace,
          requester: person.subject,
          title: "T",
          justification: "J",
          state: "draft",
          profile: "default",
          reviewersRequired: 2,
          createdAt: now,
          updatedAt: now,
        });
        targets[scope] = { namespace, id };
      }
    });

    it("has an entry for every researcher procedure that names an environment or a request", () => {
      const named = Object.entries(MATRIX).filter(
        ([, m]) => m.input !== undefined && m.expected.researcher === "allowed" && m.expected.operator === "denied",
      );
      expect(named.map(([path]) => path).sort()).toEqual(Object.keys(SCOPED).sort());
    });

    const scopedCases = Object.keys(SCOPED).flatMap((path) =>
      (["out", "in"] as const).map((scope) => [path, scope] as const),
    );
    it.each(scopedCases)("%s, %s of scope", async (path, scope) => {
      const caller = appRouter.createCaller(contextFor("researcher"));
      const procedure = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        input?: unknown,
      ) => Promise<unknown>;
      const code = await procedure(SCOPED[path]!(targets[scope])).then(
        () => "OK",
        (err: unknown) => {
          if (!(err instanceof TRPCError)) throw err;
          return err.code;
        },
      );
      if (scope === "out") expect(["NOT_FOUND", "FORBIDDEN"]).toContain(code);
      else expect(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"]).not.toContain(code);
    });
  });
});
