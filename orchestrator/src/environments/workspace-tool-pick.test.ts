import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { importPermit } from "../permits/import-permit";
import { DURING_PERMIT, examplePermit, issuerKey, TEST_ISSUER, trustOf } from "../permits/test-fixtures";
import { namespaceFor } from "./namespace-name";
import { environmentsOf } from "./environment-queries";
import { defaultEnvironmentConfig } from "./environment-config";
import { workspacePersons } from "./workspace-persons";
import { pickTool, wishesOf } from "./workspace-wishes";

let database: Database;
const permit = examplePermit({ environment: { ...examplePermit().environment, tools: ["jupyterlab", "vscode"] } });
const namespace = namespaceFor(permit.permitId);
const subject = permit.authorisedPersons[0]!.subject;

beforeAll(async () => {
  database = await openDatabase({ memory: true });
  const key = await issuerKey("EdDSA", "se-1");
  const options = { trustedIssuers: trustOf({ [TEST_ISSUER]: [key] }), now: DURING_PERMIT };
  await importPermit(database.db, await key.sign(permit), { ...options, offeredTools: ["jupyterlab", "vscode"] });
});
afterAll(() => database.close());

describe("a person's pick of their workspace's tool", () => {
  const workspace = () => ({
    namespace,
    personId: workspacePersons(namespace, permit, defaultEnvironmentConfig)[0]!.id,
    subject,
  });
  const actor = { subject, role: "researcher" as const, address: "127.0.0.1" };

  it("offers the permit's tools, the first until the person picks another", async () => {
    const [mine] = await environmentsOf(database.db, subject);
    expect([mine!.tools, mine!.tool]).toEqual([["jupyterlab", "vscode"], "jupyterlab"]);
  });

  it("runs the picked tool in the person's workspace, and says so on their start page, audited once", async () => {
    expect(await pickTool(database.db, workspace(), "vscode", actor, DURING_PERMIT)).toBe(true);
    expect(await pickTool(database.db, workspace(), "vscode", actor, DURING_PERMIT)).toBe(false);
    const [mine] = await environmentsOf(database.db, subject);
    expect(mine!.tool).toBe("vscode");
    const persons = workspacePersons(
      namespace,
      permit,
      defaultEnvironmentConfig,
      await wishesOf(database.db, namespace),
    );
    expect(persons[0]!.tool).toBe("vscode");
    // Not started by the pick: the person opens it when they want it.
    expect(persons[0]!.started).toBe(false);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "workspace.tool-picked"));
    expect(events.map((e) => e.details)).toEqual([{ person: subject, tool: "vscode" }]);
  });
});
