import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { openDatabase, type Database } from "../db/database";
import type { Kube } from "../kube/client";
import { examplePermit } from "../permits/test-fixtures";
import { complianceEvidence } from "./compliance-evidence";

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
    expect(report?.network.ingress.allowedFrom).toEqual(["pods app.kubernetes.io/component=orchestrator in namespaces kubernetes.io/metadata.name=spe-system"]);
    expect(report?.network.sentences).toContain("No egress to the internet.");
  });
});
