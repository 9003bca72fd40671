import * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";
import { foreignSelector, managedSelector, ENVIRONMENT_LABEL } from "./owned-labels";
import {
  CLUSTER_MADE,
  FOREIGN_KINDS,
  MANAGED_KINDS,
  OBSERVED_KINDS,
  REFUSAL_EVENTS,
  type ManagedKind,
} from "./managed-kinds";

export type WatchEvent = "add" | "update" | "delete";
export type WatchHandler = (event: WatchEvent, object: k8s.KubernetesObject) => void;
/** Told the namespace of an object we did not make that appeared or changed (anywhere: the handler decides). */
export type ForeignHandler = (namespace: string) => void;
/** Told of a change to one of our pods or a refused pod creation (OBSERVED_KINDS), for the handler to judge. */
export type ObservedHandler = (event: WatchEvent, object: k8s.KubernetesObject) => void;

/** What the cluster says about one environment's pods beyond the objects we apply. */
export interface ObservedCluster {
  pods: k8s.V1Pod[];
  refusals: k8s.CoreV1Event[];
  /** Nodes that could run a pod: Ready and not cordoned. */
  nodes: number;
}

type CachingInformer = k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;

/**
 * Informers over every managed kind (only objects carrying our managed-by label): a cache for pruning and
 * status, and events for drift repair; and over FOREIGN_KINDS for objects without it, which the reconciler
 * removes from environments. client-node's informer does not restart itself after an error, so this does,
 * with backoff.
 */
export class WatchCache {
  private readonly informers = new Map<string, CachingInformer>();
  private readonly foreign = new Map<string, CachingInformer>();
  private readonly observed = new Map<keyof typeof OBSERVED_KINDS, CachingInformer>();
  private stopped = false;

  /** `objects` lists for the informers; sharing the reconciler's client also warms its API discovery cache. */
  constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly objects: k8s.KubernetesObjectApi,
    private readonly log: Logger,
    private readonly onEvent: WatchHandler,
    private readonly onForeign: ForeignHandler = () => {},
    private readonly onObserved: ObservedHandler = () => {},
  ) {}

  async start(): Promise<void> {
    await Promise.all([
      ...MANAGED_KINDS.map(async (kind) => {
        const informer = this.makeInformer(kind, managedSelector);
        for (const event of ["add", "update", "delete"] as const)
          informer.on(event, (o) => this.onEvent(event, { ...o, kind: kind.kind, apiVersion: kind.apiVersion }));
        this.informers.set(kind.kind, informer);
        await informer.start();
      }),
      ...FOREIGN_KINDS.map(async (kind) => {
        const informer = this.makeInformer(kind, foreignSelector);
        for (const event of ["add", "update"] as const)
          informer.on(event, (o) => o.metadata?.namespace && this.onForeign(o.metadata.namespace));
        this.foreign.set(kind.kind, informer);
        await informer.start();
      }),
      ...(Object.keys(OBSERVED_KINDS) as (keyof typeof OBSERVED_KINDS)[]).map(async (name) => {
        const kind = OBSERVED_KINDS[name];
        const informer =
          name === "pods"
            ? this.makeInformer(kind, managedSelector)
            : this.makeInformer(kind, undefined, name === "refusals" ? REFUSAL_EVENTS : undefined);
        if (name !== "nodes")
          for (const event of ["add", "update", "delete"] as const)
            informer.on(event, (o) => this.onObserved(event, { ...o, kind: kind.kind, apiVersion: kind.apiVersion }));
        this.observed.set(name, informer);
        await informer.start();
      }),
    ]);
  }

  private makeInformer(kind: ManagedKind, labelSelector?: string, fieldSelector?: string): CachingInformer {
    const list = () =>
      this.objects.list(
        kind.apiVersion,
        kind.kind,
        undefined,
        undefined,
        undefined,
        undefined,
        fieldSelector,
        labelSelector,
      ) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
    // client-node's makeInformer takes no field selector; its ListWatch does.
    const informer = new k8s.ListWatch(kind.path, new k8s.Watch(this.kc), list, false, labelSelector, fieldSelector);
    let failures = 0;
    informer.on("error", (err: unknown) => {
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** failures++);
      this.log.warn({ kind: kind.kind, err: (err as Error)?.message, delay }, "Restarting watch after an error");
      setTimeout(
        () =>
          !this.stopped &&
          informer.start().then(
            () => (failures = 0),
            () => {},
          ),
        delay,
      );
    });
    return informer;
  }

  /** The cached objects of one environment, every managed kind. */
  objectsIn(namespace: string): k8s.KubernetesObject[] {
    const found: k8s.KubernetesObject[] = [];
    for (const kind of MANAGED_KINDS) {
      const informer = this.informers.get(kind.kind);
      if (!informer) continue;
      const items = kind.namespaced
        ? informer.list(namespace)
        : [informer.get(namespace)].filter((o) => o !== undefined);
      for (const o of items)
        if (o.metadata?.labels?.[ENVIRONMENT_LABEL] === namespace)
          found.push({ ...o, kind: kind.kind, apiVersion: kind.apiVersion });
    }
    return found;
  }

  /** The objects in a namespace that we did not make (FOREIGN_KINDS), but for what the cluster puts everywhere. */
  foreignObjectsIn(namespace: string): k8s.KubernetesObject[] {
    return FOREIGN_KINDS.flatMap((kind) =>
      (this.foreign.get(kind.kind)?.list(namespace) ?? [])
        .map((o) => ({ ...o, kind: kind.kind, apiVersion: kind.apiVersion }))
        .filter((o) => !CLUSTER_MADE.has(`${o.kind}/${o.metadata?.name}`) && !o.metadata?.deletionTimestamp),
    );
  }

  /** Our pods in an environment, the pods controllers could not make there, and the nodes that could run them. */
  observedIn(namespace: string): ObservedCluster {
    const nodes = (this.observed.get("nodes")?.list() ?? []) as k8s.V1Node[];
    return {
      pods: (this.observed.get("pods")?.list(namespace) ?? []) as k8s.V1Pod[],
      refusals: (this.observed.get("refusals")?.list(namespace) ?? []) as k8s.CoreV1Event[],
      nodes: nodes.filter(
        (n) => !n.spec?.unschedulable && n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      ).length,
    };
  }

  /** Every environment namespace the cluster holds that we made. */
  namespaces(): string[] {
    return (this.informers.get("Namespace")?.list() ?? []).map((n) => n.metadata!.name!);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.informers.values(), ...this.foreign.values(), ...this.observed.values()].map((i) => i.stop()),
    );
  }
}
