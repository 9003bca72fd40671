import { useTranslation } from "react-i18next";
import { describeState, type EnvironmentState } from "./environment-state";

export function StateBadge({
  environment,
  audience,
}: {
  environment: EnvironmentState;
  audience?: "operator" | "researcher";
}) {
  const { t } = useTranslation();
  const state = describeState(environment, t, audience);
  return (
    <span className={`state state-${state.tone}`} title={state.detail}>
      {state.label}
    </span>
  );
}
