// Stuck is a state: what the real API server says about an environment's pods makes it "with problems", in
// words, once a pod has waited longer than the installation expects. The control plane of the test run has
// no node (unless a local node joined it), so the workspace's pod waits for one that never comes.
import * as k8s from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { environmentRow, insertEnvironment, openWorkspaces } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { openDatabase, type Database } from "../db/database";
import { WatchCache } from "../kube/watch-cache";
import { examplePermit } from "../permits/test-fixtures";
import { defaultEnvironmentConfig } from "./environment-config";
import { reconcileEnvironment, refreshStatus, type ReconcileDeps } from "./reconcile";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const config = {
  ...defaultEnvironmentConfig,
  expectedSeconds: { ...defaultEnvironmentConfig.expectedSeconds, scheduling: 2 },
};

describe("an environment whose pods cannot run, against the real API server", () => {
  let database: Database;
  let cache: WatchCache;
  let deps: ReconcileDeps;
  /** Calls the reconciler made to the API server. */
  let calls = 0;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject("orchestratorKubeconfig"));
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    cache = new WatchCache(kc, client, log, () => undefined);
    await cache.start();
    const counting = new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    deps = { db: database.db, client: counting, cache, config, log, now: () => new Date(), lastApplied: new Map() };
  });
  afterAll(async () => {
    await cache.stop();
    await database.close();
  });

  it("is stuck once its workspace has waited longer than expected for a node, and says so in words", async (ctx) => {
    const permit = examplePermit({
      permitId: `SE-STUCK-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
    });
    const namespace = await insertEnvironment(database.db, permit);
    // Its person opens the workspace: until then it has no pod to wait for a node.
    await openWorkspaces(database.db, namespace, permit, config);
    await eventually("the environment is provisioned", async () => {
      await reconcileEnvironment(namespace, deps);
      const row = await environmentRow(database.db, namespace);
      return row.conditions.find((c) => c.type === "Provisioned")?.status === "True";
    });
    if (cache.observedIn(namespace).nodes > 0) ctx.skip("a node joined this control plane: pods do get one");
    const pod = await eventually("the workspace's pod is made, and seen", async () =>
      cache.observedIn(namespace).pods.find((p) => p.metadata?.labels?.["app.kubernetes.io/component"] === "workspace"),
    );
    expect(pod.spec?.nodeName).toBeUndefined();
    // Before the expected wait is over it is only starting, and the reconciler asks to come back when it is.
    const early = await reconcileEnvironment(namespace, deps);
    const starting = await environmentRow(database.db, namespace);
    if (starting.conditions.find((c) => c.type === "WorkspaceReady")?.reason === "Starting")
      expect(early.recheckAfterMs).toBeLessThanOrEqual(2_100);
    // Saying so again needs no write and no API call: the watch cache holds the pods and nodes.
    calls = 0;
    const stuck = await eventually("the wait has lasted longer than expected", async () => {
      await refreshStatus(namespace, deps);
      const row = await environmentRow(database.db, namespace);
      return row.conditions.find((c) => c.type === "WorkspaceReady")?.reason === "NoNodes" && row;
    });
    const workspace = stuck.conditions.find((c) => c.type === "WorkspaceReady")!;
    expect(workspace).toMatchObject({
      status: "False",
      values: { pod: pod.metadata!.name },
      message: `The cluster has no node to run the pod ${pod.metadata!.name} on.`,
    });
    // Ready names it before the datasets it also waits for: stuck outweighs waiting.
    expect(stuck.conditions.find((c) => c.type === "DataStaged")?.reason).toBe("AwaitingDelivery");
    expect(stuck.conditions.at(-1)).toMatchObject({ type: "Ready", status: "False", reason: "NoNodes" });
    expect(calls).toBe(0);
  });
});
