import type { FileDecision, RequestState } from "./airlock-api";
import { DECISION_WORDS, REQUEST_STATE_WORDS } from "./airlock-words";

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

const DECISION_TONE: Record<FileDecision, string> = { pending: "working", conflicted: "paused", approved: "ok", changes_requested: "paused", rejected: "problem" };

export function RequestStateBadge({ state }: { state: RequestState }) {
  const words = REQUEST_STATE_WORDS[state];
  return (
    <span className={`state state-${STATE_TONE[state]}`} title={words.detail}>
      {words.label}
    </span>
  );
}

export function DecisionBadge({ decision }: { decision: FileDecision }) {
  return <span className={`state state-${DECISION_TONE[decision]}`}>{DECISION_WORDS[decision]}</span>;
}
