import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinaries, type ControlPlaneBinaries } from "./binaries";
import { LocalClusterError } from "./errors";
import { installPlatform } from "./install-platform";
import { kubeconfigFile } from "./kubeconfig";
import { createClusterPki, IDENTITIES, type ClusterPki } from "./pki";
import { freePort, startProcess, tailOf, type ManagedProcess } from "./processes";

export interface LocalCluster {
  /** https://127.0.0.1:<port> */
  server: string;
  /** Kubeconfig of a cluster administrator (system:masters): for tests, kubectl and humans. */
  kubeconfig: string;
  /** Kubeconfig of the orchestrator's own identity (user `spe-orchestrator`, no groups). */
  orchestratorKubeconfig: string;
  /** The folder holding certificates, kubeconfigs, etcd data and logs. */
  dir: string;
  /** The API server's gitVersion, e.g. v1.34.4. */
  version: string;
  /** Stops the API server, waits, starts it again on the same port: for tests of outages. */
  restartApiServer(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder for state; emptied first. A temporary folder (removed on stop) when absent. */
  dir?: string;
  progress?: (line: string) => void;
  /** How long the API server may take to become ready. */
  readyTimeoutMs?: number;
  /** Binaries to run instead of those ensureBinaries() finds or builds. */
  binaries?: ControlPlaneBinaries;
  /**
   * Whether to install the platform's namespace, roles and admission policies (install-platform.ts), as the
   * orchestrator's tests need; false for a bare cluster that the Pulumi program installs into itself.
   */
  installPlatform?: boolean;
}

const SERVICE_CIDR = "10.96.0.0/16";

/**
 * The controllers of kube-controller-manager that the environments need to behave as on a real cluster.
 * The ResourceQuota controller computes each quota's usage: without it the API server's quota admission
 * knows no usage and refuses every object a quota counts ("status unknown for quota"), so nothing would run.
 */
const CONTROLLERS = [
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "garbage-collector-controller",
  "root-ca-certificate-publisher-controller",
  "persistentvolumeclaim-protection-controller",
  "persistentvolume-protection-controller",
  "deployment-controller",
  "replicaset-controller",
  "job-controller",
  "resourcequota-controller",
];

function writeSecret(path: string, content: string): string {
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

function writePki(dir: string, pki: ClusterPki) {
  const f = (name: string, content: string) => writeSecret(join(dir, name), content);
  return {
    caCert: f("ca.crt", pki.ca.cert),
    servingCert: f("apiserver.crt", pki.apiServer.cert),
    servingKey: f("apiserver.key", pki.apiServer.key),
    saPublic: f("service-account.pub", pki.serviceAccount.publicKey),
    saPrivate: f("service-account.key", pki.serviceAccount.privateKey),
  };
}

function get(url: string, tls?: { ca: string; cert: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, { ...tls, timeout: 2000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function waitFor(
  what: string,
  processes: ManagedProcess[],
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => p.exited() !== undefined);
    if (dead) {
      const log = tailOf(dead.logFile);
      const code = /address already in use/i.test(log) ? "CLUSTER_PORT_IN_USE" : "CLUSTER_START_FAILED";
      throw new LocalClusterError(
        code,
        `${dead.name} ended (${dead.exited()}) before ${what}; its log is ${dead.logFile}:\n${log}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const last = processes.at(-1);
      throw new LocalClusterError(
        "CLUSTER_START_FAILED",
        `${what} did not happen within ${Math.round(timeoutMs / 1000)} s; see ${last?.logFile}:\n${last ? tailOf(last.logFile) : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startOnce(
  dir: string,
  binaries: ControlPlaneBinaries,
  pki: ClusterPki,
  readyTimeoutMs: number,
  withPlatform: boolean,
): Promise<LocalCluster> {
  const files = writePki(dir, pki);
  const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = writeSecret(
    join(dir, "admin.kubeconfig"),
    kubeconfigFile(server, pki.ca.cert, IDENTITIES.admin.user, pki.admin),
  );
  const orchestratorKubeconfig = writeSecret(
    join(dir, "orchestrator.kubeconfig"),
    kubeconfigFile(server, pki.ca.cert, IDENTITIES.orchestrator.user, pki.orchestrator),
  );
  const kcmKubeconfig = writeSecret(
    join(dir, "controller-manager.kubeconfig"),
    kubeconfigFile(server, pki.ca.cert, IDENTITIES.controllerManager.user, pki.controllerManager),
  );
  // For the local node's kubelet, which runs only if someone starts one (infra/local-node).
  writeSecret(
    join(dir, "kubelet.kubeconfig"),
    kubeconfigFile(server, pki.ca.cert, IDENTITIES.kubelet.user, pki.kubelet),
  );
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop();
  };

  try {
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    processes.push(
      startProcess(
        "etcd",
        binaries.etcd,
        [
          `--data-dir=${join(dir, "etcd")}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=default=${peerUrl}`,
          "--unsafe-no-fsync=true",
          "--log-level=warn",
        ],
        join(dir, "etcd.log"),
      ),
    );
    await waitFor("etcd was healthy", processes, 15_000, async () =>
      (await get(`${etcdUrl}/health`)).body.includes('"health":"true"'),
    );

    const apiServerArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${files.servingCert}`,
      `--tls-private-key-file=${files.servingKey}`,
      `--client-ca-file=${files.caCert}`,
      // Node first: a kubelet reads only what the pods bound to its node need, and changes only its own node.
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${files.saPublic}`,
      `--service-account-signing-key-file=${files.saPrivate}`,
      // PodSecurity admission, not this flag, is what refuses privileged pods in restricted namespaces.
      "--allow-privileged=true",
      "--profiling=false",
    ];
    const startApiServer = () =>
      startProcess("kube-apiserver", binaries.kubeApiserver, apiServerArgs, join(dir, "kube-apiserver.log"));
    processes.push(startApiServer());
    const tls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
    const apiServerReady = () =>
      waitFor(
        "the API server was ready",
        processes,
        readyTimeoutMs,
        async () => (await get(`${server}/readyz`, tls)).status === 200,
      );
    await apiServerReady();
    const version = (JSON.parse((await get(`${server}/version`, tls)).body) as { gitVersion: string }).gitVersion;
    // The local cluster exists for the orchestrator: give its identity its roles right away.
    if (withPlatform) await installPlatform(kubeconfig);

    if (binaries.kubeControllerManager) {
      processes.push(
        startProcess(
          "kube-controller-manager",
          binaries.kubeControllerManager,
          [
            `--kubeconfig=${kcmKubeconfig}`,
            `--controllers=${CONTROLLERS.join(",")}`,
            "--use-service-account-credentials=true",
            `--service-account-private-key-file=${files.saPrivate}`,
            `--root-ca-file=${files.caCert}`,
            "--leader-elect=false",
            "--secure-port=0",
            "--concurrent-namespace-syncs=10",
            "--namespace-sync-period=1m",
            // Each new environment waits for its quota's usage: at the default 20 requests/s and 5 workers a
            // burst of a few hundred environments waited on the controllers' own rate limit, not on work.
            "--concurrent-resource-quota-syncs=10",
            "--kube-api-qps=100",
            "--kube-api-burst=200",
          ],
          join(dir, "kube-controller-manager.log"),
        ),
      );
    }
    const restartApiServer = async (downMs: number) => {
      const index = processes.findIndex((p) => p.name === "kube-apiserver");
      await processes[index]!.stop();
      await new Promise((r) => setTimeout(r, downMs));
      processes[index] = startApiServer();
      await apiServerReady();
    };
    return { server, kubeconfig, orchestratorKubeconfig, dir, version, stop, restartApiServer };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts etcd, kube-apiserver and kube-controller-manager on loopback with fresh certificates and writes
 * kubeconfigs. Builds the binaries first if this machine has none yet. `stop()` ends every process.
 */
export async function startLocalCluster(options: StartOptions = {}): Promise<LocalCluster> {
  const progress = options.progress ?? ((l: string) => console.error(l));
  const binaries = options.binaries ?? (await ensureBinaries(progress));
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "spe-cluster-"));
  const pki = await createClusterPki();

  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      const cluster = await startOnce(
        dir,
        binaries,
        pki,
        options.readyTimeoutMs ?? 60_000,
        options.installPlatform ?? true,
      );
      if (!temporary) return cluster;
      return {
        ...cluster,
        stop: async () => {
          await cluster.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      // A free port can be taken between choosing it and binding it; choose again.
      if (err instanceof LocalClusterError && err.code === "CLUSTER_PORT_IN_USE" && attempt < 3) continue;
      throw err;
    }
  }
}
