import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { formatAge } from "../../lib/format";
import { environmentsByDay } from "../../features/charts/environment-series";
import { median, turnaroundBuckets, turnaroundHours } from "../../features/charts/review-turnaround";
import { useTRPC } from "../../lib/trpc";
import { OperatorPage } from "./operator-page";

// The charting library is the largest thing the UI uses: it loads only when a chart is drawn.
const EnvironmentsChart = lazy(() => import("../../features/charts/environments-chart"));
const TurnaroundChart = lazy(() => import("../../features/charts/turnaround-chart"));

const DAYS = 30;

export default function Statistics() {
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("charts.title")}>
      <div className="charts">
        <EnvironmentsByState />
        <ReviewTurnaround />
      </div>
    </OperatorPage>
  );
}

function EnvironmentsByState() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const transitions = useQuery(trpc.statistics.environmentTransitions.queryOptions());
  const days = useMemo(
    () => (transitions.data ? environmentsByDay(transitions.data, { days: DAYS, now: new Date() }) : []),
    [transitions.data],
  );
  return (
    <section className="card" aria-labelledby="env-chart-h">
      <h2 id="env-chart-h">{t("charts.environmentsTitle", { days: DAYS })}</h2>
      <p className="muted">{t("charts.environmentsSource")}</p>
      {transitions.isPending && <p aria-busy="true">{t("charts.loading")}</p>}
      {transitions.isError && <ApiError error={transitions.error} lead={t("charts.failed")} />}
      {transitions.data?.length === 0 && <p>{t("charts.environmentsNone")}</p>}
      {transitions.data && transitions.data.length > 0 && (
        <>
          <Suspense fallback={<p aria-busy="true">{t("charts.drawing")}</p>}>
            <EnvironmentsChart days={days} />
          </Suspense>
          <details>
            <summary>{t("charts.showTable")}</summary>
            <table className="table data">
              <caption className="visually-hidden">{t("charts.environmentsTitle", { days: DAYS })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("charts.day")}</th>
                  <th scope="col" className="num">
                    {t("charts.states.active")}
                  </th>
                  <th scope="col" className="num">
                    {t("charts.states.suspended")}
                  </th>
                  <th scope="col" className="num">
                    {t("charts.states.tornDown")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td className="num">{d.active}</td>
                    <td className="num">{d.suspended}</td>
                    <td className="num">{d.tornDown}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function ReviewTurnaround() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const requests = useQuery(trpc.statistics.reviewTurnaround.queryOptions());
  const hours = useMemo(() => turnaroundHours(requests.data ?? []), [requests.data]);
  const buckets = turnaroundBuckets(hours);
  const middle = median(hours);
  return (
    <section className="card" aria-labelledby="turnaround-h">
      <h2 id="turnaround-h">{t("charts.turnaroundTitle")}</h2>
      {requests.isPending && <p aria-busy="true">{t("charts.loading")}</p>}
      {requests.isError && <ApiError error={requests.error} lead={t("charts.failed")} />}
      {requests.data && middle === undefined && <p>{t("charts.turnaroundNone")}</p>}
      {middle !== undefined && (
        <>
          <p className="muted">{t("charts.turnaroundSource", { count: hours.length, median: formatAge(middle, t) })}</p>
          <Suspense fallback={<p aria-busy="true">{t("charts.drawing")}</p>}>
            <TurnaroundChart buckets={buckets} />
          </Suspense>
          <details>
            <summary>{t("charts.showTable")}</summary>
            <table className="table data">
              <caption className="visually-hidden">{t("charts.turnaroundTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("charts.bucket")}</th>
                  <th scope="col" className="num">
                    {t("charts.requests")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {buckets.map((b) => (
                  <tr key={b.key}>
                    <th scope="row">{t(`charts.buckets.${b.key}`)}</th>
                    <td className="num">{b.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
