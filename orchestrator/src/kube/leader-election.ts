import * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** Unique per process: who holds the lease. */
  identity: string;
  leaseSeconds?: number;
  renewEveryMs?: number;
  onStartedLeading: () => Promise<void> | void;
  onStoppedLeading: () => Promise<void> | void;
}

/**
 * One active reconciler among many replicas, through a coordination.k8s.io Lease: the holder renews it;
 * others take it over only once it has gone unrenewed for its whole duration.
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenewed = 0;
  private readonly api: k8s.CoordinationV1Api;
  private readonly leaseSeconds: number;
  private readonly renewEveryMs: number;

  constructor(
    kc: k8s.KubeConfig,
    private readonly options: LeaderElectionOptions,
    private readonly log: Logger,
  ) {
    this.api = kc.makeApiClient(k8s.CoordinationV1Api);
    this.leaseSeconds = options.leaseSeconds ?? 15;
    this.renewEveryMs = options.renewEveryMs ?? 2000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = async () => {
      await this.round().catch((err: unknown) =>
        this.log.warn({ err: (err as Error).message }, "Failed to renew the leader Lease"),
      );
      if (this.timer !== undefined) this.timer = setTimeout(() => void tick(), this.renewEveryMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  private async round(): Promise<void> {
    const held = await this.tryAcquireOrRenew();
    const now = Date.now();
    if (held) this.lastRenewed = now;
    if (held && !this.leading) {
      this.leading = true;
      this.log.info({ identity: this.options.identity }, "Acquired the leader Lease");
      await this.options.onStartedLeading();
    } else if (!held && this.leading && now - this.lastRenewed > this.leaseSeconds * 1000 * 0.8) {
      // Stop before another replica may legitimately take over.
      this.leading = false;
      this.log.warn({ identity: this.options.identity }, "Lost the leader Lease");
      await this.options.onStoppedLeading();
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = new k8s.V1MicroTime();
    let lease: k8s.V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!(err instanceof k8s.ApiException && err.code === 404)) throw err;
      await this.api
        .createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.leaseSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        })
        .catch((e: unknown) => {
          if (e instanceof k8s.ApiException && e.code === 409) return undefined;
          throw e;
        });
      return (await this.api.readNamespacedLease({ name, namespace })).spec?.holderIdentity === identity;
    }
    const spec = lease.spec ?? {};
    // The client hands MicroTime back as a Date or as its RFC 3339 string, depending on the path.
    const renewed =
      spec.renewTime instanceof Date ? spec.renewTime.getTime() : Date.parse(String(spec.renewTime ?? 0)) || 0;
    const expires = renewed + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
    const mine = spec.holderIdentity === identity;
    if (!mine && spec.holderIdentity && expires > Date.now()) return false;
    const next: k8s.V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.leaseSeconds,
        renewTime: now,
        acquireTime: mine ? spec.acquireTime : now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: next });
      return true;
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 409) return false; // someone else wrote first
      throw err;
    }
  }

  /** Stops campaigning; a leader hands the lease back by letting it expire at once. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.leading) return;
    this.leading = false;
    await this.options.onStoppedLeading();
    try {
      const lease = await this.api.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace });
      if (lease.spec?.holderIdentity === this.options.identity)
        await this.api.replaceNamespacedLease({
          name: this.options.name,
          namespace: this.options.namespace,
          body: { ...lease, spec: { ...lease.spec, holderIdentity: undefined, renewTime: undefined } },
        });
    } catch {
      // The lease expires on its own.
    }
  }
}
