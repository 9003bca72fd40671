import { SYSTEM_ACTOR } from "../audit/audit-hash";
import type { Db } from "../db/database";
import type { EnvironmentConfig } from "./environment-config";
import { idleVerdict, type LabActivity } from "./idle-decision";
import type { WorkspaceControl } from "./workspace-control";
import { noteActivity, runningWishes, type PersonWorkspace, type WorkspaceWish } from "./workspace-wishes";

interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface IdleCullerOptions {
  db: Db;
  control: Pick<WorkspaceControl, "stop" | "used">;
  /** What this orchestrator's gateway has open to each workspace (gateway/workspace-connections.ts). */
  connections: {
    count(namespace: string, personId: string): number;
    connected(): Array<{ namespace: string; personId: string }>;
  };
  /** Asks a person's JupyterLab what work is in it (gateway/lab-activity.ts); throws when it does not answer. */
  labActivity: (namespace: string, personId: string) => Promise<LabActivity>;
  settings: EnvironmentConfig["workspaceIdle"];
  log: Log;
  now?: () => Date;
}

export interface IdleCuller {
  /** Looks at every running workspace once and stops the idle ones; returns those it stopped. */
  cullOnce(): Promise<PersonWorkspace[]>;
  /** Stops looking, after the look under way. */
  stop(): Promise<void>;
}

/**
 * Stops people's workspaces that have been idle for the installation's idle time (idle-decision.ts), keeping
 * their homes; the next open starts them again. One loop per orchestrator: with several, the stop is taken
 * once (askToStop locks the wish) and audited once, as `workspace.stopped-idle`. The Lab is asked only about
 * workspaces nothing has been recorded of for the idle time, so that a busy installation is not polled.
 */
export function startIdleCuller(options: IdleCullerOptions): IdleCuller {
  const { db, control, connections, settings, log } = options;
  const now = options.now ?? (() => new Date());
  const idleAfterMs = settings.afterSeconds * 1000;

  /** Stops one running workspace if it is idle; says whether it did. */
  const cullOne = async (wish: WorkspaceWish): Promise<boolean> => {
    const facts = {
      now: now(),
      idleAfterMs,
      openConnections: connections.count(wish.namespace, wish.personId),
      startedAt: wish.startedAt!,
      recordedActivity: wish.lastActivityAt,
    };
    // Only activity can come of asking the Lab: what is recent without it stays so.
    if (!idleVerdict({ ...facts, lab: "unanswered" }).idle) return false;
    const lab = await options.labActivity(wish.namespace, wish.personId).catch((err: unknown) => {
      log.warn(
        { ns: wish.namespace, err: (err as Error).message },
        "Failed to ask a workspace's JupyterLab for its activity",
      );
      return "unanswered" as const;
    });
    // Kept, so that operators see when it was last used, and the Lab is not asked again before it could be idle.
    if (lab !== "unanswered" && lab.lastActivity && lab.lastActivity > (wish.lastActivityAt ?? wish.startedAt!))
      await noteActivity(db, wish.namespace, wish.personId, lab.lastActivity);
    const verdict = idleVerdict({ ...facts, lab });
    if (!verdict.idle) return false;
    const workspace = { namespace: wish.namespace, personId: wish.personId, subject: wish.subject };
    if (!(await control.stop(workspace, { cause: "idle", actor: SYSTEM_ACTOR, lastActivity: verdict.lastActivity })))
      return false;
    log.info(
      { ns: wish.namespace, lastActivity: verdict.lastActivity.toISOString() },
      "Stopped an idle person's workspace",
    );
    return true;
  };

  const cullOnce = async (): Promise<PersonWorkspace[]> => {
    // What is open here counts for the cullers of every orchestrator, through the recorded activity.
    for (const { namespace, personId } of connections.connected()) control.used(namespace, personId);
    const stopped: PersonWorkspace[] = [];
    for (const wish of await runningWishes(db)) {
      const workspace = { namespace: wish.namespace, personId: wish.personId, subject: wish.subject };
      // One workspace that cannot be asked or stopped now is looked at again on the next tick; the rest go on.
      const idle = await cullOne(wish).catch((err: unknown) => {
        log.warn({ ns: wish.namespace, err: (err as Error).message }, "Failed to stop an idle person's workspace");
        return false;
      });
      if (idle) stopped.push(workspace);
    }
    return stopped;
  };

  let running: Promise<unknown> = Promise.resolve();
  let looking = false;
  const timer = setInterval(() => {
    // A slow database or Lab must not pile looks on looks: the next tick comes.
    if (looking) return;
    looking = true;
    running = cullOnce()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, "Failed to look for idle workspaces"))
      .finally(() => (looking = false));
  }, settings.checkSeconds * 1000).unref();

  return {
    cullOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
