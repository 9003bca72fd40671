import { useTranslation } from "react-i18next";
import type { CheckerRequest } from "../../lib/api-types";
import { formatCount } from "../../lib/format";

type Rules = CheckerRequest["rules"];

const percent = (share: number) => formatCount(Math.round(share * 1000) / 10);

/** The permit's rule profile in words: the thresholds the automated checks applied, for the checker to apply too. */
export function ProfileRules({ rules }: { rules: Rules }) {
  const { t } = useTranslation();
  const { frequency, magnitude, regression } = rules;
  const list = (items: readonly string[]) => items.map((i) => `“${i}”`).join(", ");
  return (
    <section aria-labelledby="profile-rules">
      <h2 id="profile-rules">{t("reviews.rules.heading", { profile: rules.name })}</h2>
      <ul className="profile-rules">
        <li>{t("reviews.rules.threshold", { count: frequency.threshold })}</li>
        <li>{t(frequency.zerosDisclosive ? "reviews.rules.zerosFail" : "reviews.rules.zerosPass")}</li>
        {frequency.roundingBase !== null && <li>{t("reviews.rules.rounding", { base: frequency.roundingBase })}</li>}
        {frequency.redactedMarkers.length > 0 && (
          <li>{t("reviews.rules.redacted", { markers: list(frequency.redactedMarkers) })}</li>
        )}
        {frequency.totalLabels.length > 0 && (
          <li>{t("reviews.rules.totals", { labels: list(frequency.totalLabels) })}</li>
        )}
        <li>
          {t("reviews.rules.magnitude", {
            threshold: magnitude.threshold,
            n: magnitude.nkDominance.n,
            k: percent(magnitude.nkDominance.k),
            p: percent(magnitude.pRatio),
          })}
        </li>
        <li>{t("reviews.rules.regression", { df: formatCount(regression.minResidualDf) })}</li>
      </ul>
    </section>
  );
}
