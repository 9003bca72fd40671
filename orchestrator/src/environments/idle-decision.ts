/** What JupyterLab says of the work in it (its `/api/status`, `/api/kernels` and `/api/terminals`). */
export interface LabActivity {
  /** The latest activity it reports: of the server, a kernel (a message) or a terminal (its output). */
  lastActivity: Date | null;
  /** Kernels running code now (`execution_state` busy or starting): a model fit with the browser closed. */
  busyKernels: number;
}

export interface IdleFacts {
  now: Date;
  /** The installation's idle time (ENVIRONMENT_SETTINGS `workspaceIdle.afterSeconds`), in milliseconds. */
  idleAfterMs: number;
  /** Requests and WebSockets of the person's open through this orchestrator's gateway right now. */
  openConnections: number;
  /** When the workspace was last opened. */
  startedAt: Date;
  /** The last activity recorded: by any gateway that relayed for the person, or the Lab's last report. */
  recordedActivity: Date | null;
  /** What the Lab said, or that it did not answer. */
  lab: LabActivity | "unanswered";
}

export type IdleVerdict =
  { idle: true; lastActivity: Date } | { idle: false; why: "connected" | "busy-kernel" | "recent"; lastActivity: Date };

const latest = (...dates: Array<Date | null | undefined>): Date =>
  new Date(Math.max(...dates.map((d) => d?.getTime() ?? -Infinity)));

/**
 * Whether a person's workspace is idle, as JupyterHub's culler means it: no open connection, no busy kernel,
 * and nothing done for the idle time, neither through the gateway nor inside (a kernel's last message, a
 * terminal's last output). A Lab that does not answer shows no work: it is idle once the gateway has seen
 * nothing, and the Lab reported nothing, for the idle time. A busy kernel it reported before is not carried
 * over, or a hung Lab would keep its pod and its share of the quota for ever; a person whose Lab hangs cannot
 * use it either, and their home is kept. Pure: the same facts give the same verdict.
 */
export function idleVerdict(facts: IdleFacts): IdleVerdict {
  const lab = facts.lab === "unanswered" ? undefined : facts.lab;
  const lastActivity = latest(facts.startedAt, facts.recordedActivity, lab?.lastActivity);
  if (facts.openConnections > 0) return { idle: false, why: "connected", lastActivity };
  if (lab && lab.busyKernels > 0) return { idle: false, why: "busy-kernel", lastActivity };
  if (facts.now.getTime() - lastActivity.getTime() < facts.idleAfterMs)
    return { idle: false, why: "recent", lastActivity };
  return { idle: true, lastActivity };
}
