import * as k8s from "@kubernetes/client-node";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { PERSON_LABEL, workspaceName } from "./desired/workload";
import type { EnvironmentConfig } from "./environment-config";
import { COMPONENT_LABEL, managedSelector } from "../kube/owned-labels";
import { personWorkspaceState, type PersonWorkspaceState } from "./workspace-state";
import {
  askToStart,
  askToStop,
  noteActivity,
  wantsRunning,
  wishOf,
  wishesOf,
  type PersonWorkspace,
} from "./workspace-wishes";

const WANTED_CACHE_MS = 5_000;
const ACTIVITY_WRITE_MS = 30_000;

/**
 * The field manager of a person's start or stop: it sets the replicas of their Deployment alone, so that an
 * open does not wait for a reconcile of the whole environment. The reconciler's next apply (force) takes the
 * field back with the same value, since it reads the same wish.
 */
const SCALE_MANAGER = "spe-workspace-scale";

/** Starts, stops and reports people's workspaces: the wish in the database, the replicas in the cluster. */
export interface WorkspaceControl {
  /** The person opened their workspace: it is to run. Says how far its start has got. */
  open(workspace: PersonWorkspace, actor: AuditActor): Promise<PersonWorkspaceState>;
  /** Stops a person's workspace, keeping its home; false when it was not running. */
  stop(workspace: PersonWorkspace, stop: Parameters<typeof askToStop>[2]): Promise<boolean>;
  /**
   * Whether the person's workspace is to run (they opened it since it was last stopped). A yes is kept a few
   * seconds, so that a page's many requests do not each read the database; a no is read again each time.
   */
  wanted(namespace: string, personId: string): Promise<boolean>;
  /** The gateway relayed something to it: the culler's idle time starts again (written at most every 30 s). */
  used(namespace: string, personId: string): void;
  /** The state of each of these persons' workspaces in an environment. */
  states(
    namespace: string,
    persons: ReadonlyArray<Omit<PersonWorkspace, "namespace">>,
    environmentActive: boolean,
  ): Promise<Map<string, PersonWorkspaceState>>;
}

const controls = new WeakMap<object, WorkspaceControl>();

/** The one control of these services (the gateway's and the operators' share its cache), made on first use. */
export function workspacesOf(services: {
  database: { db: Db };
  kube: { config: k8s.KubeConfig };
  environmentConfig: Pick<EnvironmentConfig, "expectedSeconds">;
}): WorkspaceControl {
  let control = controls.get(services);
  if (!control) {
    control = workspaceControl({
      db: services.database.db,
      kubeConfig: services.kube.config,
      expected: services.environmentConfig.expectedSeconds,
    });
    controls.set(services, control);
  }
  return control;
}

export function workspaceControl(options: {
  db: Db;
  kubeConfig: k8s.KubeConfig;
  expected: EnvironmentConfig["expectedSeconds"];
  now?: () => Date;
}): WorkspaceControl {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const objects = k8s.KubernetesObjectApi.makeApiClient(options.kubeConfig);
  const core = options.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const apps = options.kubeConfig.makeApiClient(k8s.AppsV1Api);
  const scale = (namespace: string, personId: string, replicas: 0 | 1) =>
    objects.patch(
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: workspaceName({ id: personId }), namespace },
        spec: { replicas },
      } as k8s.V1Deployment,
      undefined,
      undefined,
      SCALE_MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  const observe = async (namespace: string, personId?: string) => {
    const person = personId ? `,${PERSON_LABEL}=${personId}` : "";
    const selector = `${managedSelector},${COMPONENT_LABEL}=workspace${person}`;
    const [deployments, pods] = await Promise.all([
      apps.listNamespacedDeployment({ namespace, labelSelector: selector }),
      core.listNamespacedPod({ namespace, labelSelector: selector }),
    ]);
    const of = <T extends { metadata?: k8s.V1ObjectMeta }>(items: T[], id: string) =>
      items.filter((o) => o.metadata?.labels?.[PERSON_LABEL] === id);
    return { deployments: deployments.items, pods: pods.items, of };
  };
  const stateOf = async (
    namespace: string,
    personId: string,
    active: boolean,
    seen?: Awaited<ReturnType<typeof observe>>,
  ) => {
    const cluster = seen ?? (await observe(namespace, personId));
    const wishes = await wishesOf(db, namespace);
    return personWorkspaceState({
      wish: wishes.get(personId),
      deployment: cluster.of(cluster.deployments, personId)[0],
      pods: cluster.of(cluster.pods, personId),
      // A pod waits for a node only as long as expected before it counts as stuck: the count is not needed.
      nodes: 1,
      environmentActive: active,
      now: now(),
      expected: options.expected,
    });
  };
  const wantedUntil = new Map<string, number>();
  const activityWritten = new Map<string, number>();
  return {
    async wanted(namespace, personId) {
      const key = `${namespace}/${personId}`;
      if ((wantedUntil.get(key) ?? 0) > Date.now()) return true;
      const wanted = wantsRunning(await wishOf(db, namespace, personId));
      if (wanted) wantedUntil.set(key, Date.now() + WANTED_CACHE_MS);
      else wantedUntil.delete(key);
      return wanted;
    },
    used(namespace, personId) {
      const key = `${namespace}/${personId}`;
      if ((activityWritten.get(key) ?? 0) + ACTIVITY_WRITE_MS > Date.now()) return;
      activityWritten.set(key, Date.now());
      void noteActivity(db, namespace, personId, now()).catch(() => activityWritten.delete(key));
    },
    async open(workspace, actor) {
      await askToStart(db, workspace, actor, now());
      // Every time it is asked for and not found running, not only the first: a reconcile that read the wish
      // just before it may have set the replicas back, and a scale that is already 1 changes nothing.
      await scale(workspace.namespace, workspace.personId, 1);
      return stateOf(workspace.namespace, workspace.personId, true);
    },
    async stop(workspace, stop) {
      const stopped = await askToStop(db, workspace, stop, now());
      wantedUntil.delete(`${workspace.namespace}/${workspace.personId}`);
      if (stopped) await scale(workspace.namespace, workspace.personId, 0);
      return stopped;
    },
    async states(namespace, persons, active) {
      const seen = await observe(namespace);
      const states = new Map<string, PersonWorkspaceState>();
      for (const person of persons)
        states.set(person.personId, await stateOf(namespace, person.personId, active, seen));
      return states;
    },
  };
}
