import { eq } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../auth/sessions";
import { freshPostgres } from "../audit/test-databases";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { databaseAllowlist } from "../mirror/allowlist-store";
import type { Context, Services } from "./context";
import { appRouter } from "./router";

const olle: Session = {
  subject: "olle",
  name: "Olle Operatör",
  email: "olle@scb.example",
  roles: ["operator"],
  idToken: null,
  expiresAt: new Date(Date.now() + 3_600_000),
};

describe.each([
  ["PGlite", () => openDatabase({ memory: true })],
  ["PostgreSQL", async () => (await freshPostgres()).database],
])("the package allowlist operators keep, in %s", (_kind, open) => {
  let database: Database;
  let caller: ReturnType<typeof appRouter.createCaller>;
  const changes = () =>
    database.db.select().from(auditEvents).where(eq(auditEvents.action, "mirror.allowlist-changed"));

  beforeAll(async () => {
    database = await open();
    // The allowlist uses the database alone.
    const context: Context = { services: { database } as Services, session: olle, address: "127.0.0.1" };
    caller = appRouter.createCaller(context);
  });
  afterAll(() => database?.close());

  it("is replaced whole, in PyPI's normal form, and each change is one audit event naming what moved", async () => {
    expect(await caller.packages.saveAllowlist({ text: "# statistics\nPandas\nscikit_learn\nsix\n" })).toEqual({
      added: ["pandas", "scikit-learn", "six"],
      removed: [],
    });
    expect(await caller.packages.saveAllowlist({ text: "pandas\nstatsmodels\nsix" })).toEqual({
      added: ["statsmodels"],
      removed: ["scikit-learn"],
    });
    const { entries } = await caller.packages.allowlist();
    expect(entries.map((e) => [e.name, e.addedBy])).toEqual([
      ["pandas", "olle"],
      ["six", "olle"],
      ["statsmodels", "olle"],
    ]);
    // What the mirror reads is what the operator saved.
    expect(await databaseAllowlist(database.db).names()).toEqual(["pandas", "six", "statsmodels"]);
    expect((await changes()).map((e) => [e.actorSubject, e.actorRole, e.target, e.details])).toEqual([
      ["olle", "operator", "package-allowlist:pypi", { added: ["pandas", "scikit-learn", "six"], removed: [] }],
      ["olle", "operator", "package-allowlist:pypi", { added: ["statsmodels"], removed: ["scikit-learn"] }],
    ]);
  });

  it("records nothing when the list saved is the one already there", async () => {
    const before = (await changes()).length;
    expect(await caller.packages.saveAllowlist({ text: "six\nstatsmodels\nPANDAS" })).toEqual({
      added: [],
      removed: [],
    });
    expect((await changes()).length).toBe(before);
  });

  it("refuses a list with malformed lines, naming each with its code, and keeps the list as it was", async () => {
    const before = (await changes()).length;
    const refused = await caller.packages.saveAllowlist({ text: "six\nrequests>=2\n\nnumpy\n../etc/passwd" }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
    const issues = (refused as TRPCError & { cause: { issues: { message: string; params?: unknown }[] } }).cause.issues;
    expect(issues.map((i) => i.message)).toEqual([
      'Line 2: "requests>=2" is not a project name.',
      'Line 5: "../etc/passwd" is not a project name.',
    ]);
    expect(issues.every((i) => (i.params as { speCode?: string }).speCode === "PACKAGE_ALLOWLIST_INVALID")).toBe(true);
    expect(await databaseAllowlist(database.db).names()).toEqual(["pandas", "six", "statsmodels"]);
    expect((await changes()).length).toBe(before);
  });
});
