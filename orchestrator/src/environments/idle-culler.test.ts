// The idle culler against the real API server and database: it stops the workspaces nothing has used for the
// idle time and keeps the rest. No node runs JupyterLab here (the local node's journey opens the real one), so
// a loopback server answers its API for each person, as Jupyter Server does, by the person's own credential.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { and, eq } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertEnvironment, openWorkspaces } from "../../test/environment-rows";
import { startReconcilerOnCluster, type ReconcilerOnCluster } from "../../test/reconciler-on-cluster";
import { auditEvents } from "../db/schema";
import { labActivityOf } from "../gateway/lab-activity";
import { WorkspaceConnections } from "../gateway/workspace-connections";
import { workspaceIdentities } from "../gateway/workspace-identities";
import { examplePermit } from "../permits/test-fixtures";
import { defaultEnvironmentConfig } from "./environment-config";
import { startIdleCuller, type IdleCuller } from "./idle-culler";
import { templateUpstream } from "./service-origin";
import { workspaceControl } from "./workspace-control";
import { wishOf } from "./workspace-wishes";
import { workspaceName } from "./desired/workload";

const identities = workspaceIdentities(randomBytes(32));
const config = { ...defaultEnvironmentConfig, workspaceIdentities: identities };
const hour = 3_600_000;

/** What each person's Lab answers, by its token: a kernel's state and the last activity, or no answer. */
type LabState = { kernel: "idle" | "busy"; lastActivity: string } | "down";

describe("the idle culler, against the real API server", () => {
  let cluster: ReconcilerOnCluster;
  let lab: Server;
  let culler: IdleCuller;
  let namespace: string;
  const labs = new Map<string, LabState>();
  const asked: string[] = [];
  const connections = new WorkspaceConnections();
  /** The culler's clock: later than the real one, so that what happened now is old enough to be idle. */
  let later = 0;
  const persons = ["alice", "bob"];
  const idOf = (subject: string) => identities.personIdOf(namespace, subject);

  beforeAll(async () => {
    cluster = await startReconcilerOnCluster(config);
    lab = createServer((req, res) => {
      const token = req.headers.authorization?.replace(/^token /, "") ?? "";
      const state = labs.get(token);
      asked.push(req.url ?? "");
      if (!state) return void res.writeHead(403).end();
      if (state === "down") return void res.writeHead(503).end();
      const path = new URL(req.url ?? "/", "http://lab").pathname;
      const body =
        path === "/api/status"
          ? { started: state.lastActivity, last_activity: state.lastActivity, connections: 0, kernels: 1 }
          : path === "/api/kernels"
            ? [{ id: "k1", name: "python3", last_activity: state.lastActivity, execution_state: state.kernel }]
            : path === "/api/terminals"
              ? []
              : undefined;
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => lab.listen(0, "127.0.0.1", resolve));
    const permit = examplePermit({
      permitId: `SE-IDLE-${Date.now().toString(36)}`,
      validFrom: "2026-01-01T00:00:00Z",
      validUntil: "2030-01-01T00:00:00Z",
      authorisedPersons: persons.map((subject) => ({
        subject,
        name: subject,
        email: `${subject}@uni.example`,
      })),
    });
    namespace = await insertEnvironment(cluster.database.db, permit);
    await openWorkspaces(cluster.database.db, namespace, permit, config);
    await cluster.provisioned(namespace);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject("orchestratorKubeconfig"));
    culler = startIdleCuller({
      db: cluster.database.db,
      control: workspaceControl({ db: cluster.database.db, kubeConfig: kc, expected: config.expectedSeconds }),
      connections,
      labActivity: labActivityOf(
        templateUpstream(`http://127.0.0.1:${(lab.address() as AddressInfo).port}`),
        identities,
      ),
      // The loop's own tick never comes in the test: it looks when asked.
      settings: { afterSeconds: 3600, checkSeconds: 3600 },
      log: pino({ level: "silent" }),
      now: () => new Date(Date.now() + later),
    });
  });
  afterAll(async () => {
    await culler?.stop();
    await new Promise((resolve) => lab?.close(resolve));
    await cluster?.stop();
  });

  const setLab = (subject: string, state: LabState) => labs.set(identities.tokenOf(namespace, idOf(subject)), state);
  const replicas = async (subject: string) =>
    (await cluster.apps.readNamespacedDeployment({ namespace, name: workspaceName({ id: idOf(subject) }) })).spec
      ?.replicas;
  const stoppedIdle = async () =>
    cluster.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "workspace.stopped-idle"), eq(auditEvents.target, `environment:${namespace}`)));

  it("keeps what was used within the idle time, without asking the Lab", async () => {
    for (const subject of persons) setLab(subject, { kernel: "idle", lastActivity: new Date().toISOString() });
    expect(await culler.cullOnce()).toEqual([]);
    expect(asked).toEqual([]);
    expect(await replicas("alice")).toBe(1);
  });

  it("stops an idle workspace, keeps one whose kernel is busy, and audits the stop", async () => {
    later = 2 * hour;
    const old = new Date(Date.now() - hour).toISOString();
    // Alice's model fit runs with her browser closed; bob left an hour ago.
    setLab("alice", { kernel: "busy", lastActivity: old });
    setLab("bob", { kernel: "idle", lastActivity: old });
    expect((await culler.cullOnce()).map((w) => w.subject)).toEqual(["bob"]);
    // Asked as Jupyter Server's own activity does not count it.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((url) => url.endsWith("?no_track_activity=1"))).toBe(true);
    expect(await replicas("bob")).toBe(0);
    expect(await replicas("alice")).toBe(1);
    const bob = await wishOf(cluster.database.db, namespace, idOf("bob"));
    expect(bob).toMatchObject({ stopCause: "idle", stopReason: null });
    const [event, ...more] = await stoppedIdle();
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorSubject: "system", actorRole: "system", details: { person: "bob" } });
    // Stopped once: the next look finds nothing more to stop, nor to audit.
    expect(await culler.cullOnce()).toEqual([]);
    expect(await stoppedIdle()).toHaveLength(1);
  });

  it("keeps a workspace with a connection open through the gateway, and records it as used", async () => {
    setLab("alice", { kernel: "idle", lastActivity: new Date(Date.now() - hour).toISOString() });
    const before = (await wishOf(cluster.database.db, namespace, idOf("alice")))!.lastActivityAt!;
    const close = connections.begin({ namespace, personId: idOf("alice") });
    expect(await culler.cullOnce()).toEqual([]);
    close();
    expect(connections.count(namespace, idOf("alice"))).toBe(0);
    await expect
      .poll(async () => (await wishOf(cluster.database.db, namespace, idOf("alice")))!.lastActivityAt!.getTime())
      .toBeGreaterThan(before.getTime());
    expect(await replicas("alice")).toBe(1);
  });

  it("stops a workspace whose Lab does not answer once nothing was recorded for the idle time", async () => {
    setLab("alice", "down");
    later = 30 * 60_000;
    expect(await culler.cullOnce()).toEqual([]);
    later = 2 * hour;
    expect((await culler.cullOnce()).map((w) => w.subject)).toEqual(["alice"]);
    expect(await replicas("alice")).toBe(0);
  });
});
