import { spawnSync } from "node:child_process";
import * as k8s from "@kubernetes/client-node";
import { LocalNodeError } from "../errors";
import { nftScript, TABLE } from "./ruleset";

export interface NetworkPolicyEnforcer {
  /** Resolves once the rules reflect everything the watches have delivered so far. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

function applyScript(script: string): void {
  const result = spawnSync("nft", ["-f", "-"], { input: script, encoding: "utf8" });
  if (result.status !== 0) {
    throw new LocalNodeError(
      "NODE_POLICY_APPLY_FAILED",
      `nft refused the NetworkPolicy rules (${result.stderr.trim() || `exit ${result.status}`}); the script was:\n${script}`,
    );
  }
}

/** Removes the enforcer's table: everything it ever allowed or dropped goes with it. */
export function removeEnforcerTable(): void {
  spawnSync("nft", ["delete", "table", "inet", TABLE], { stdio: "ignore" });
}

/**
 * Watches pods, namespaces and NetworkPolicies and keeps one nftables table equal to what they say, for the
 * pods on the network's bridge and CIDR. Every change recomputes the whole table and swaps it in one nft transaction, so there is
 * never a moment with half a policy. A watch that fails is started again; until then the last rules stay.
 */
export async function startNetworkPolicyEnforcer(
  kc: k8s.KubeConfig,
  network: { podCidr: string; bridge: string },
  log: Log = (l) => console.error(l),
): Promise<NetworkPolicyEnforcer> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const networking = kc.makeApiClient(k8s.NetworkingV1Api);
  const pods = k8s.makeInformer<k8s.V1Pod>(kc, "/api/v1/pods", () => core.listPodForAllNamespaces());
  const namespaces = k8s.makeInformer<k8s.V1Namespace>(kc, "/api/v1/namespaces", () => core.listNamespace());
  const policies = k8s.makeInformer<k8s.V1NetworkPolicy>(kc, "/apis/networking.k8s.io/v1/networkpolicies", () =>
    networking.listNetworkPolicyForAllNamespaces(),
  );
  const informers = [pods, namespaces, policies] as Array<k8s.Informer<k8s.KubernetesObject>>;

  let stopped = false;
  let dirty = false;
  let running: Promise<void> | undefined;
  let lastScript = "";
  const sync = async () => {
    while (dirty && !stopped) {
      dirty = false;
      const script = nftScript(
        { pods: pods.list(), namespaces: namespaces.list(), policies: policies.list() },
        network.podCidr,
        network.bridge,
      );
      if (script === lastScript) continue;
      try {
        applyScript(script);
        lastScript = script;
      } catch (err) {
        log((err as Error).message);
        await new Promise((r) => setTimeout(r, 500));
        dirty = true;
      }
    }
  };
  const schedule = () => {
    dirty = true;
    running ??= sync().finally(() => (running = undefined));
  };
  for (const informer of informers) {
    for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) informer.on(verb, schedule);
    informer.on(k8s.ERROR, (err) => {
      if (stopped) return;
      log(`NetworkPolicy enforcer's watch failed (${(err as Error)?.message ?? err}); starting it again`);
      setTimeout(() => void informer.start().catch(() => undefined), 1000);
    });
  }
  await Promise.all(informers.map((i) => i.start()));
  schedule();
  await running;
  return {
    async settled() {
      while (running || dirty) await (running ?? new Promise((r) => setTimeout(r, 10)));
    },
    async stop() {
      stopped = true;
      await Promise.all(informers.map((i) => i.stop()));
      await running;
      removeEnforcerTable();
    },
  };
}
