import { useTranslation } from "react-i18next";
import type { FileDecision, RequestState } from "../lib/api-types";

const STATE_TONE: Record<RequestState, string> = {
  draft: "working",
  submitted: "working",
  in_review: "working",
  approved: "ok",
  changes_requested: "paused",
  rejected: "problem",
  released: "ok",
  withdrawn: "gone",
};

const DECISION_TONE: Record<FileDecision, string> = {
  pending: "working",
  conflicted: "paused",
  approved: "ok",
  changes_requested: "paused",
  rejected: "problem",
};

export function RequestStateBadge({ state }: { state: RequestState }) {
  const { t } = useTranslation();
  return (
    <span className={`state state-${STATE_TONE[state]}`} title={t(`airlock.requestState.${state}.detail`)}>
      {t(`airlock.requestState.${state}.label`)}
    </span>
  );
}

export function DecisionBadge({ decision }: { decision: FileDecision }) {
  const { t } = useTranslation();
  return <span className={`state state-${DECISION_TONE[decision]}`}>{t(`airlock.decision.${decision}`)}</span>;
}
