import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalClusterError } from "./errors";

export const KUBERNETES_VERSION = "v1.34.4";
export const ETCD_VERSION = "v3.6.8";
const MIN_GO_MINOR = 24;

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  /** Absent when KUBEBUILDER_ASSETS holds only envtest's set; namespaces then never finish deleting. */
  kubeControllerManager?: string;
  kubectl?: string;
}

export type Progress = (line: string) => void;

const goModules = fileURLToPath(new URL("./go/", import.meta.url));

/** Where built binaries live: outside the repo, shared by every checkout on the machine. */
export function binaryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.SPE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "spe");
  return join(base, "kube", `${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}`);
}

function fromAssets(dir: string): ControlPlaneBinaries {
  const at = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  const etcd = at("etcd");
  const kubeApiserver = at("kube-apiserver");
  if (!etcd || !kubeApiserver) {
    throw new LocalClusterError(
      "CLUSTER_BINARIES_MISSING",
      `KUBEBUILDER_ASSETS=${dir} must contain etcd and kube-apiserver; found ${etcd ? "" : "no etcd "}${kubeApiserver ? "" : "no kube-apiserver"}. Point it at an envtest assets folder or unset it to build from source with Go.`,
    );
  }
  return { etcd, kubeApiserver, kubeControllerManager: at("kube-controller-manager"), kubectl: at("kubectl") };
}

function goMinorVersion(env: NodeJS.ProcessEnv): number | undefined {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env });
  if (result.error || result.status !== 0) return undefined;
  const match = /^go1\.(\d+)/.exec(result.stdout.trim());
  return match ? Number(match[1]) : 0;
}

export interface GoBuild {
  moduleDir: string;
  out: string;
  packages: string[];
  ldflags: string;
  label: string;
  logFile: string;
}

/** Builds Go packages from a wrapper module, printing progress every 10 s; node builds (infra/local-node) use it too. */
export function runGoBuild(
  { moduleDir, out, packages, ldflags, label, logFile }: GoBuild,
  env: NodeJS.ProcessEnv,
  progress: Progress,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let compiled = 0;
    const log: string[] = [];
    const child = spawn("go", ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", out, ...packages], {
      cwd: moduleDir,
      env: { ...env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean)) {
        log.push(line);
        if (!line.includes(" ")) compiled++;
      }
    });
    const tick = setInterval(() => {
      progress(`Building ${label}: ${compiled} packages compiled, ${Math.round((Date.now() - started) / 1000)} s`);
    }, 10_000);
    child.on("error", (err) => {
      clearInterval(tick);
      reject(err);
    });
    child.on("close", (code) => {
      clearInterval(tick);
      writeFileSync(logFile, log.join("\n") + "\n");
      if (code === 0) {
        progress(`Built ${label} (${compiled} packages) in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else {
        reject(
          new LocalClusterError(
            "CLUSTER_BUILD_FAILED",
            `go build of ${label} failed (exit ${code}); the full output is in ${logFile}:\n${log.slice(-15).join("\n")}`,
          ),
        );
      }
    });
  });
}

export const kubeLdflags = [
  "-s -w",
  `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
  "-X k8s.io/component-base/version.gitMajor=1",
  `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split(".")[1]}`,
  "-X k8s.io/component-base/version.gitTreeState=clean",
  `-X k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}`,
].join(" ");

/** Holds a build lock so that two processes (tests and `npm start`) never build into the same folder at once. */
export async function withBuildLock<T>(dir: string, progress: Progress, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".build-lock");
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSync(join(lock, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (!owner || !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      progress(`Waiting for process ${owner}, which is building the control plane into ${dir}`);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the control-plane binaries: from KUBEBUILDER_ASSETS when set, else from the cache, building them
 * from the Go module proxy first if they are not there yet (several minutes, once per machine).
 */
export async function ensureBinaries(
  progress: Progress = (l) => console.error(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<ControlPlaneBinaries> {
  if (env.KUBEBUILDER_ASSETS) return fromAssets(env.KUBEBUILDER_ASSETS);

  const dir = binaryCacheDir(env);
  const wanted: ControlPlaneBinaries = {
    etcd: join(dir, "etcd"),
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
    kubectl: join(dir, "kubectl"),
  };
  const complete = () => Object.values(wanted).every((p) => existsSync(p as string));
  if (complete()) return wanted;

  const goMinor = goMinorVersion(env);
  if (goMinor === undefined || goMinor < MIN_GO_MINOR) {
    throw new LocalClusterError(
      "CLUSTER_NO_TOOLCHAIN",
      `${goMinor === undefined ? "Go is not installed" : `Go 1.${goMinor} is too old`} and KUBEBUILDER_ASSETS is not set, so the local Kubernetes control plane cannot be built. ` +
        `Either install Go 1.${MIN_GO_MINOR} or newer (it builds etcd and kube-apiserver ${KUBERNETES_VERSION} from the Go module proxy once, into ${dir}), ` +
        `or set KUBEBUILDER_ASSETS to a folder holding etcd and kube-apiserver binaries (for example from setup-envtest).`,
    );
  }

  mkdirSync(dir, { recursive: true });
  return withBuildLock(dir, progress, async () => {
    if (complete()) return wanted;
    const staging = join(dir, `.staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    progress(
      `Building the local Kubernetes control plane (etcd ${ETCD_VERSION}, Kubernetes ${KUBERNETES_VERSION}) into ${dir}. This happens once and takes several minutes.`,
    );
    try {
      const etcd = {
        moduleDir: join(goModules, "etcd"),
        out: join(staging, "etcd"),
        packages: ["go.etcd.io/etcd/server/v3"],
        ldflags: "-s -w",
      };
      await runGoBuild({ ...etcd, label: `etcd ${ETCD_VERSION}`, logFile: join(dir, "build-etcd.log") }, env, progress);
      renameSync(join(staging, "etcd"), wanted.etcd);
      const kubeCommands = ["kube-apiserver", "kube-controller-manager", "kubectl"];
      await runGoBuild(
        {
          moduleDir: join(goModules, "kube"),
          out: staging + "/",
          packages: kubeCommands.map((c) => `k8s.io/kubernetes/cmd/${c}`),
          ldflags: kubeLdflags,
          label: `${kubeCommands.join(", ")} ${KUBERNETES_VERSION}`,
          logFile: join(dir, "build-kube.log"),
        },
        env,
        progress,
      );
      for (const name of kubeCommands) renameSync(join(staging, name), join(dir, name));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return wanted;
  });
}
