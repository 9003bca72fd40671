import type { TFunction } from "i18next";
import { formatMoment } from "../../lib/format";
import { sv } from "../../locales/sv";

type StateName = keyof typeof sv.environments.workspace.states;
type Step = keyof typeof sv.environments.workspace.steps;
type Failure = keyof typeof sv.environments.workspace.failures;

/** A person's workspace as the API reports it (environments.myWorkspace, environments.workspaces). */
export interface WorkspaceFacts {
  state: string;
  since: string | null;
  reason: string | null;
  step: string | null;
}

const known = <T extends object>(words: T, key: string | null): key is Extract<keyof T, string> =>
  key !== null && Object.hasOwn(words, key);
/** Kubernetes' reasons that all mean the same to a researcher: nowhere to run. */
const NO_ROOM = ["Unschedulable", "NoNodes", "NotScheduled", "PodRefused"];

/** The state's name; one this UI does not know keeps the API's. */
export const workspaceStateName = (state: string, t: TFunction) =>
  known(sv.environments.workspace.states, state) ? t(`environments.workspace.states.${state as StateName}`) : state;

/** Why a workspace cannot start, in the researcher's words: what it means for them, not Kubernetes' own. */
function failureWords(reason: string | null, t: TFunction): string {
  const key: Failure = NO_ROOM.includes(reason ?? "")
    ? "noRoom"
    : known(sv.environments.workspace.failures, reason)
      ? (reason as Failure)
      : "other";
  return t(`environments.workspace.failures.${key}`);
}

/** What a researcher's start page says of their workspace, beside the button that opens it. */
export function myWorkspaceSaid(w: WorkspaceFacts, t: TFunction): string {
  const when = formatMoment(w.since);
  switch (w.state) {
    case "running":
      return t("environments.workspace.mine.running", { when });
    case "starting": {
      const step: Step = known(sv.environments.workspace.steps, w.step) ? (w.step as Step) : "asked";
      return t("environments.workspace.mine.starting", { step: t(`environments.workspace.steps.${step}`) });
    }
    case "idle-stopped":
      return t("environments.workspace.mine.idleStopped", { when });
    case "failed":
      return t("environments.workspace.mine.failed", { why: failureWords(w.reason, t) });
    default:
      if (w.reason === "environment-suspended") return t("environments.workspace.mine.suspended");
      if (w.reason && w.since) return t("environments.workspace.mine.stoppedByOperator", { when, reason: w.reason });
      return t("environments.workspace.mine.stopped");
  }
}
