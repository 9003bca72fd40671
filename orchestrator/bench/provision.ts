// Permit accepted → environment Provisioned, for many permits at once, against a local control plane.
// Usage: npm run bench -- provision [--permits N] [--concurrency C] [--rate R]
// Without --rate all permits arrive at once (a burst); with it, R permits arrive per second.
import { parseArgs } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { startLocalCluster } from "@spe/infra/local-cluster";
import { pino } from "pino";
import { insertEnvironment } from "../test/environment-rows";
import { examplePermit } from "../src/permits/test-fixtures";
import { openDatabase } from "../src/db/database";
import { EnvironmentController } from "../src/environments/controller";
import { defaultEnvironmentConfig } from "../src/environments/environment-config";
import { waveOf } from "../src/environments/reconcile";

const { values } = parseArgs({
  options: {
    permits: { type: "string", default: "200" },
    concurrency: { type: "string", default: "32" },
    rate: { type: "string" },
  },
});
const permits = Number(values.permits);
const concurrency = Number(values.concurrency);
const rate = values.rate === undefined ? undefined : Number(values.rate);
if (
  !Number.isInteger(permits) ||
  permits < 1 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  (rate !== undefined && !(rate > 0))
) {
  console.error(
    "--permits and --concurrency take positive whole numbers, --rate a positive number of permits per second",
  );
  process.exit(2);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const cluster = await startLocalCluster({ progress: (l) => console.error(l) });
const database = await openDatabase({ memory: true });
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromFile(cluster.orchestratorKubeconfig);

let requests = 0;
let reconciles = 0;
/** Requests by what they did and to which wave their object belongs ("patch wave 1", "read wave 0"). */
const byWave = new Map<string, number>();
const counting = (client: k8s.KubernetesObjectApi) =>
  new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (
        typeof value === "function" &&
        ["patch", "replace", "delete", "read", "create", "list"].includes(String(prop))
      )
        return (...args: unknown[]) => {
          requests++;
          const key = `${String(prop)} wave ${waveOf((args[0] as k8s.KubernetesObject | undefined)?.kind)}`;
          byWave.set(key, (byWave.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return value;
    },
  });

const accepted = new Map<string, number>();
const latencies: number[] = [];
const done = new Set<string>();
let allDone: () => void;
const finished = new Promise<void>((resolve) => (allDone = resolve));

const controller = new EnvironmentController({
  db: database.db,
  kubeConfig,
  config: defaultEnvironmentConfig,
  log: pino({ level: process.env.BENCH_LOG_LEVEL ?? "warn" }),
  concurrency,
  wrapClient: counting,
  onReconciled: () => reconciles++,
  onStatus: (namespace, conditions) => {
    const start = accepted.get(namespace);
    if (start === undefined || done.has(namespace)) return;
    if (conditions.find((c) => c.type === "Provisioned")?.status !== "True") return;
    done.add(namespace);
    latencies.push(performance.now() - start);
    if (done.size === permits) allDone();
  },
});
controller.start();
while (!controller.isLeader) await new Promise((r) => setTimeout(r, 20));

console.log(
  `Provisioning ${permits} environments on Kubernetes ${cluster.version}, ${concurrency} reconciles at a time, ${rate ? `${rate} permits/s` : "all at once"}…`,
);
const wallStart = performance.now();
for (let i = 0; i < permits; i++) {
  const permit = examplePermit({
    permitId: `SE-BENCH-${i}`,
    validFrom: "2026-01-01T00:00:00Z",
    validUntil: "2030-01-01T00:00:00Z",
  });
  const namespace = await insertEnvironment(database.db, permit);
  accepted.set(namespace, performance.now());
  controller.enqueue(namespace);
  if (rate)
    await new Promise((r) => setTimeout(r, Math.max(0, wallStart + ((i + 1) * 1000) / rate - performance.now())));
}
await finished;
const wallS = (performance.now() - wallStart) / 1000;
await controller.idle();
const requestsPerEnv = requests / permits;
const reconcilesPerEnv = reconciles / permits;
const requestsByWave = Object.fromEntries(
  [...byWave].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => [key, Number((n / permits).toFixed(1))]),
);

// Drift: delete one environment's deny-all policy as an administrator; time until it is back.
const adminKc = new k8s.KubeConfig();
adminKc.loadFromFile(cluster.kubeconfig);
const net = adminKc.makeApiClient(k8s.NetworkingV1Api);
const driftNamespace = [...done][0]!;
const driftStart = performance.now();
await net.deleteNamespacedNetworkPolicy({ name: "deny-all", namespace: driftNamespace });
for (;;) {
  const back = await net.readNamespacedNetworkPolicy({ name: "deny-all", namespace: driftNamespace }).then(
    () => true,
    () => false,
  );
  if (back) break;
  await new Promise((r) => setTimeout(r, 5));
}
const driftMs = performance.now() - driftStart;

await controller.stop();
await database.close();
await cluster.stop();

latencies.sort((a, b) => a - b);
const [p50, p95, p99] = [50, 95, 99].map((p) => Math.round(percentile(latencies, p)));
// The environment's state, not a workspace's: workspaces start when their person opens them
// (npm run bench -- workspace times that).
console.log(`accepted → environment Provisioned (no workspace started): p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms`);
console.log(
  `wall time for ${permits}: ${wallS.toFixed(2)} s; API requests per environment: ${requestsPerEnv.toFixed(1)} in ${reconcilesPerEnv.toFixed(1)} reconciles`,
);
console.log(
  `API requests per environment by wave: ${Object.entries(requestsByWave)
    .map(([key, n]) => `${key}: ${n}`)
    .join(", ")}`,
);
console.log(`drift repair (deny-all deleted → back): ${Math.round(driftMs)} ms`);
console.log(
  JSON.stringify({
    permits,
    rate_per_s: rate ?? null,
    p50_ms: p50,
    p95_ms: p95,
    p99_ms: p99,
    wall_s: Number(wallS.toFixed(2)),
    requests_per_env: Number(requestsPerEnv.toFixed(1)),
    requests_per_env_by_wave: requestsByWave,
    reconciles_per_env: Number(reconcilesPerEnv.toFixed(1)),
    drift_repair_ms: Math.round(driftMs),
  }),
);
process.exit(0);
