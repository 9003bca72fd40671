import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { binaryCacheDir, KUBERNETES_VERSION } from "../local-cluster/binaries";
import { kubeLdflags, runGoBuild, withBuildLock, type Progress } from "../local-cluster/binaries";

export interface NodeBinaries {
  kubelet: string;
  kubeScheduler: string;
  /** The single static program of the test image: pause container, server and client (go/probe). */
  probe: string;
}

const goModules = fileURLToPath(new URL("./go/", import.meta.url));

/** Beside the control plane's cache, keyed by the Kubernetes version (and the probe by its source's hash). */
export function nodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(dirname(binaryCacheDir(env))), "node", KUBERNETES_VERSION);
}

function probeSourceHash(): string {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "main.go"]) hash.update(readFileSync(join(goModules, "probe", file)));
  return hash.digest("hex").slice(0, 12);
}

function wantedBinaries(env: NodeJS.ProcessEnv): NodeBinaries {
  const dir = nodeCacheDir(env);
  return {
    kubelet: join(dir, "kubelet"),
    kubeScheduler: join(dir, "kube-scheduler"),
    probe: join(dir, `spe-probe-${probeSourceHash()}`),
  };
}

/** Whether the node's programs are in the cache already (nothing to build, so no Go needed). */
export function nodeBinariesBuilt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Object.values(wantedBinaries(env)).every((p) => existsSync(p));
}

/**
 * Returns kubelet, kube-scheduler (the control plane's Kubernetes version, from the Go module proxy) and
 * the probe, building what is missing into the cache first: a few minutes once per machine.
 */
export async function ensureNodeBinaries(
  progress: Progress = (l) => console.error(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeBinaries> {
  const dir = nodeCacheDir(env);
  const wanted = wantedBinaries(env);
  const complete = () => Object.values(wanted).every((p) => existsSync(p));
  if (complete()) return wanted;
  mkdirSync(dir, { recursive: true });
  return withBuildLock(dir, progress, async () => {
    const staging = join(dir, `.staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      if (!existsSync(wanted.kubelet) || !existsSync(wanted.kubeScheduler)) {
        progress(
          `Building kubelet and kube-scheduler ${KUBERNETES_VERSION} into ${dir}. This happens once and takes minutes.`,
        );
        await runGoBuild(
          {
            moduleDir: join(goModules, "node"),
            out: staging + "/",
            packages: ["k8s.io/kubernetes/cmd/kubelet", "k8s.io/kubernetes/cmd/kube-scheduler"],
            ldflags: kubeLdflags,
            label: `kubelet, kube-scheduler ${KUBERNETES_VERSION}`,
            logFile: join(dir, "build-node.log"),
          },
          env,
          progress,
        );
        renameSync(join(staging, "kubelet"), wanted.kubelet);
        renameSync(join(staging, "kube-scheduler"), wanted.kubeScheduler);
      }
      if (!existsSync(wanted.probe)) {
        await runGoBuild(
          {
            moduleDir: join(goModules, "probe"),
            out: join(staging, "probe"),
            packages: ["."],
            ldflags: "-s -w",
            label: "spe-probe",
            logFile: join(dir, "build-probe.log"),
          },
          env,
          progress,
        );
        renameSync(join(staging, "probe"), wanted.probe);
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return wanted;
  });
}
