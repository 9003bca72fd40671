import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { Db } from "../db/database";
import { LeaderElector } from "../kube/leader-election";
import { objectKey } from "../kube/managed-kinds";
import { WatchCache, type WatchEvent } from "../kube/watch-cache";
import { ENVIRONMENT_LABEL } from "./desired/labels";
import type { EnvironmentConfig } from "./environment-config";
import { allNamespaces, namespacesBehind } from "./environment-store";
import { reconcileEnvironment, type ReconcileDeps } from "./reconcile";
import { WorkQueue } from "./work-queue";

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

  /** Asks for a reconcile soon; a follower ignores it (the leader's database poll will see the change). */
  enqueue(namespace: string): void {
    this.queue?.add(namespace);
  }

  /** Resolves when no reconcile is queued or running (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.queue?.idle();
  }

  private async lead(): Promise<void> {
    const { db, kubeConfig, config, log } = this.options;
    const lastApplied = new Map<string, string>();
    const onEvent = (event: WatchEvent, object: k8s.KubernetesObject) => {
      const namespace = object.metadata?.labels?.[ENVIRONMENT_LABEL];
      if (!namespace) return;
      // Our own writes come back as events: only a change by someone else (or the cluster) needs work.
      if (event !== "delete" && lastApplied.get(objectKey(object)) === object.metadata?.resourceVersion) return;
      if (event === "delete") lastApplied.delete(objectKey(object));
      this.queue?.add(namespace);
    };
    const cache = new WatchCache(kubeConfig, log, onEvent);
    const deps: ReconcileDeps = {
      db,
      client: k8s.KubernetesObjectApi.makeApiClient(kubeConfig),
      cache,
      config,
      log,
      now: this.options.now ?? (() => new Date()),
      lastApplied,
    };
    const queue = new WorkQueue(
      (namespace) => reconcileEnvironment(namespace, deps),
      this.options.concurrency ?? 16,
      (namespace, err, retryInMs) => log.warn({ ns: namespace, err: (err as Error).message, retryInMs }, "Failed to reconcile environment"),
    );
    this.cache = cache;
    await cache.start();
    this.queue = queue;
    const resync = async () => {
      for (const namespace of new Set([...(await allNamespaces(db)), ...cache.namespaces()])) queue.add(namespace);
    };
    const poll = async () => {
      for (const namespace of await namespacesBehind(db)) queue.add(namespace);
    };
    await resync();
    this.timers = [
      setInterval(() => void resync().catch((err: unknown) => log.warn({ err }, "Failed to resync")), this.options.resyncMs ?? 300_000),
      setInterval(() => void poll().catch((err: unknown) => log.warn({ err }, "Failed to poll for changed environments")), this.options.pollMs ?? 1000),
    ];
  }

  private async follow(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.queue?.stop();
    this.queue = undefined;
    await this.cache?.stop();
    this.cache = undefined;
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.follow();
  }
}
