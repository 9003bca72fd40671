import { useTranslation } from "react-i18next";
import { sv } from "../../locales/sv";
import type { EnvironmentSummary } from "./environment-state";

type KnownCondition = keyof typeof sv.environmentState.conditions;
const isKnown = (type: string): type is KnownCondition => type in sv.environmentState.conditions;
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
            {isKnown(c.type) ? t(`environmentState.conditions.${c.type}`) : c.type}
            <span className="visually-hidden">: {c.status === "True" || c.status === "False" || c.status === "Unknown" ? t(`environmentState.conditionStatus.${c.status}`) : c.status}</span>
            {c.status !== "True" && c.message && (
              <>
                {" — "}
                <span className="muted" lang="en">
                  {c.message}
                </span>
              </>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
