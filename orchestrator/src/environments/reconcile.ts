import * as k8s from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { Db } from "../db/database";
import type { Condition } from "../db/schema";
import { applyObject, deleteObject, describeKubeError } from "../kube/apply";
import { fingerprint } from "../kube/fingerprint";
import { objectKey } from "../kube/managed-kinds";
import type { WatchCache } from "../kube/watch-cache";
import { mergeConditions, type ObservedCondition } from "./conditions";
import { stagedDatasets } from "../deliveries/staged-deliveries";
import { datasetsAwaitingDelivery, type EnvironmentInput } from "./desired/environment-input";
import { claimSizes, keptHomes } from "./kept-homes";
import { deletedVolumes } from "./deleted-volumes";
import { departedPersons } from "./departed-homes";
import { legacyHome } from "./legacy-home";
import { personIdOf, workspacePersons } from "./workspace-persons";
import { wishesOf } from "./workspace-wishes";
import { desiredObjects } from "./desired/index";
import { removeForeignObjects } from "./foreign-objects";
import type { StagingStore } from "../staging/staging-store";
import type { EnvironmentConfig } from "./environment-config";
import {
  loadEnvironment,
  requestTeardown,
  saveStatus,
  saveTeardown,
  type EnvironmentRow,
  type PermitRow,
} from "./environment-store";
import { inactiveConditions, observeEnvironment } from "./observe";
import { quotaUncountedSince } from "./quota-usage";
import { quotaWait, resumeAfterQuotaWait, type QuotaWait } from "./quota-wait";

export interface ReconcileDeps {
  db: Db;
  client: k8s.KubernetesObjectApi;
  cache: WatchCache;
  config: EnvironmentConfig;
  log: Logger;
  now: () => Date;
  /** Fingerprint of each object as our last apply left it: watch events that only echo our own writes are ignored. */
  lastApplied: Map<string, string>;
  /** Told each time an environment's recorded status changes (benchmarks, live updates). */
  onStatus?: (namespace: string, conditions: Condition[]) => void;
  /** Where staged deliveries live, per namespace; deleted with the environment. */
  staging?: Pick<StagingStore, "deleteNamespace">;
  /** Per namespace waiting for its quota's usage, what it applied before (quota-wait.ts); else all is applied again. */
  quotaWaits?: Map<string, QuotaWait>;
}

export interface ReconcileResult {
  /** Reconcile again after this long (applying everything). */
  requeueAfterMs?: number;
  /** Look at the environment's status again after this long (refreshStatus: nothing applied, no API call). */
  recheckAfterMs?: number;
}

/**
 * Objects in the order they may be applied: the namespace; then isolation, quota and limits; once the quota
 * counts (quota-usage.ts), storage; only then anything that could run. Within a wave the applies go out
 * together.
 */
const WAVE_OF_KIND: Record<string, number> = {
  Namespace: 0,
  PersistentVolumeClaim: 2,
  Job: 3,
  Deployment: 3,
  Service: 3,
};
/** The wave an object of this kind is applied in (benchmarks count requests by it). */
export const waveOf = (kind: string | undefined): number => WAVE_OF_KIND[kind ?? ""] ?? 1;
export function applyWaves(objects: k8s.KubernetesObject[]): k8s.KubernetesObject[][] {
  const waves: k8s.KubernetesObject[][] = [[], [], [], []];
  for (const o of objects) waves[waveOf(o.kind)]!.push(o);
  return waves.filter((w) => w.length > 0);
}

/** A recheck lands this long after its wait has lasted too long, so that it finds the wait over. */
const RECHECK_MARGIN_MS = 50;

/** How often to look again while a namespace is being deleted. */
const TEARDOWN_POLL_MS = 1000;

async function saveIfChanged(
  deps: ReconcileDeps,
  environment: EnvironmentRow,
  observed: ObservedCondition[],
  now: Date,
) {
  const conditions = mergeConditions(environment.conditions, observed, environment.generation, now);
  if (
    JSON.stringify(conditions) !== JSON.stringify(environment.conditions) ||
    environment.observedGeneration !== environment.generation
  ) {
    await saveStatus(deps.db, environment.namespace, conditions, environment.generation, now);
    deps.onStatus?.(environment.namespace, conditions);
  }
}

async function teardown(
  deps: ReconcileDeps,
  environment: EnvironmentRow,
  permit: PermitRow,
  now: Date,
): Promise<ReconcileResult> {
  const { namespace } = environment;
  const present = deps.cache.objectsIn(namespace);
  if (!environment.teardown) {
    const reason = permit.status === "revoked" ? "revoked" : now >= permit.validUntil ? "expired" : "operator";
    // What was staged into it, with the hashes of every file: the certificate names the data it deleted.
    const stagedData = await stagedDatasets(deps.db, permit.permitId);
    // And every volume, with whose it was: the persons named now and those an amendment removed.
    const persons = [
      ...permit.payload.authorisedPersons,
      ...(await departedPersons(deps.db, permit.permitId, permit.payload)),
    ];
    const subjects = new Map(persons.map((p) => [personIdOf(namespace, p.subject, deps.config), p.subject]));
    const current = new Set(permit.payload.authorisedPersons.map((p) => personIdOf(namespace, p.subject, deps.config)));
    await saveTeardown(
      deps.db,
      namespace,
      {
        namespace,
        reason,
        requestedAt: now.toISOString(),
        objects: present.map((o) => `${o.kind}/${o.metadata?.name}`).sort(),
        volumes: deletedVolumes(present, (id) => subjects.get(id), current),
        stagedData,
      },
      now,
    );
    deps.log.info({ ns: namespace, permit: permit.permitId, reason }, "Deleting Namespace of torn-down environment");
  }
  try {
    await deps.client.read({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  } catch (err) {
    if (!(err instanceof k8s.ApiException && err.code === 404)) throw err;
    // Gone: the deletion is complete and can be certified.
    if (!environment.teardown?.completedAt) {
      const record = (await loadEnvironment(deps.db, namespace))!.environment.teardown ?? {};
      await deps.staging?.deleteNamespace(namespace);
      await saveTeardown(
        deps.db,
        namespace,
        { ...record, stagingDeleted: deps.staging !== undefined, completedAt: now.toISOString() },
        now,
      );
      deps.log.info({ ns: namespace, permit: permit.permitId }, "Deleted Namespace of torn-down environment");
    }
    await saveIfChanged(deps, environment, inactiveConditions("TornDown"), now);
    return {};
  }
  await deleteObject(deps.client, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  await saveIfChanged(deps, environment, inactiveConditions("TearingDown"), now);
  return { requeueAfterMs: TEARDOWN_POLL_MS };
}

/**
 * Drives one environment's namespace to what its permit and desired state call for. Level-based: it reads
 * everything it needs and never asks what event brought it here; running it again changes nothing.
 */
export async function reconcileEnvironment(namespace: string, deps: ReconcileDeps): Promise<ReconcileResult> {
  const now = deps.now();
  // Taken whatever this reconcile does: only the next one after a wait may go on from it.
  const wait = deps.quotaWaits?.get(namespace);
  deps.quotaWaits?.delete(namespace);
  const found = await loadEnvironment(deps.db, namespace);
  if (!found) {
    deps.log.warn({ ns: namespace }, "Ignored Namespace with our label but no environment record");
    return {};
  }
  const { environment, permit } = found;
  if (environment.desiredState !== "torn-down" && (now >= permit.validUntil || permit.status === "revoked")) {
    await requestTeardown(deps.db, namespace, permit.status === "revoked" ? "revoked" : "expired", now);
    return reconcileEnvironment(namespace, deps);
  }
  if (environment.desiredState === "torn-down") return teardown(deps, environment, permit, now);
  if (now < permit.validFrom) {
    await saveIfChanged(
      deps,
      environment,
      inactiveConditions("NotYetValid", { validFrom: permit.validFrom.toISOString() }),
      now,
    );
    return { requeueAfterMs: permit.validFrom.getTime() - now.getTime() };
  }

  const input = await environmentInput(deps, { ...environment, desiredState: environment.desiredState }, permit);
  const { staged = [] } = input;
  const desired = desiredObjects(input, deps.config);
  const wanted = new Set(desired.map(objectKey));
  const prune = async (kinds?: readonly string[]) => {
    const stale = deps.cache.objectsIn(namespace).filter((o) => !wanted.has(objectKey(o)));
    for (const object of stale.filter((o) => !kinds || kinds.includes(o.kind!))) {
      await deleteObject(deps.client, object);
      deps.log.info(
        { ns: namespace, kind: object.kind, name: object.metadata?.name },
        "Pruned object no longer desired",
      );
    }
  };
  const applied: k8s.KubernetesObject[] = [];
  let applyError: string | undefined;
  let quotaUncounted: Date | undefined;
  const waves = applyWaves(desired);
  const resumed = resumeAfterQuotaWait(wait, waves, deps.cache.objectsIn(namespace), deps.lastApplied);
  if (resumed) {
    // They stand as the watch shows them, the quota's computed usage included: that is what this reconcile goes
    // on from, so those events are no reason for another.
    for (const object of resumed.applied) deps.lastApplied.set(objectKey(object), fingerprint(object));
    applied.push(...resumed.applied);
    quotaUncounted = resumed.uncountedSince;
    if (quotaUncounted) deps.quotaWaits?.set(namespace, wait!);
  }
  for (const [w, wave] of waves.entries()) {
    // The quota's status changing brings us back (the watch cache's fingerprint counts it): no worker waits.
    if (quotaUncounted) break;
    if (w < (resumed?.waves ?? 0)) continue;
    // Workspaces and Services are replaced, not added to: the stale ones (a person's who left the permit, the
    // previous version's shared workspace) go before the new ones come, for the quota counts exactly what is wanted.
    if (wave.some((o) => o.kind === "Deployment")) await prune(["Deployment", "Service"]);
    const results = await Promise.allSettled(wave.map((object) => applyObject(deps.client, object)));
    results.forEach((result, i) => {
      if (result.status === "fulfilled") {
        deps.lastApplied.set(objectKey(result.value), fingerprint(result.value));
        applied.push(result.value);
      } else applyError ??= `${wave[i]!.kind} ${wave[i]!.metadata?.name}: ${describeKubeError(result.reason)}`;
    });
    const quota = results.find((r) => r.status === "fulfilled" && r.value.kind === "ResourceQuota");
    if (!applyError && quota?.status === "fulfilled") {
      quotaUncounted = quotaUncountedSince(quota.value as k8s.V1ResourceQuota, now);
      if (quotaUncounted) deps.quotaWaits?.set(namespace, quotaWait(waves.slice(0, w + 1), applied, quotaUncounted));
    }
    if (applyError) break;
  }
  let foreignRemoved: string[] = [];
  if (!applyError) {
    await prune();
    foreignRemoved = await removeForeignObjects(deps, namespace, deps.cache.foreignObjectsIn(namespace), now);
  }
  const observed = observeEnvironment({
    applied,
    applyError,
    desiredState: environment.desiredState,
    foreignRemoved,
    awaitingDelivery: datasetsAwaitingDelivery(input),
    anythingStaged: staged.length > 0,
    quotaUncountedSince: quotaUncounted,
    cluster: deps.cache.observedIn(namespace),
    now,
    expected: deps.config.expectedSeconds,
  });
  await saveIfChanged(deps, environment, observed.conditions, now);
  if (applyError) throw new Error(`Reconciling ${namespace} failed: ${applyError}`);
  return { requeueAfterMs: permit.validUntil.getTime() - now.getTime(), ...recheck(observed.recheckAt, now) };
}

/** Only datasets the permit (still) grants: an amendment that drops one also drops its data. */
async function environmentInput(
  deps: ReconcileDeps,
  environment: EnvironmentRow & { desiredState: EnvironmentInput["desiredState"] },
  permit: PermitRow,
): Promise<EnvironmentInput> {
  const granted = (s: { datasetId: string; version: string }) =>
    permit.payload.datasets.some((d) => d.id === s.datasetId && d.version === s.version);
  const staged = (await stagedDatasets(deps.db, permit.permitId)).filter(granted);
  const { namespace } = environment;
  const persons = workspacePersons(namespace, permit.payload, deps.config, await wishesOf(deps.db, namespace));
  return {
    namespace,
    permit: permit.payload,
    desiredState: environment.desiredState,
    staged,
    persons,
    projectClaim: legacyHome(deps.cache.objectsIn(namespace)) ? "home" : "project",
    keptHomes: keptHomes(
      deps.cache.objectsIn(namespace),
      persons,
      environment.homeDeletions.map((d) => ({
        id: personIdOf(namespace, d.subject, deps.config),
        requestedAt: d.requestedAt,
      })),
    ),
    claimSizes: claimSizes(deps.cache.objectsIn(namespace)),
  };
}

/** Back when a wait will have lasted longer than expected, to say so. */
const recheck = (at: Date | undefined, now: Date) =>
  at ? { recheckAfterMs: Math.max(0, at.getTime() - now.getTime()) + RECHECK_MARGIN_MS } : {};

/**
 * Says again what an environment's pods are doing, from the watch cache alone: a pod that failed, a wait that
 * has now lasted too long. It applies nothing and calls no API: what its pods do changes often and is no
 * reason to write the environment's objects again. Anything but an active, provisioned environment of the
 * current generation gets the full reconcile instead.
 */
export async function refreshStatus(namespace: string, deps: ReconcileDeps): Promise<ReconcileResult> {
  const now = deps.now();
  const found = await loadEnvironment(deps.db, namespace);
  if (!found) return {};
  const { environment, permit } = found;
  const provisioned = environment.conditions.find((c) => c.type === "Provisioned");
  if (
    environment.desiredState === "torn-down" ||
    environment.observedGeneration !== environment.generation ||
    provisioned?.status !== "True" ||
    permit.status === "revoked" ||
    now < permit.validFrom ||
    now >= permit.validUntil
  )
    return reconcileEnvironment(namespace, deps);
  const input = await environmentInput(deps, { ...environment, desiredState: environment.desiredState }, permit);
  const observed = observeEnvironment({
    applied: deps.cache.objectsIn(namespace),
    desiredState: environment.desiredState,
    // What the last reconcile removed stays said until the next one.
    foreignRemoved: provisioned.reason === "ForeignObjectsRemoved" ? provisioned.values?.objects?.split(", ") : [],
    awaitingDelivery: datasetsAwaitingDelivery(input),
    anythingStaged: (input.staged ?? []).length > 0,
    cluster: deps.cache.observedIn(namespace),
    now,
    expected: deps.config.expectedSeconds,
  });
  await saveIfChanged(deps, environment, observed.conditions, now);
  return recheck(observed.recheckAt, now);
}
