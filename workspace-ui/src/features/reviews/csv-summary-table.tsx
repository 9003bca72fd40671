import { useTranslation } from "react-i18next";
import { formatCount, formatDecimal } from "../../lib/format";
import type { CsvSummary } from "./csv-summary";

/** Figures a checker would otherwise work out by eye: unrounded counts and small cells among zeros. */
export function CsvSummaryTable({ summary, file }: { summary: CsvSummary; file: string }) {
  const { t } = useTranslation();
  const number = (n: number | null) => (n === null ? "–" : formatDecimal(n));
  return (
    <section className="csv-summary" aria-label={t("reviews.summary.region", { file })}>
      <p>{t("reviews.summary.shape", { rows: formatCount(summary.rows), columns: formatCount(summary.columns) })}</p>
      {summary.numeric.length === 0 ? (
        <p className="muted small">{t("reviews.summary.noNumbers")}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t("reviews.summary.caption", { file })}>
          <table className="table data">
            <caption className="visually-hidden">{t("reviews.summary.caption", { file })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reviews.summary.column")}</th>
                <th scope="col">{t("reviews.summary.numbers")}</th>
                <th scope="col">{t("reviews.summary.min")}</th>
                <th scope="col">{t("reviews.summary.minAboveZero")}</th>
                <th scope="col">{t("reviews.summary.max")}</th>
                <th scope="col">{t("reviews.summary.sum")}</th>
                <th scope="col">{t("reviews.summary.divisibleBy5")}</th>
              </tr>
            </thead>
            <tbody>
              {summary.numeric.map((c, i) => (
                <tr key={i}>
                  <th scope="row">
                    <bdi>{c.column || t("reviews.summary.unnamed", { n: i + 1 })}</bdi>
                  </th>
                  <td className="num">
                    {formatCount(c.numbers)}
                    {c.other > 0 && (
                      <span className="muted small"> {t("reviews.summary.other", { count: c.other })}</span>
                    )}
                  </td>
                  <td className="num">{number(c.min)}</td>
                  <td className="num">{number(c.minAboveZero)}</td>
                  <td className="num">{number(c.max)}</td>
                  <td className="num">{number(c.sum)}</td>
                  <td className="num">
                    {t("reviews.summary.ofNumbers", {
                      count: c.divisibleBy5,
                      divisible: formatCount(c.divisibleBy5),
                      total: formatCount(c.numbers),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
