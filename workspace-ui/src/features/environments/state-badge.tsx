import { describeState, type EnvironmentSummary } from "./environment-state";

export function StateBadge({ environment }: { environment: EnvironmentSummary }) {
  const state = describeState(environment);
  return (
    <span className={`state state-${state.tone}`} title={state.detail}>
      {state.label}
    </span>
  );
}
