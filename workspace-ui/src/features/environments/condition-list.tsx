import { useTranslation } from "react-i18next";
import { Words } from "../../lib/said";
import { conditionName, conditionSaid } from "./condition-words";
import type { EnvironmentSummary } from "./environment-state";
const SYMBOL: Record<string, string> = { True: "✓", False: "✗", Unknown: "?" };

/** Each condition the reconciler reported, in words and by symbol (never colour alone); the reason's sentence when it is not met. */
export function ConditionList({ conditions }: { conditions: EnvironmentSummary["conditions"] }) {
  const { t } = useTranslation();
  if (conditions.length === 0) return null;
  return (
    <ul className="conditions">
      {conditions.map((c) => (
        <li key={c.type}>
          <span aria-hidden="true">{SYMBOL[c.status] ?? "?"}</span>
          <span>
            {conditionName(c.type, t)}
            <span className="visually-hidden">
              :{" "}
              {c.status === "True" || c.status === "False" || c.status === "Unknown"
                ? t(`environmentState.conditionStatus.${c.status}`)
                : c.status}
            </span>
            {c.status !== "True" && c.message && (
              <>
                {" — "}
                <Words said={conditionSaid(c, conditions, t)} className="muted" />
              </>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
