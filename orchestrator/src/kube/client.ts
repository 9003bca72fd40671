import * as k8s from "@kubernetes/client-node";
import { SpeError } from "../errors";

/** The orchestrator's narrow port to one Kubernetes API server. */
export interface Kube {
  config: k8s.KubeConfig;
  server: string;
  /** The API server's gitVersion, read live. */
  version(): Promise<string>;
}

export function connectKube(kubeconfigPath: string): Kube {
  const config = new k8s.KubeConfig();
  try {
    config.loadFromFile(kubeconfigPath);
  } catch (err) {
    throw new SpeError("KUBERNETES_UNAVAILABLE", `Could not read the kubeconfig ${kubeconfigPath}: ${(err as Error).message}`, { cause: err });
  }
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new SpeError("KUBERNETES_UNAVAILABLE", `The kubeconfig ${kubeconfigPath} names no current cluster.`);
  const versionApi = config.makeApiClient(k8s.VersionApi);
  return {
    config,
    server,
    async version() {
      try {
        return (await versionApi.getCode()).gitVersion;
      } catch (err) {
        throw new SpeError("KUBERNETES_UNAVAILABLE", `The Kubernetes API server at ${server} did not answer: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
