import { useId } from "react";
import { useTranslation } from "react-i18next";
import { formatMoment } from "../../lib/format";
import { endingOf, type EndedEnvironment } from "./ending";
import { StateBadge } from "./state-badge";
import type { EnvironmentState } from "./environment-state";

type Ended = EndedEnvironment & EnvironmentState & { namespace: string; permitId: string; purpose: string | null };

/**
 * A researcher's environments that have ended, below the running ones: when and why each ended (the
 * operators' own reason when they ended it), and nothing about data or workspaces, which are gone.
 */
export function EndedEnvironments({ environments }: { environments: Ended[] }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section aria-labelledby={id} className="ended-environments">
      <h3 id={id}>{t("environments.mine.ended")}</h3>
      <ul className="environment-list">
        {environments.map((e) => {
          const ending = endingOf(e)!;
          return (
            <li key={e.namespace} className="environment ended">
              <div className="environment-head">
                <strong>
                  <bdi>{e.purpose ?? e.permitId}</bdi>
                </strong>{" "}
                <StateBadge environment={e} audience="researcher" />
              </div>
              <p>{t(`environments.mine.endedBy.${ending.why}`, { when: formatMoment(ending.at) })}</p>
              {ending.why === "operator" && ending.reason && (
                <p>
                  {t("environments.mine.endedReason")}{" "}
                  <q>
                    <bdi>{ending.reason}</bdi>
                  </q>
                </p>
              )}
              <dl className="facts">
                <dt>{t("environments.permit")}</dt>
                <dd>
                  <bdi>{e.permitId}</bdi>
                </dd>
              </dl>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
