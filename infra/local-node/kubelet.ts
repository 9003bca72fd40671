import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_NODE_NAME } from "../local-cluster/pki";
import { freePort, startProcess, type ManagedProcess } from "../local-cluster/processes";
import type { PodNetwork } from "./runtime";

export const NODE_NAME = LOCAL_NODE_NAME;

export interface KubeletOptions {
  binary: string;
  dir: string;
  kubeconfig: string;
  runtimeEndpoint: string;
  network: PodNetwork;
}

/**
 * The kubelet's configuration. It serves only on loopback and only to callers the API server vouches for
 * (webhook authentication and authorisation, no anonymous access, no read-only port). Eviction thresholds are
 * low because the disk is shared with other work that the node must not start evicting pods over.
 */
function kubeletConfiguration(options: KubeletOptions, port: number): string {
  return JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      address: "127.0.0.1",
      port,
      readOnlyPort: 0,
      healthzPort: 0,
      // No systemd here, and cgroups are v1: the runtime's and the kubelet's drivers must agree.
      cgroupDriver: "cgroupfs",
      containerRuntimeEndpoint: options.runtimeEndpoint,
      failSwapOn: false,
      authentication: { anonymous: { enabled: false }, webhook: { enabled: true } },
      authorization: { mode: "Webhook" },
      clusterDomain: "cluster.local",
      resolvConf: "/etc/resolv.conf",
      podCIDR: options.network.podCidr,
      maxPods: 60,
      serializeImagePulls: false,
      evictionHard: {
        "memory.available": "100Mi",
        "nodefs.available": "1%",
        "imagefs.available": "1%",
        "nodefs.inodesFree": "1%",
      },
      imageGCHighThresholdPercent: 99,
      imageGCLowThresholdPercent: 98,
      nodeStatusReportFrequency: "10s",
      // The host's own sysctls stay as they are: the machine is shared.
      protectKernelDefaults: false,
      makeIPTablesUtilChains: false,
    },
    null,
    2,
  );
}

/**
 * The kubelet's log level: SPE_KUBELET_VERBOSITY (klog's -v), 0 by default. At 2 it logs each volume mounted,
 * each container event and probe result of a pod with microsecond times, which the workspace benchmark reads
 * to say where an open's time goes.
 */
const verbosity = (env: NodeJS.ProcessEnv) =>
  /^[0-9]$/.test(env.SPE_KUBELET_VERBOSITY ?? "") ? env.SPE_KUBELET_VERBOSITY : "0";

/** Starts the kubelet, which registers the node `spe-local-node` with the API server. */
export async function startKubelet(
  options: KubeletOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ManagedProcess> {
  mkdirSync(join(options.dir, "root"), { recursive: true });
  const config = join(options.dir, "kubelet-config.json");
  writeFileSync(config, kubeletConfiguration(options, await freePort()));
  return startProcess(
    "kubelet",
    options.binary,
    [
      `--config=${config}`,
      `--kubeconfig=${options.kubeconfig}`,
      `--root-dir=${join(options.dir, "root")}`,
      `--cert-dir=${join(options.dir, "pki")}`,
      `--hostname-override=${NODE_NAME}`,
      "--node-labels=spe.ehds.eu/local-node=true",
      `--v=${verbosity(env)}`,
    ],
    join(options.dir, "kubelet.log"),
  );
}
