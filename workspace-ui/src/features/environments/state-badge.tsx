import { useTranslation } from "react-i18next";
import { describeState, type EnvironmentSummary } from "./environment-state";

export function StateBadge({ environment }: { environment: EnvironmentSummary }) {
  const { t } = useTranslation();
  const state = describeState(environment, t);
  return (
    <span className={`state state-${state.tone}`} title={state.detail}>
      {state.label}
    </span>
  );
}
