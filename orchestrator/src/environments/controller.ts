import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { Db } from "../db/database";
import { reuseConnections } from "../kube/connection-reuse";
import { fingerprint } from "../kube/fingerprint";
import { LeaderElector } from "../kube/leader-election";
import { objectKey } from "../kube/managed-kinds";
import { WatchCache, type WatchEvent } from "../kube/watch-cache";
import { ENVIRONMENT_LABEL } from "../kube/owned-labels";
import type { EnvironmentConfig } from "./environment-config";
import { allNamespaces, namespacesBehind } from "./environment-store";
import { reconcileEnvironment, refreshStatus, type ReconcileDeps } from "./reconcile";
import { WorkQueue } from "./work-queue";
import { podFailures } from "./workload-health";

export interface ControllerOptions {
  db: Db;
  kubeConfig: k8s.KubeConfig;
  config: EnvironmentConfig;
  log: Logger;
  now?: () => Date;
  concurrency?: number;
  /** Everything is reconciled again this often, to catch what watches missed. */
  resyncMs?: number;
  /** How often the leader looks in the database for environments whose wanted state moved. */
  pollMs?: number;
  identity?: string;
  leaseName?: string;
  /** Told each time an environment's recorded status changes. */
  onStatus?: ReconcileDeps["onStatus"];
  /** Where staged deliveries live (per namespace); a torn-down environment's are deleted with it. */
  staging?: ReconcileDeps["staging"];
  /** Told how long each reconcile took and whether it failed (metrics). */
  onReconciled?: (seconds: number, outcome: "ok" | "error") => void;
  /** Wraps the client the reconciler writes with (benchmarks count requests through it). */
  wrapClient?: (client: k8s.KubernetesObjectApi) => k8s.KubernetesObjectApi;
}

/**
 * Runs the reconciler while this process holds the leader Lease: watches on everything we own, a work queue
 * keyed by namespace, a poll of the database for changed environments and a periodic full resync.
 */
export class EnvironmentController {
  private readonly elector: LeaderElector;
  private cache: WatchCache | undefined;
  private queue: WorkQueue | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Per namespace: a status refresh asked for after a delay (a wait that will then have lasted too long). */
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  /**
   * Namespaces queued only to say again what their pods do (refreshStatus), not to apply anything: a pod
   * event, a recheck. Any other reason to queue one (a watch event on what we own, the database, a resync)
   * makes it a full reconcile.
   */
  private readonly statusOnly = new Set<string>();
  readonly identity: string;

  constructor(private readonly options: ControllerOptions) {
    this.identity = options.identity ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.elector = new LeaderElector(
      options.kubeConfig,
      {
        namespace: options.config.platformNamespace,
        name: options.leaseName ?? "spe-orchestrator-reconciler",
        identity: this.identity,
        onStartedLeading: () => this.lead(),
        onStoppedLeading: () => this.follow(),
      },
      options.log,
    );
  }

  start(): void {
    this.elector.start();
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Environments queued or being reconciled here (0 on a follower). */
  get queueDepth(): number {
    return this.queue?.depth ?? 0;
  }

  /** Asks for a reconcile soon; a follower ignores it (the leader's database poll will see the change). */
  enqueue(namespace: string): void {
    this.statusOnly.delete(namespace);
    this.queue?.add(namespace);
  }

  /** Asks for a look at what a namespace's pods do, unless a full reconcile is queued for it already. */
  private refresh(namespace: string): void {
    if (!this.queue) return;
    if (!this.queue.isActive(namespace) && !this.queue.isWaiting(namespace)) this.statusOnly.add(namespace);
    this.queue.add(namespace);
  }

  /** Resolves when no reconcile is queued or running (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.queue?.idle();
  }

  private async lead(): Promise<void> {
    const { db, config, log } = this.options;
    const kubeConfig = reuseConnections(this.options.kubeConfig);
    const lastApplied = new Map<string, string>();
    // Events that arrive while their namespace is being reconciled are often that reconcile's own writes,
    // seen before its apply calls have returned: judge them once it has finished.
    const seenDuringReconcile = new Map<string, Map<string, string>>();
    const onEvent = (event: WatchEvent, object: k8s.KubernetesObject) => {
      const namespace = object.metadata?.labels?.[ENVIRONMENT_LABEL];
      if (!namespace) return;
      const key = objectKey(object);
      const print = fingerprint(object);
      // Our own writes come back as events: only a change by someone else (or the cluster) needs work.
      if (event !== "delete" && lastApplied.get(key) === print) return;
      if (event !== "delete" && this.queue?.isActive(namespace)) {
        if (!seenDuringReconcile.has(namespace)) seenDuringReconcile.set(namespace, new Map());
        seenDuringReconcile.get(namespace)!.set(key, print);
        return;
      }
      if (event === "delete") lastApplied.delete(key);
      log.debug(
        { ns: namespace, event, kind: object.kind, name: object.metadata?.name },
        "Queued environment after a watch event",
      );
      this.enqueue(namespace);
    };
    const reconcile = async (namespace: string) => {
      const started = performance.now();
      let outcome: "ok" | "error" = "error";
      const statusOnly = this.statusOnly.delete(namespace);
      try {
        const { recheckAfterMs, ...result } = await (statusOnly ? refreshStatus : reconcileEnvironment)(
          namespace,
          deps,
        );
        clearTimeout(this.rechecks.get(namespace));
        this.rechecks.delete(namespace);
        if (recheckAfterMs !== undefined) {
          const timer = setTimeout(() => {
            this.rechecks.delete(namespace);
            this.refresh(namespace);
          }, recheckAfterMs);
          timer.unref();
          this.rechecks.set(namespace, timer);
        }
        outcome = "ok";
        return result;
      } finally {
        this.options.onReconciled?.((performance.now() - started) / 1000, outcome);
        const seen = seenDuringReconcile.get(namespace);
        seenDuringReconcile.delete(namespace);
        if (seen && [...seen].some(([key, print]) => lastApplied.get(key) !== print)) this.enqueue(namespace);
      }
    };
    const client = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);
    // Something we did not make appeared in an environment: the reconciler removes it and says so.
    const onForeign = (namespace: string) => {
      if (cache.namespaces().includes(namespace)) this.enqueue(namespace);
    };
    // A pod of ours whose failures changed (an image that cannot be pulled, a crash loop, a node found), or a
    // pod a controller could not make: its environment's conditions may change. Pods that merely come and
    // go change nothing the Deployment's and Job's own status do not already say.
    const podPrints = new Map<string, string>();
    const onObserved = (event: WatchEvent, object: k8s.KubernetesObject) => {
      const namespace = object.metadata?.namespace;
      if (!namespace || !cache.namespaces().includes(namespace)) return;
      if (object.kind === "Pod") {
        const key = objectKey(object);
        const print = event === "delete" ? "" : podFailures(object as k8s.V1Pod);
        if ((podPrints.get(key) ?? "") === print) return;
        if (event === "delete") podPrints.delete(key);
        else podPrints.set(key, print);
      } else if (event === "delete") return;
      this.refresh(namespace);
    };
    const cache: WatchCache = new WatchCache(kubeConfig, client, log, onEvent, onForeign, onObserved);
    const deps: ReconcileDeps = {
      db,
      client: (this.options.wrapClient ?? ((c) => c))(client),
      cache,
      config,
      log,
      now: this.options.now ?? (() => new Date()),
      lastApplied,
      quotaWaits: new Map(),
      onStatus: this.options.onStatus,
      staging: this.options.staging,
    };
    const queue = new WorkQueue(reconcile, this.options.concurrency ?? 16, (namespace, err, retryInMs) =>
      log.warn({ ns: namespace, err: (err as Error).message, retryInMs }, "Failed to reconcile environment"),
    );
    this.cache = cache;
    await cache.start();
    this.queue = queue;
    const resync = async () => {
      for (const namespace of new Set([...(await allNamespaces(db)), ...cache.namespaces()])) this.enqueue(namespace);
    };
    const poll = async () => {
      // A reconcile in flight will record its generation; only what nobody is working on needs queueing.
      for (const namespace of await namespacesBehind(db)) {
        this.statusOnly.delete(namespace);
        queue.add(namespace, { unlessActive: true });
      }
    };
    await resync();
    this.timers = [
      setInterval(
        () => void resync().catch((err: unknown) => log.warn({ err }, "Failed to resync")),
        this.options.resyncMs ?? 300_000,
      ),
      setInterval(
        () => void poll().catch((err: unknown) => log.warn({ err }, "Failed to poll for changed environments")),
        this.options.pollMs ?? 1000,
      ),
    ];
  }

  private async follow(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const t of this.rechecks.values()) clearTimeout(t);
    this.rechecks.clear();
    this.statusOnly.clear();
    const queue = this.queue;
    this.queue = undefined;
    await queue?.stop();
    await this.cache?.stop();
    this.cache = undefined;
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.follow();
  }
}
