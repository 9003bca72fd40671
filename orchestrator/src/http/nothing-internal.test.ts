import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CookieClient } from "../../test/cookie-client";
import { insertEnvironment } from "../../test/environment-rows";
import { insertExportRequest } from "../../test/export-request-rows";
import { internalsIn } from "../../test/internal-leaks";
import { startStack, type Stack } from "../../test/stack";
import { appRouter } from "../api/router";
import { environments } from "../db/schema";
import { eq } from "drizzle-orm";
import { eventually } from "../../test/eventually";
import { connectKube } from "../kube/client";
import { examplePermit } from "../permits/test-fixtures";
import { DEMO_DATA_HOLDER } from "../auth/demo-accounts";
import { DELIVERY_SCOPE } from "../auth/machine-tokens";

/**
 * Every procedure and route a researcher, an output checker, an auditor or a data holder can call, with
 * good and bad input and with the services behind them failing, answers nothing of our internals: operators
 * may read Kubernetes' reasons on their own pages, everyone else reads words.
 */
describe("the search for internals", () => {
  const origins = { origin: "http://localhost:8080", domain: "ws.localhost" };
  const zodDump = z.object({ id: z.uuid(), namespace: z.string().regex(/^spe-[a-z0-9-]+$/) }).safeParse({ id: "x" })
    .error!.message;
  it.each([
    ["the airlock agent's address", "OUTBOX_UNAVAILABLE: http://airlock-agent.spe-a.svc:8080 refused", 2],
    ["a cluster's address", "connect ECONNREFUSED 10.96.0.1:443", 1],
    ["a file path", 'ENOENT: no such file "/var/lib/spe/quarantine/ab/cd"', 1],
    ["a stack trace", "Error: x\n    at readFile (node:fs:1:2)", 1],
    ["a zod dump", zodDump, 3],
    ["a page on our own hosts", "open http://localhost:8080/environments or http://ab12.ws.localhost:8080/lab", 0],
    ["an actor's address in an audit record", '{"actor":{"address":"10.1.2.3"}}', 0],
  ])("finds %s", (_what, text, atLeast) => {
    const found = internalsIn(text, origins);
    if (atLeast === 0) expect(found).toEqual([]);
    else expect(found.length).toBeGreaterThanOrEqual(atLeast);
  });
});

describe("nothing internal reaches a person", () => {
  let stack: Stack;
  let people: Record<"researcher" | "checker" | "auditor" | "stranger", CookieClient>;
  const ids = { namespace: "", otherNamespace: "", request: randomUUID(), draft: randomUUID() };
  const findings = new Map<string, string[]>();
  beforeEach(() => findings.clear());

  /** Findings by where (who, what), each with the input that showed it first. */
  const check = (where: string, text: string, input?: unknown) => {
    const found = internalsIn(text, {
      origin: stack.appUrl,
      domain: stack.config.workspaceDomain,
      // The permit's issuer, by which auditors and researchers know the body that granted it.
      outsideHosts: [new URL(examplePermit().issuer).hostname],
    });
    const known = findings.get(where) ?? [];
    const fresh = found.filter((f) => !known.some((k) => k.startsWith(f)));
    if (fresh.length) findings.set(where, [...known, ...fresh.map((f) => `${f} (input ${JSON.stringify(input)})`)]);
  };

  /** The answer as the browser gets it, read whole (a subscription: its first event, or what came in 2 s). */
  async function ask(who: CookieClient, path: string, input: unknown): Promise<string> {
    const kind = (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!._def.type;
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    if (kind === "mutation") {
      const res = await who.request(`${stack.appUrl}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: stack.appUrl },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
      return res.text();
    }
    const signal = AbortSignal.timeout(kind === "subscription" ? 2_000 : 30_000);
    const res = await who.request(`${stack.appUrl}/trpc/${path}${query}`, { signal });
    if (kind !== "subscription" || !res.body) return res.text();
    const reader = res.body.getReader();
    const chunk = await reader.read().catch(() => ({ value: undefined }));
    await reader.cancel().catch(() => {});
    return new TextDecoder().decode(chunk.value);
  }

  /** Well-formed input for every procedure at once (zod drops the keys a schema does not name). */
  const good = () => ({
    namespace: ids.namespace,
    namespaces: [ids.namespace],
    id: ids.request,
    permitId: "SE-LEAKS-1",
    path: "t.csv",
    type: "frequency",
    version: 1,
    vote: "approve",
    jws: "a.b.c",
    reason: "A reason of some length",
    confirm: ids.namespace,
    title: "Tables",
    justification: "Aggregate counts per region.",
    files: [{ path: "t.csv", type: "frequency" }],
    emailNotifications: true,
    action: "environment.*",
  });
  const bad = (): unknown[] => [
    undefined,
    null,
    "x",
    7,
    [],
    {},
    { ...good(), id: "not-an-id" },
    { ...good(), id: "../../../etc/passwd" },
    { ...good(), namespace: "Not A Namespace!" },
    { ...good(), namespace: "spe-none" },
    { ...good(), namespace: ids.otherNamespace },
    { ...good(), id: ids.draft },
    { ...good(), path: "../../../etc/passwd" },
    { ...good(), path: "/etc/passwd" },
    { ...good(), path: "a\u0000b" },
    { ...good(), title: "x".repeat(10_000), files: [] },
    { ...good(), version: -1, vote: "maybe", type: "nonsense" },
  ];

  beforeAll(async () => {
    stack = await startStack();
    const db = stack.services.database.db;
    // alice's environment, reconciled against the real control plane: no node runs its pods, so its
    // conditions say why, in Kubernetes' words (image names, the airlock agent's address) for operators.
    const permitId = `SE-LEAKS-${Date.now().toString(36)}`;
    ids.namespace = await insertEnvironment(db, examplePermit({ permitId }));
    stack.services.environments.enqueue(ids.namespace);
    const other = { subject: "someone-else", name: "Someone Else", email: "s@uni.example" };
    ids.otherNamespace = await insertEnvironment(
      db,
      examplePermit({
        permitId: `SE-LEAKS-OTHER-${Date.now().toString(36)}`,
        principalInvestigator: other,
        authorisedPersons: [other],
      }),
    );
    // Their file's quarantined copy is missing: the preview's failure must not name where it was looked for.
    for (const [id, state] of [
      [ids.request, "submitted"],
      [ids.draft, "draft"],
    ] as const)
      await insertExportRequest(db, {
        id,
        permitId,
        namespace: ids.namespace,
        requester: "alice",
        state,
        quarantine: null,
      });
    writeFileSync(join(stack.config.DATA_DIR, "unrelated"), "");
    people = {
      researcher: await stack.signIn("alice"),
      checker: await stack.signIn("karin"),
      auditor: await stack.signIn("ida"),
      stranger: new CookieClient(),
    };
  });
  afterAll(() => stack?.stop());

  /** `inputs`: the bad inputs to try besides the good one, for whoever may call the procedure. */
  const walkProcedures = async (state: string, inputs = bad()) => {
    for (const path of Object.keys(appRouter._def.procedures))
      for (const [role, who] of Object.entries(people)) {
        const first = await ask(who, path, good());
        check(`${state} ${role} ${path}`, first, "good");
        // Refused for who they are: the input is not looked at.
        if (/"httpStatus":40[13]\b/.test(first) && /"speCode":"AUTH_/.test(first)) continue;
        for (const input of inputs) check(`${state} ${role} ${path}`, await ask(who, path, input), input);
      }
  };

  it("in a researcher's environments, whatever Kubernetes said of them", async () => {
    const db = stack.services.database.db;
    const said = await eventually("the reconciler has said how alice's environment is", async () => {
      const [row] = await db.select().from(environments).where(eq(environments.namespace, ids.namespace));
      return row?.conditions.length ? row.conditions : undefined;
    });
    // What a node says of a pod that cannot start, as it reaches an operator's page.
    const internal =
      "Back-off pulling image registry.spe.svc.cluster.local:5000/workspace; agent http://10.96.4.2:8080";
    await db
      .update(environments)
      .set({ conditions: said.map((c) => ({ ...c, message: internal, values: { image: internal } })) })
      .where(eq(environments.namespace, ids.namespace));
    const mine = await ask(people.researcher, "environments.mine", undefined);
    expect(mine).toContain(ids.namespace);
    check("researcher environments.mine", mine);
    check("researcher environments.mineUpdates", await ask(people.researcher, "environments.mineUpdates", undefined));
    expect(Object.fromEntries(findings)).toEqual({});
  });

  it("in the tRPC API, with the airlock agents down (none runs here)", async () => {
    await walkProcedures("agents down:");
    expect(Object.fromEntries(findings)).toEqual({});
  });

  it("in the tRPC API, with the cluster unreachable", async () => {
    const kube = stack.services.kube;
    const dead = join(stack.config.DATA_DIR, "dead.kubeconfig");
    writeFileSync(
      dead,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\n` +
        `users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
    );
    (stack.services as { kube: typeof kube }).kube = connectKube(dead);
    try {
      // What the cluster is asked depends on the input only in whether it gets that far: good input does.
      await walkProcedures("cluster down:", [{ ...good(), namespace: "spe-none" }]);
    } finally {
      (stack.services as { kube: typeof kube }).kube = kube;
    }
    expect(Object.fromEntries(findings)).toEqual({});
  });

  /** Every HTTP route a person or a data holder reaches, with ids and paths good, malformed and hostile. */
  const walkRoutes = async (state: string) => {
    const host = stack.workspaceHosts.originOf(stack.workspaceHosts.labelOf(ids.namespace, "alice"));
    const routes = [
      "/healthz",
      "/no/such/page",
      "/auth/callback",
      "/auth/callback?code=x&state=y",
      "/auth/callback?error=access_denied&error_description=%2Fetc%2Fpasswd",
      `/workspaces/${ids.namespace}`,
      `/workspaces/${ids.namespace}/lab/tree`,
      `/workspaces/${ids.otherNamespace}`,
      "/workspaces/Not%20A%20Namespace",
      "/workspaces/open?host=zz",
      `/workspaces/open?host=${"0".repeat(32)}`,
      `${host}/`,
      `${host}/_spe/handshake?code=nonsense`,
      `${host}/api/contents/../../etc/passwd`,
      "/developers/guides/..%2F..%2Fetc%2Fpasswd",
      "/developers/assets/..%2Fpackage.json",
      "/api/v1/no-such-operation",
      "/api/v1/permits/..%2F..%2Fetc",
      "/api/v1/deliveries/not-an-id",
      `/api/v1/deliveries/${randomUUID()}`,
      ...[ids.request, ids.draft, "not-an-id", "..%2F..%2Fetc%2Fpasswd"].flatMap((id) => [
        `/exports/${id}/files?path=t.csv`,
        `/exports/${id}/files?path=..%2F..%2Fetc%2Fpasswd`,
        `/exports/${id}/release-record`,
        `/reviews/${id}/file?path=t.csv`,
        `/reviews/${id}/file?path=t.csv&version=x`,
      ]),
    ];
    const holder = await holderToken();
    for (const [role, who] of Object.entries(people))
      for (const route of routes) {
        const url = route.startsWith("/") ? `${stack.appUrl}${route}` : route;
        const res = await who.request(url, { headers: { accept: "text/html,application/json" } });
        check(`${state} ${role} GET ${route}`, `${res.headers.get("location") ?? ""} ${await res.text()}`);
      }
    const holderCalls: Array<[string, RequestInit]> = [
      ["/api/v1/deliveries", { method: "POST", body: "{" }],
      ["/api/v1/deliveries", { method: "POST", body: JSON.stringify({ permitId: "x", dataset: { id: "/etc" } }) }],
      ["/api/v1/deliveries", { method: "POST", body: JSON.stringify({ permitId: "SE-NONE", dataset: 7 }) }],
      ["/api/v1/deliveries/validate?dataset=..%2F..%2Fetc", { method: "POST", body: "a,b\n1,2\n" }],
      ["/api/v1/deliveries/validate?dataset=patientregistret@2026-09", { method: "POST", body: "a,b\n1,2\n" }],
      [`/api/v1/deliveries/${randomUUID()}/file`, { method: "PUT", body: "a,b\n1,2\n" }],
      ["/api/v1/permits", { method: "POST", body: "not.a.permit" }],
      ["/api/v1/permits", { method: "POST", body: "{}" }],
    ];
    for (const [route, init] of holderCalls)
      for (const token of [holder, "garbage"]) {
        const res = await fetch(`${stack.appUrl}${route}`, {
          ...init,
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": route.includes("validate") || init.method === "PUT" ? "text/csv" : "application/json",
          },
        });
        check(`${state} data holder ${init.method} ${route} ${String(init.body)}`, await res.text());
      }
  };

  async function holderToken(): Promise<string> {
    const res = await fetch(`${stack.idpUrl}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO_DATA_HOLDER.clientId}:${DEMO_DATA_HOLDER.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: DELIVERY_SCOPE,
        resource: stack.config.machineAudience,
      }).toString(),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  it("on the HTTP routes", async () => {
    await walkRoutes("up:");
    expect(Object.fromEntries(findings)).toEqual({});
  });

  it("on the HTTP routes, with the staging store down", async () => {
    await stack.services.deliveries.staging.close();
    await walkRoutes("staging down:");
    expect(Object.fromEntries(findings)).toEqual({});
  });
});
