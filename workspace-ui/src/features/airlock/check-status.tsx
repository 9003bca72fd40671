import type { CheckStatus } from "./airlock-api";
import { CHECK_STATUS_WORDS } from "./airlock-words";

const TONE: Record<CheckStatus, string> = { pass: "ok", review: "paused", fail: "problem" };

/** A check outcome as a symbol and a word, never by colour alone. */
export function CheckStatusBadge({ status, prefix }: { status: CheckStatus; prefix?: string }) {
  const words = CHECK_STATUS_WORDS[status];
  return (
    <span className={`state state-${TONE[status]}`}>
      <span aria-hidden="true">{words.symbol} </span>
      {prefix ? `${prefix}: ${words.label.toLowerCase()}` : words.label}
    </span>
  );
}
