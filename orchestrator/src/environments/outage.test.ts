import * as k8s from "@kubernetes/client-node";
import { startLocalCluster, type LocalCluster } from "@spe/infra/local-cluster";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { environmentRow, insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { examplePermit } from "../permits/test-fixtures";
import { openDatabase, type Database } from "../db/database";
import { EnvironmentController } from "./controller";
import { defaultEnvironmentConfig } from "./environment-config";

// A cluster of its own: this test takes its API server away.
let cluster: LocalCluster;
let database: Database;
let controller: EnvironmentController;

beforeAll(async () => {
  cluster = await startLocalCluster({ progress: () => {} });
  database = await openDatabase({ memory: true });
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.orchestratorKubeconfig);
  controller = new EnvironmentController({
    db: database.db,
    kubeConfig,
    config: defaultEnvironmentConfig,
    log: pino({ level: "silent" }),
    pollMs: 200,
  });
  controller.start();
  await eventually("the controller leads", async () => controller.isLeader);
});
afterAll(async () => {
  await controller.stop();
  await database.close();
  await cluster.stop();
});

const provisioned = (namespace: string) =>
  eventually(
    `${namespace} is provisioned`,
    async () =>
      (await environmentRow(database.db, namespace)).conditions.some(
        (c) => c.type === "Provisioned" && c.status === "True",
      ),
    60_000,
  );

it("converges after the API server has been down for a while, without crashing", async () => {
  const before = await insertEnvironment(
    database.db,
    examplePermit({ permitId: "SE-OUTAGE-1", validFrom: "2026-01-01T00:00:00Z" }),
  );
  controller.enqueue(before);
  await provisioned(before);

  // While the API server is away, a permit arrives: its reconcile fails and is retried with backoff.
  const outage = cluster.restartApiServer(4000);
  await new Promise((r) => setTimeout(r, 500));
  const during = await insertEnvironment(
    database.db,
    examplePermit({ permitId: "SE-OUTAGE-2", validFrom: "2026-01-01T00:00:00Z" }),
  );
  controller.enqueue(during);
  await eventually(
    "the failure is recorded",
    async () => (await environmentRow(database.db, during)).conditions.some((c) => c.reason === "ApplyFailed"),
    10_000,
  );
  await outage;

  await provisioned(during);
  expect(controller.isLeader).toBe(true);
  // The watches came back too: drift is still repaired.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const net = kc.makeApiClient(k8s.NetworkingV1Api);
  await net.deleteNamespacedNetworkPolicy({ name: "deny-all", namespace: before });
  await eventually(
    "deny-all is back after the outage",
    () => net.readNamespacedNetworkPolicy({ name: "deny-all", namespace: before }).catch(() => undefined),
    30_000,
  );
});
