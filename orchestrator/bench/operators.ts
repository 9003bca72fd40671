// The operators' table and environment page with 2,000 environments in PostgreSQL: the server time (request
// received to response written) of the tRPC calls behind the first page, a filtered page and an environment's
// page, and in Chromium the time from navigation to the first page's rows being visible.
// Usage: npm run bench -- operators [--environments N] [--requests R] [--renders K]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { build } from "vite";
import { startLocalCluster } from "@spe/infra/local-cluster";
import { startLocalPostgres } from "@spe/infra/local-postgres";
import { uiCookies } from "../src/auth/session-cookie";
import { recordAuditEvent } from "../src/audit/append-audit-event";
import { openDatabase } from "../src/db/database";
import { saveStatus } from "../src/environments/environment-store";
import { changeDesiredState } from "../src/environments/lifecycle";
import { examplePermit } from "../src/permits/test-fixtures";
import type { Condition } from "../src/db/schema";
import { insertEnvironment, stageDelivery } from "../test/environment-rows";
import { startBenchServer } from "./support/bench-server";

const { values } = parseArgs({
  options: {
    environments: { type: "string", default: "2000" },
    requests: { type: "string", default: "300" },
    renders: { type: "string", default: "7" },
  },
});
const [count, requests, renders] = [values.environments, values.requests, values.renders].map(Number) as [
  number,
  number,
  number,
];
if (![count, requests, renders].every((n) => Number.isInteger(n) && n >= 1)) {
  console.error("--environments, --requests and --renders take positive whole numbers");
  process.exit(2);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

// The cluster only because the server wants one: these pages ask nothing of it (Kubernetes' events are a
// call of their own), so it is stopped before anything is measured.
const cluster = await startLocalCluster({ progress: (l) => console.error(l) });
const postgres = await startLocalPostgres();
const database = await openDatabase({ url: postgres.url });
const uiDir = await buildUi();
// Server time as fastify counts it, from the request's arrival to the response's last byte written.
const serverMs = new Map<string, number[]>();
const server = await startBenchServer({
  name: "operators",
  database,
  kubeconfig: cluster.orchestratorKubeconfig,
  uiDir,
  beforeListen: (app) =>
    app.addHook("onResponse", async (request, reply) => {
      const label = request.headers["x-bench"];
      if (typeof label === "string") serverMs.set(label, [...(serverMs.get(label) ?? []), reply.elapsedTime]);
    }),
});
const { config, sessions } = server;

// The environments: one in fifteen failing, one in ten paused with a reason, the rest ready or on their way;
// each with its permit's import in the audit log and a staged delivery.
const started = performance.now();
const namespaces: string[] = [];
const operator = { subject: "olof", role: "operator" as const, address: null };
const ready = (status: Condition["status"], reason: string, at: Date): Condition[] => [
  { type: "Ready", status, reason, message: reason, observedGeneration: 1, lastTransitionTime: at.toISOString() },
];
for (let i = 0; i < count; i++) {
  const created = new Date(Date.UTC(2026, 10, 1) + i * 60_000);
  const permit = examplePermit({
    permitId: `SE-OPS-${String(i).padStart(5, "0")}`,
    purpose: {
      category: "scientific-research",
      description: i % 4 ? "Diabetes care over time" : "Statin use and stroke",
    },
  });
  const namespace = await insertEnvironment(database.db, permit, created);
  namespaces.push(namespace);
  await recordAuditEvent(
    database.db,
    { actor: operator, action: "permit.imported", target: `permit:${permit.permitId}`, details: {} },
    created,
  );
  await stageDelivery(database.db, permit, permit.datasets[0], created);
  const at = new Date(created.getTime() + 60_000);
  if (i % 15 === 0) await saveStatus(database.db, namespace, ready("False", "LoadFailed", at), 1, at);
  else if (i % 3 === 0) await saveStatus(database.db, namespace, ready("False", "Starting", at), 1, at);
  else await saveStatus(database.db, namespace, ready("True", "EnvironmentReady", at), 1, at);
  if (i % 10 === 1) await changeDesiredState(database.db, namespace, "suspend", at, operator, "Node maintenance");
}
console.log(`${count} environments in PostgreSQL in ${Math.round((performance.now() - started) / 1000)} s`);
await cluster.stop();

const token = await sessions.create(
  { subject: "olof", name: "Olof Operatör", email: null, roles: ["operator"] },
  undefined,
);
const cookie = `${uiCookies(config.publicUrl).session}=${token}`;
const trpc = async (label: string, path: string, input: unknown) => {
  const url = `${config.publicUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(url, { headers: { cookie, "x-bench": label } });
  const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body.error)}`);
  return body.result.data;
};

// The calls the pages make: the first page as a bare URL asks for it, a page filtered by state and text and
// sorted by time in the state, and one environment's page (a different environment each time).
const calls: Record<string, (i: number) => Promise<unknown>> = {
  page: () => trpc("page", "environments.list", {}),
  filtered: () => trpc("filtered", "environments.list", { tone: "problem", text: "stroke", sort: "since" }),
  environment: (i) =>
    trpc("environment", "environments.get", { namespace: namespaces[(i * 7919) % namespaces.length] }),
};
const first = (await calls.page!(0)) as { rows: unknown[]; total: number };
const filtered = (await calls.filtered!(0)) as { rows: unknown[]; total: number };
console.log(
  `first page: ${first.rows.length} of ${first.total}; filtered: ${filtered.rows.length} of ${filtered.total}`,
);
const figures: Record<string, { p50: number; p99: number }> = {};
for (const [label, call] of Object.entries(calls)) {
  for (let i = 0; i < 30; i++) await call(i); // warm-up: prepared plans, connections, JIT
  serverMs.set(label, []);
  for (let i = 0; i < requests; i++) await call(i);
  const sorted = [...serverMs.get(label)!].sort((a, b) => a - b);
  figures[label] = { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
  console.log(
    `${label.padEnd(12)} server time over ${sorted.length} requests: p50 ${figures[label].p50} ms, p99 ${figures[label].p99} ms`,
  );
}

// Chromium: signed in through the real pages, then the table opened afresh; the time from navigation start
// to the first page's rows in the document and laid out. The first opening fetches the scripts; the figure is
// the median of the openings after it, as an operator who has the app open gets it.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
await page.goto(config.publicUrl);
await page.getByRole("link", { name: "Logga in" }).click();
await page.getByLabel("User name").fill("olof");
await page.getByLabel("Password").fill("demo");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(`${config.publicUrl}/`);
const times: number[] = [];
for (let i = 0; i <= renders; i++) {
  await page.goto(`${config.publicUrl}/operator/environments`, { waitUntil: "commit" });
  // Run in the page; this package is not compiled with the DOM's types, hence the narrow one here.
  const shown = await page.waitForFunction(
    (rows) => {
      type Body = { children: { length: number }; getBoundingClientRect(): { height: number } };
      const { document } = globalThis as unknown as { document: { querySelector(s: string): Body | null } };
      const body = document.querySelector("table.env-table tbody");
      return body && body.children.length >= rows && body.getBoundingClientRect().height > 0 ? performance.now() : 0;
    },
    first.rows.length,
    { polling: "raf", timeout: 30_000 },
  );
  times.push((await shown.jsonValue()) as number);
}
await browser.close();
const [cold, ...warm] = times;
const renderMs = Math.round(warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)]!);
console.log(
  `first page's rows visible: ${Math.round(cold!)} ms the first time, median ${renderMs} ms of ${warm.length} after`,
);

await server.stop();
await database.close();
await postgres.stop();
rmSync(dirname(uiDir), { recursive: true, force: true });
console.log(
  JSON.stringify({
    page_p50_ms: figures.page!.p50,
    page_p99_ms: figures.page!.p99,
    filtered_p50_ms: figures.filtered!.p50,
    filtered_p99_ms: figures.filtered!.p99,
    environment_p50_ms: figures.environment!.p50,
    environment_p99_ms: figures.environment!.p99,
    render_ms: renderMs,
  }),
);
process.exit(0);

/** The UI as `npm start` serves it, built into a temporary folder. */
async function buildUi(): Promise<string> {
  const outDir = join(mkdtempSync(join(tmpdir(), "spe-bench-ui-")), "dist");
  const root = fileURLToPath(new URL("../../workspace-ui/", import.meta.url));
  await build({
    root,
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
