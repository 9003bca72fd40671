// Where the time of one open goes: what a watch on the workspace's pods sees (created, scheduled, sandbox
// ready, container running, Ready), each at the moment it arrives here, and what the node's kubelet logs
// about that pod (volumes mounted, sandbox, container started, probe), at its own microsecond timestamps.
// The pod's own status timestamps have whole seconds only, too coarse for phases of a few hundred ms.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";

/** One phase of an open: its name and when it was reached, in ms after the open began. */
export interface Phase {
  name: string;
  at: number;
}

/** What the pod watch records, by pod name: the first time each milestone was seen, as Date.now(). */
type Milestones = Map<string, Map<string, number>>;

/** Milestones of a pod, in the order a start passes them. */
function podMilestones(pod: k8s.V1Pod): string[] {
  const condition = (type: string) => pod.status?.conditions?.some((c) => c.type === type && c.status === "True");
  const seen = ["pod created"];
  if (pod.spec?.nodeName) seen.push("pod scheduled");
  if (condition("PodReadyToStartContainers")) seen.push("sandbox ready");
  if (pod.status?.containerStatuses?.some((c) => c.state?.running)) seen.push("container running");
  if (condition("Ready")) seen.push("pod Ready");
  return seen;
}

/** Watches the pods a selector picks in a namespace, noting when each milestone of each pod is first seen. */
export async function watchPodMilestones(kc: k8s.KubeConfig, namespace: string, labelSelector: string) {
  const milestones: Milestones = new Map();
  const watch = new k8s.Watch(kc);
  const note = (pod: k8s.V1Pod) => {
    const name = pod.metadata?.name ?? "";
    const mine = milestones.get(name) ?? new Map<string, number>();
    milestones.set(name, mine);
    for (const m of podMilestones(pod)) if (!mine.has(m)) mine.set(m, Date.now());
  };
  const controller = await watch.watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { labelSelector },
    (type: string, pod: k8s.V1Pod) => {
      if (type === "ADDED" || type === "MODIFIED") note(pod);
    },
    () => undefined,
  );
  return {
    /** The milestones of the pods first seen at or after `since`: the pods an open made. */
    since(since: number): { pod?: string; phases: Phase[] } {
      for (const [pod, seen] of milestones) {
        const created = seen.get("pod created")!;
        if (created < since) continue;
        return { pod, phases: [...seen].map(([name, at]) => ({ name, at: at - since })) };
      }
      return { phases: [] };
    },
    stop: () => controller.abort(),
  };
}

/**
 * What the kubelet logs about one pod, by the words of its default log level, as phases. Each pattern names
 * the first line that matches it; volumes are named one by one.
 */
const KUBELET_PHASES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/"SyncLoop ADD"/, () => "kubelet: pod added"],
  [
    /operationExecutor\.VerifyControllerAttachedVolume started for volume \\?"([^"\\]+)/,
    (m) => `kubelet: attach check ${m[1]}`,
  ],
  [/operationExecutor\.MountVolume started for volume \\?"([^"\\]+)/, (m) => `kubelet: mount started ${m[1]}`],
  [/MountVolume\.SetUp succeeded for volume \\?"([^"\\]+)/, (m) => `kubelet: mounted ${m[1]}`],
  [/"SyncLoop \(PLEG\): event for pod".*"ContainerStarted"/, () => "kubelet: container started (PLEG)"],
  [/"SyncLoop \(probe\)".*status="ready"/, () => "kubelet: probe ready"],
  [/"Creating PodSandbox for pod"/, () => "kubelet: sandbox creating"],
  [/"Created PodSandbox for pod"/, () => "kubelet: sandbox created"],
  // The kubelet's pod worker retries a failed sync only 10-15 s later (its fixed back-off).
  [
    /"Error syncing pod, skipping" err="(.{0,160})/,
    (m) => `kubelet: sync failed, retried after its back-off: ${m[1]!.replace(/\\"/g, "'")}`,
  ],
];

/** klog's `I1207 22:54:38.123456` as Date.now() would say it (the node logs in UTC, as this machine runs). */
function klogTime(line: string, year: number): number | undefined {
  const m = /^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})/.exec(line);
  if (!m) return undefined;
  const [, mo, d, h, mi, s, us] = m.map(Number) as number[];
  return Date.UTC(year, mo! - 1, d, h, mi, s) + Math.round(us! / 1000);
}

/** A log file's lines from a byte offset on (the kubelet's log grows by megabytes; only the new part is read). */
function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return "";
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Where the kubelet's log ends now: an open's lines are those written after. */
export const logMark = (file: string) => statSync(file).size;

/** The kubelet's phases of a pod, from the log lines written since `mark`, in ms after `since`. */
export function kubeletPhases(file: string, mark: number, pod: string, since: number): Phase[] {
  const year = new Date(since).getUTCFullYear();
  const phases: Phase[] = [];
  const named = new Set<string>();
  for (const line of readFrom(file, mark).split("\n")) {
    if (!line.includes(pod)) continue;
    const at = klogTime(line, year);
    if (at === undefined) continue;
    for (const [pattern, name] of KUBELET_PHASES) {
      const m = pattern.exec(line);
      if (!m) continue;
      const phase = name(m);
      if (!named.has(phase)) phases.push({ name: phase, at: at - since });
      named.add(phase);
    }
  }
  return phases;
}

/** Phases of several opens, each name's median over the opens that reached it, in the order they come. */
export function medianPhases(opens: Phase[][]): Phase[] {
  const byName = new Map<string, number[]>();
  for (const phases of opens) for (const p of phases) byName.set(p.name, [...(byName.get(p.name) ?? []), p.at]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  return [...byName]
    .map(([name, ats]) => ({ name, at: median(ats), n: ats.length }))
    .sort((a, b) => a.at - b.at)
    .map(({ name, at, n }) => ({ name: n === opens.length ? name : `${name} (${n} of ${opens.length})`, at }));
}

/** Phases as lines: each with its time after the open began and the step from the one before. */
export function phaseLines(phases: Phase[]): string[] {
  let before = 0;
  return phases.map((p) => {
    const line = `  ${String(Math.round(p.at)).padStart(6)} ms  (+${String(Math.round(p.at - before)).padStart(5)})  ${p.name}`;
    before = p.at;
    return line;
  });
}
