// The time from "open" to a usable JupyterLab through the gateway, for a stopped workspace, on the local
// node: `npm start`'s orchestrator in a process of its own (its control plane, the node, the demo permit
// and its delivery), as in e2e/local-node-journey.test.ts. alice's workspace is stopped as an operator stops
// it (environments.stopWorkspace: her Deployment at 0, the environment stays active); an open is the time from
// the first request to her workspace host, which starts it, until her JupyterLab answers `/api` through the
// gateway there.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { freePort } from "@spe/infra/local-cluster";
import { builtWorkspaceArchive, nodeCapability } from "@spe/infra/local-node";
import { namespaceFor } from "../../src/environments/namespace-name";
import { COMPONENT_LABEL } from "../../src/kube/owned-labels";
import { DEMO_PERMIT_ID } from "../../src/permits/demo-permit";
import { CookieClient } from "../../test/cookie-client";
import { callTrpc } from "../../test/trpc-call";
import { openWorkspace } from "../../test/workspace-host";
import { kubeletPhases, logMark, medianPhases, watchPodMilestones, type Phase } from "./open-phases";

export type OpenMeasurement =
  { skipped: string } | { samples: number[]; p50: number; p95: number; max: number; what: string; phases: Phase[] };

const orchestratorDir = fileURLToPath(new URL("../../", import.meta.url));

/** Opens of a stopped workspace through the gateway, on the local node; or why they were not measured. */
export async function measureWorkspaceOpens(opens: number, progress: (line: string) => void): Promise<OpenMeasurement> {
  const capability = nodeCapability();
  if (!capability.ok) return { skipped: capability.reason };
  if (!builtWorkspaceArchive())
    return { skipped: "the JupyterLab image is not built here (scripts/build-images.sh workspace)" };
  const log: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "spe-bench-opens-"));
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const { KUBECONFIG: _ignored, ...inherited } = process.env;
  let child: ChildProcess | undefined;
  try {
    child = await startOrchestrator(
      {
        ...inherited,
        PORT: String(port),
        DEV_IDP_PORT: String(await freePort()),
        STAGING_PORT: String(await freePort()),
        MIRROR_PORT: String(await freePort()),
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        // Volumes, sandbox, container and probe events with their times, for the phases (open-phases.ts).
        SPE_KUBELET_VERBOSITY: process.env.SPE_KUBELET_VERBOSITY ?? "4",
        NODE_ENV: "development",
      },
      log,
      progress,
    );
    const adminKubeconfig = log.map((l) => /admin kubeconfig (\S+)/.exec(l)?.[1]).find(Boolean);
    if (!adminKubeconfig) return { skipped: "the orchestrator named no admin kubeconfig" };
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(adminKubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespace = namespaceFor(DEMO_PERMIT_ID);
    const [alice, olof] = [await signIn(appUrl, "alice"), await signIn(appUrl, "olof")];
    // alice's workspace host and its session, through the handshake (again, should it have ended).
    let origin = "";
    // The last answer that was not JupyterLab's, and when it was asked: how long the gateway said "starting".
    type Answer = { status: number; asked: number };
    let last: Answer | undefined;
    const answers = async () => {
      if (!origin) origin = (await openWorkspace(alice, appUrl, namespace)).origin;
      const asked = Date.now();
      const res = await alice.request(`${origin}/api`, { headers: { accept: "application/json" } });
      if (res.status >= 300 && res.status < 400) origin = "";
      const body = await res.text();
      const answered = res.status === 200 && body.includes('"version"');
      if (!answered) last = { status: res.status, asked };
      return answered;
    };
    progress("waiting for the demo environment's JupyterLab to answer through the gateway (the node starts first)");
    await until(answers, 900_000, 1_000);
    const pods = async () =>
      (await core.listNamespacedPod({ namespace, labelSelector: `${COMPONENT_LABEL}=workspace` })).items.length;
    // Stopped as an operator stops it (the person's Deployment at 0, the environment active); opened by the
    // first request to her workspace host, as her start page's button or a reload does.
    const stop = async () => {
      const reason = "the workspace open benchmark stops the workspace";
      const answer = await callTrpc(olof, appUrl, "environments.stopWorkspace", {
        namespace,
        subject: "alice",
        reason,
      });
      if (answer.status !== 200) throw new Error(`stopWorkspace answered ${answer.status}: ${answer.error?.message}`);
    };
    const nodeDir = log.map((l) => /^Started node .* in (\S+)$/.exec(l)?.[1]).find(Boolean);
    const kubeletLog = nodeDir && join(nodeDir, "kubelet", "kubelet.log");
    const watch = await watchPodMilestones(kc, namespace, `${COMPONENT_LABEL}=workspace`);
    const samples: number[] = [];
    const phases: Phase[][] = [];
    for (let i = 0; i < opens; i++) {
      await stop();
      await until(async () => (await pods()) === 0, 120_000, 250);
      const mark = kubeletLog ? logMark(kubeletLog) : 0;
      last = undefined;
      const [start, since] = [performance.now(), Date.now()];
      let first: number | undefined;
      await until(
        async () => {
          const answered = await answers();
          first ??= Date.now() - since;
          return answered;
        },
        300_000,
        50,
      );
      samples.push(Math.round(performance.now() - start));
      // Set by `answers` while it was awaited, which the compiler cannot follow.
      const before = last as Answer | undefined;
      const { pod, phases: seen } = watch.since(since);
      const kubelet = kubeletLog && pod ? kubeletPhases(kubeletLog, mark, pod, since) : [];
      phases.push([
        { name: "gateway: first request answered (starting page)", at: first ?? 0 },
        ...seen,
        ...kubelet,
        ...(before
          ? [{ name: `gateway: last request not yet JupyterLab's (${before.status}) asked`, at: before.asked - since }]
          : []),
        { name: "gateway: JupyterLab answered", at: samples.at(-1)! },
      ]);
      progress(`open ${i + 1}/${opens}: ${samples.at(-1)} ms`);
    }
    watch.stop();
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
    return {
      samples,
      p50: at(0.5),
      p95: at(0.95),
      max: sorted.at(-1)!,
      what: "alice's stopped workspace opened by a request to her host until JupyterLab's /api answers through the gateway",
      phases: medianPhases(phases),
    };
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Signs in at the development provider's form, as a browser would, and comes back to the app. */
async function signIn(appUrl: string, subject: string): Promise<CookieClient> {
  const client = new CookieClient();
  const { res, url } = await client.follow(`${appUrl}/auth/login`, { headers: { accept: "text/html" } });
  const action = /action="([^"]+)"/.exec(await res.text())?.[1];
  if (!action) throw new Error(`no sign-in form at ${url} (${res.status})`);
  const formUrl = new URL(action, url).href;
  const answer = await client.request(formUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: subject, password: "demo" }).toString(),
  });
  await client.followFrom(answer, formUrl, (next) => next === `${appUrl}/`);
  return client;
}

function startOrchestrator(
  env: NodeJS.ProcessEnv,
  log: string[],
  progress: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: orchestratorDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!])
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = chunk.split("\n").filter(Boolean);
        log.push(...lines);
        for (const line of lines) if (/^(Local node|Starting the local node|The local node)/.test(line)) progress(line);
        if (chunk.includes("SPE orchestrator is running at")) resolve(child);
      });
    child.once("exit", (code) =>
      reject(new Error(`the orchestrator ended (${code}) before it served:\n${log.join("\n")}`)),
    );
  });
}

/** SIGTERM, as Ctrl-C would: the orchestrator stops the reconciler, the node and the control plane. */
function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
