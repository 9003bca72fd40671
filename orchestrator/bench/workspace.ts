// The workspace benchmark (issue 21): what the gateway adds, with the record of activities, to each kernel
// message it relays, against a direct connection to the same upstream; and, on the local node, the time
// from "open" to a usable JupyterLab through the gateway for a stopped workspace (support/workspace-opens.ts),
// with where that time goes: the pod's milestones as a watch sees them and the kubelet's own log of the pod's
// volumes, sandbox, container and probe (support/open-phases.ts).
// Usage: npm run bench -- workspace [--messages N] [--db postgres|pglite] [--opens N]
// The kernel upstream is a loopback WebSocket stand-in speaking JupyterLab's subprotocol
// (v1.kernel.websocket.jupyter.org, test/kernel-upstream.ts), which answers each execute_request at once:
// a real kernel's own time to run a cell would only add the same to both sides. Every message is an
// execute_request, so every one is parsed, hashed and recorded: the record's worst case.
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { freePort } from "@spe/infra/local-cluster";
import { startLocalPostgres } from "@spe/infra/local-postgres";
import { activityCounts } from "../src/activity/activity-queries";
import { KERNEL_V1_PROTOCOL, readKernelFrame } from "../src/activity/kernel-frames";
import { codeDetails } from "../src/activity/kernel-socket-tap";
import { verifyActivityChain } from "../src/activity/verify-activity-chain";
import { SessionStore } from "../src/auth/sessions";
import { openDatabase } from "../src/db/database";
import { examplePermit } from "../src/permits/test-fixtures";
import { insertEnvironment } from "../test/environment-rows";
import { gatewayApp } from "../test/gateway-app";
import { encodeV1, kernelMessage, startKernelUpstream } from "../test/kernel-upstream";
import { loopbackLookup } from "../test/loopback-fetch";
import { handshake } from "../test/workspace-host";
import { phaseLines } from "./support/open-phases";
import { measureWorkspaceOpens } from "./support/workspace-opens";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    db: { type: "string", default: "postgres" },
    opens: { type: "string", default: "20" },
  },
});
const messages = Number(values.messages);
const opens = Number(values.opens);
if (!Number.isInteger(messages) || messages < 100 || !Number.isInteger(opens) || opens < 0)
  usage("--messages takes a whole number of 100 or more, --opens one of 0 or more");
if (!["pglite", "postgres"].includes(values.db)) usage("--db takes pglite or postgres");

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

/** The value at quantile q of sorted values (nearest rank). */
const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
const ms = (n: number) => Math.round(n * 1000) / 1000;

const gateway = await measureGateway();
const open = opens > 0 ? await measureWorkspaceOpens(opens, (line) => console.error(line)) : { skipped: "--opens 0" };
if ("skipped" in open) console.log(`open: not measured: ${open.skipped}`);
else
  console.log(
    `open: ${open.samples.length} opens of a stopped workspace (${open.what}): p50 ${open.p50} ms, p95 ${open.p95} ms, max ${open.max} ms`,
    `\n  where the time goes (median of each phase over the opens, ms after the first request; +step):\n${phaseLines(open.phases).join("\n")}`,
  );
console.log(
  JSON.stringify({
    open_p50_ms: "skipped" in open ? null : open.p50,
    open_p95_ms: "skipped" in open ? null : open.p95,
    gateway_p50_ms: gateway.p50,
    gateway_p99_ms: gateway.p99,
  }),
);
process.exit(0);

async function measureGateway(): Promise<{ p50: number; p99: number }> {
  const postgres = values.db === "postgres" ? await startLocalPostgres() : undefined;
  const database = await openDatabase(postgres ? { url: postgres.url } : { memory: true });
  const sessions = new SessionStore(database.db, { idleMs: 3_600_000, absoluteMs: 3_600_000 });
  const upstream = await startKernelUpstream();
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const { app, sessionCookie } = await gatewayApp({
    db: database.db,
    sessions,
    upstreamFor: () => Promise.resolve(upstream.url),
    publicUrl,
  });
  await app.listen({ host: "127.0.0.1", port });
  const namespace = await insertEnvironment(database.db, examplePermit({ permitId: `SE-BENCH-${Date.now()}` }));
  const token = await sessions.create(
    { subject: "alice", name: "Alice", email: null, roles: ["researcher"] },
    undefined,
  );
  const host = await handshake(publicUrl, `${sessionCookie}=${token}`, namespace);

  const path = "/api/kernels/bench/channels?session_id=bench";
  const direct = await connect(`${upstream.url.replace(/^http/, "ws")}${path}`, {});
  const through = await connect(`${host.origin.replace(/^http/, "ws")}${path}`, {
    headers: { cookie: host.cookie },
    origin: host.origin,
    lookup: loopbackLookup as never,
  });
  // One cell's frame, as JupyterLab sends it; encoded once, so the client's cost is the same on both sides.
  const frame = encodeV1(kernelMessage("execute_request", { code: "df.groupby('lan').size()", silent: false }));
  const roundTrip = (ws: WebSocket) =>
    new Promise<number>((resolve) => {
      const start = process.hrtime.bigint();
      ws.once("message", () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
      ws.send(frame, { binary: true });
    });
  // Warm up both paths (JIT, connection pools, the writer's first batches); then alternate, so that both
  // see the same machine.
  for (let i = 0; i < 1_000; i++) {
    await roundTrip(direct);
    await roundTrip(through);
  }
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < messages; i++) {
    d.push(await roundTrip(direct));
    g.push(await roundTrip(through));
  }
  // What the machine's load cannot blur: the CPU the process spends per round trip on each path, in blocks.
  const cpuPerTrip = async (ws: WebSocket) => {
    const start = process.cpuUsage();
    for (let i = 0; i < 2_000; i++) await roundTrip(ws);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 2_000;
  };
  const [directCpu, gatewayCpu] = [await cpuPerTrip(direct), await cpuPerTrip(through)];
  direct.close();
  through.close();
  await app.close();
  d.sort((a, b) => a - b);
  g.sort((a, b) => a - b);
  const [dp50, dp99, gp50, gp99] = [quantile(d, 0.5), quantile(d, 0.99), quantile(g, 0.5), quantile(g, 0.99)];
  const chain = await verifyActivityChain(database.db);
  const [counts] = await activityCounts(database.db, namespace);
  console.log(
    `gateway: ${messages} kernel round trips each way after 1000 to warm up; upstream: loopback stand-in speaking ${KERNEL_V1_PROTOCOL}; record on ${database.kind}`,
  );
  console.log(`  direct        p50 ${ms(dp50)} ms  p99 ${ms(dp99)} ms`);
  console.log(`  gateway       p50 ${ms(gp50)} ms  p99 ${ms(gp99)} ms`);
  console.log(`  added         p50 ${ms(gp50 - dp50)} ms  p99 ${ms(gp99 - dp99)} ms`);
  console.log(
    `  CPU per round trip: direct ${Math.round(directCpu)} µs, through the gateway ${Math.round(gatewayCpu)} µs (client and upstream in this process too)`,
  );
  console.log(`  reading and hashing one execute_request: ${parseMicros(frame).toFixed(1)} µs`);
  console.log(
    `  record: ${counts?.counts["code.executed"] ?? 0} cells recorded, ${chain.intact ? `in ${chain.batches} batches, chain intact` : `chain broken: ${chain.problem}`}`,
  );
  await database.close();
  await upstream.close();
  await postgres?.stop();
  return { p50: ms(gp50 - dp50), p99: ms(gp99 - dp99) };
}

/** The record's own work on one frame, alone: read it, hash and measure its code. */
function parseMicros(frame: Buffer): number {
  const n = 50_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const read = readKernelFrame(frame, true, KERNEL_V1_PROTOCOL, "execute_request");
    if (read.kind === "execute") codeDetails("bench", "python", read.code);
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

function connect(url: string, options: ConstructorParameters<typeof WebSocket>[2]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [KERNEL_V1_PROTOCOL], options);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
  });
}
