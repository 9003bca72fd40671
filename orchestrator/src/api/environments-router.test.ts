import * as k8s from "@kubernetes/client-node";
import type { JWK } from "jose";
import { openEvidenceReport } from "../audit/evidence-signature";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CookieClient } from "../../test/cookie-client";
import { eventually } from "../../test/eventually";
import { startStack, type Stack } from "../../test/stack";
import { callTrpc } from "../../test/trpc-call";
import { demoPermitPayload } from "../permits/demo-permit";
import { pushDevPermit } from "../../test/push-permit";
import { openWorkspace } from "../../test/workspace-host";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../db/schema";

const call = (client: CookieClient, stack: Stack, path: string, input?: unknown, method: "GET" | "POST" = "POST") =>
  callTrpc(client, stack.appUrl, path, input, method);

type Environment = {
  namespace: string;
  desiredState: string;
  conditions: Array<{ type: string; status: string; reason: string }>;
  teardown: { completedAt?: string } | null;
};

describe("environment lifecycle through the API", () => {
  let stack: Stack;
  let olof: CookieClient;
  let alice: CookieClient;
  let bob: CookieClient;
  let namespace: string;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    stack = await startStack();
    [olof, alice, bob] = [await stack.signIn("olof"), await stack.signIn("alice"), await stack.signIn("bob")];
    const demo = demoPermitPayload(new Date());
    // alice's alone: bob is a researcher the permit does not name.
    const payload = {
      ...demo,
      authorisedPersons: demo.authorisedPersons.filter((p) => p.subject === "alice"),
      permitId: `SE-LIFECYCLE-${Date.now().toString(36)}`,
    };
    namespace = await pushDevPermit(stack.appUrl, payload);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject("kubeconfig"));
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  afterAll(() => stack.stop());

  const get = async () => (await call(olof, stack, "environments.get", { namespace }, "GET")).data as Environment;

  it("provisions a pushed permit and shows operators its conditions", async () => {
    const environment = await eventually("Provisioned", async () => {
      const e = await get();
      return e.conditions.some((c) => c.type === "Provisioned" && c.status === "True") && e;
    });
    expect(environment.desiredState).toBe("active");
    // Kubernetes' own events, beside the page: here, the deployment controller scaling up the airlock agent
    // (no workspace runs before its person opens it).
    const events = await eventually("events are shown", async () => {
      const e = (await call(olof, stack, "environments.events", { namespace }, "GET")).data as Array<{
        reason: string;
        object: string;
      }>;
      return e.some((ev) => ev.object === "Deployment/airlock" && ev.reason === "ScalingReplicaSet") && e;
    });
    expect(events.length).toBeGreaterThan(0);
    const list = (await call(olof, stack, "environments.list", { text: namespace }, "GET")).data as {
      rows: Environment[];
    };
    expect(list.rows.map((e) => e.namespace)).toEqual([namespace]);
  });

  it("shows researchers only the environments whose permit names them", async () => {
    expect(
      ((await call(alice, stack, "environments.mine", undefined, "GET")).data as Environment[]).map((e) => e.namespace),
    ).toContain(namespace);
    expect((await call(bob, stack, "environments.mine", undefined, "GET")).data).toEqual([]);
    expect((await call(alice, stack, "environments.list", undefined, "GET")).status).toBe(403);
    expect((await call(alice, stack, "environments.suspend", { namespace, reason: "Not mine to pause" })).status).toBe(
      403,
    );
  });

  /** The replicas all workspaces of the environment ask for, together. */
  const workspaceReplicas = async () =>
    (
      await apps.listNamespacedDeployment({ namespace, labelSelector: "app.kubernetes.io/component=workspace" })
    ).items.reduce((sum, d) => sum + (d.spec?.replicas ?? 0), 0);

  it("starts a person's workspace when they open it, not before", async () => {
    expect(await workspaceReplicas()).toBe(0);
    const { res, url } = await openWorkspace(alice, stack.appUrl, namespace);
    // The page that follows the start, in words, looking again every second.
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.text()).toContain('http-equiv="refresh" content="1"');
    // Each of the page's reloads asks again, as a browser's would (a reconcile under way may have read the wish
    // before it was there).
    await eventually("alice's workspace is asked for", async () => {
      await (await alice.request(url, { headers: { accept: "text/html" } })).text();
      return (await workspaceReplicas()) === 1;
    });
    // Asked for, it is found by name (the Service of WORKSPACE_UPSTREAM's template) before it can answer: the
    // page still follows the start, rather than saying it does not answer.
    const following = await alice.request(url, { headers: { accept: "text/html", "accept-language": "en" } });
    expect(following.status).toBe(503);
    expect(following.headers.get("retry-after")).toBe("1");
    expect(await following.text()).not.toContain("does not answer");
    const [started] = await stack.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "workspace.started"), eq(auditEvents.target, `environment:${namespace}`)));
    expect(started).toMatchObject({ actorSubject: "alice", details: { person: "alice" } });
  });

  type PersonWorkspace = { subject: string; state: string; reason: string | null; since: string | null };
  const personWorkspaces = async () =>
    (await call(olof, stack, "environments.workspaces", { namespace }, "GET")).data as PersonWorkspace[];

  it("shows operators who runs what, and stops one person's workspace with a reason", async () => {
    // No node runs pods here: alice's start waits, which is "starting" (the environment's Ready is not hers).
    expect(await personWorkspaces()).toEqual([expect.objectContaining({ subject: "alice", state: "starting" })]);
    const reasonless = await call(olof, stack, "environments.stopWorkspace", {
      namespace,
      subject: "alice",
      reason: "",
    });
    expect(reasonless.error?.data.speCode).toBe("ENVIRONMENT_REASON_MISSING");
    const stranger = await call(olof, stack, "environments.stopWorkspace", {
      namespace,
      subject: "bob",
      reason: "Not in this permit",
    });
    expect(stranger.error?.data.speCode).toBe("WORKSPACE_NOT_FOUND");
    const stop = { namespace, subject: "alice", reason: "Runs away with the node's memory" };
    expect((await call(olof, stack, "environments.stopWorkspace", stop)).data).toEqual({
      subject: "alice",
      stopped: true,
    });
    await eventually("alice's workspace is scaled to zero", async () => (await workspaceReplicas()) === 0);
    expect(await personWorkspaces()).toEqual([
      expect.objectContaining({ subject: "alice", state: "stopped", reason: stop.reason }),
    ]);
    // Alice sees the same on her start page, with the operator's reason; bob, not named, sees nothing.
    const mine = await call(alice, stack, "environments.myWorkspace", { namespace }, "GET");
    expect(mine.data).toMatchObject({ state: "stopped", reason: stop.reason });
    expect(mine.data).not.toHaveProperty("detail");
    const notHis = await call(bob, stack, "environments.myWorkspace", { namespace }, "GET");
    expect(notHis.error?.data.speCode).toBe("WORKSPACE_NOT_FOUND");
    const again = await call(olof, stack, "environments.stopWorkspace", stop);
    expect(again.error?.data.speCode).toBe("ENVIRONMENT_STATE_CONFLICT");
    const [stopped] = await stack.services.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "workspace.stopped-by-operator"),
          eq(auditEvents.target, `environment:${namespace}`),
        ),
      );
    expect(stopped).toMatchObject({ actorSubject: "olof", details: { person: "alice", reason: stop.reason } });
    // She opens it again: it is asked for again.
    await eventually("alice's workspace is asked for again", async () => {
      await (await openWorkspace(alice, stack.appUrl, namespace)).res.text();
      return (await workspaceReplicas()) === 1;
    });
  });

  it("suspends (no workspace runs) and resumes", async () => {
    expect(
      (await call(olof, stack, "environments.suspend", { namespace, reason: "Node maintenance" })).data,
    ).toMatchObject({
      desiredState: "suspended",
    });
    await eventually("the workspace is scaled to zero", async () => (await workspaceReplicas()) === 0);
    const again = await call(olof, stack, "environments.suspend", { namespace, reason: "Node maintenance" });
    expect(again.status).toBe(409);
    expect(again.error?.message).toMatch(/^ENVIRONMENT_STATE_CONFLICT: Cannot suspend .* it is suspended/);
    expect(again.error?.data.speCode).toBe("ENVIRONMENT_STATE_CONFLICT");
    expect(again.error?.data.stack).toBeUndefined();
    expect((await call(olof, stack, "environments.resume", { namespace })).data).toMatchObject({
      desiredState: "active",
    });
    await eventually("the workspace is back", async () => (await workspaceReplicas()) === 1);
  });

  type Evidence = { requirements: Array<{ requirement: string; evidence: Record<string, unknown>; gaps: string[] }> };
  const evidence = async () => {
    const ida = await stack.signIn("ida");
    return (await call(ida, stack, "audit.evidence", { namespace }, "GET")).data as Evidence;
  };

  it("gives auditors the evidence of a running environment: isolation in force, persons, the log", async () => {
    const report = await evidence();
    const [access, isolation, , logs] = report.requirements;
    expect(access!.evidence.authorisedPersons).toEqual([expect.objectContaining({ subject: "alice" })]);
    expect(isolation!.evidence.state).toBe("in-force");
    const inForce = isolation!.evidence.inForce as {
      labels: Record<string, string>;
      networkPolicies: Array<{ metadata: { name: string } }>;
    };
    expect(inForce.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(inForce.networkPolicies.map((p) => p.metadata.name)).toContain("deny-all");
    // What those policies let through, read from the cluster's own copies.
    expect(isolation!.evidence.analysis).toMatchObject({
      egress: { defaultDeny: true, internet: false },
      ingress: { defaultDeny: true },
    });
    const actions = (logs!.evidence.events as Array<{ action: string }>).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["permit.imported", "environment.suspended", "environment.resumed"]),
    );
    expect(logs!.evidence.chain).toMatchObject({ intact: true });
    expect(report.requirements.every((r) => Array.isArray(r.gaps))).toBe(true);

    // Signed with the installation's key, which anyone can check against the published keys.
    const published = await fetch(`${stack.appUrl}/.well-known/spe-signing-keys.json`);
    expect(published.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    const { keys } = (await published.json()) as { keys: JWK[] };
    expect(keys.every((k) => k.d === undefined)).toBe(true);
    const ida = await stack.signIn("ida");
    const signed = (await call(ida, stack, "audit.signedEvidence", { namespace }, "GET")).data as {
      jws: string;
      kid: string;
    };
    expect(keys[0]!.kid).toBe(signed.kid);
    const opened = await openEvidenceReport(signed.jws, keys);
    expect(opened).toMatchObject({ report: { environment: { namespace }, requirements: expect.any(Array) } });
    // The same report as the page shows, but for when it was made.
    const { generatedAt: _at, ...signedContent } = (opened as { report: Record<string, unknown> }).report;
    const { generatedAt: _shown, ...shownContent } = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(signedContent).sort()).toEqual(Object.keys(shownContent).sort());
  });

  it("tears down only when the operator confirms with the namespace, then certifies the deletion", async () => {
    const reason = "The project has ended";
    const unconfirmed = await call(olof, stack, "environments.teardown", { namespace, confirm: "yes", reason });
    expect(unconfirmed.status).toBe(400);
    expect((await get()).desiredState).toBe("active");
    expect(
      (await call(olof, stack, "environments.teardown", { namespace, confirm: namespace, reason })).data,
    ).toMatchObject({
      desiredState: "torn-down",
    });
    const done = await eventually(
      "the deletion is complete",
      async () => {
        const e = await get();
        return e.teardown?.completedAt !== undefined && e;
      },
      40_000,
    );
    expect(done.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "TornDown" });
    expect((await call(olof, stack, "environments.resume", { namespace })).status).toBe(409);
    // The evidence now shows the deletion and its certificate instead of policies in force.
    const [, isolation, , logs, , duration] = (await evidence()).requirements;
    expect(isolation!.evidence.state).toBe("deleted");
    expect(duration!.evidence.teardown).toMatchObject({ completedAt: expect.any(String) });
    expect((logs!.evidence.events as Array<{ action: string }>).map((e) => e.action)).toContain(
      "environment.torn-down",
    );
  });

  it("refuses a malformed namespace with a message that says what is expected", async () => {
    const bad = await call(olof, stack, "environments.get", { namespace: "kube-system" }, "GET");
    expect(bad.status).toBe(400);
    expect(bad.error?.data.issues).toEqual([
      { path: "namespace", code: "INPUT_INVALID", problem: "wrong-form", message: "an environment namespace (spe-…)" },
    ]);
    expect(bad.error?.message).toBe("INPUT_INVALID: namespace: an environment namespace (spe-…).");
  });
});
