import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { BucketKey } from "./review-turnaround";

/** How many export requests were decided within each span of time: loaded only on the statistics page. */
export default function TurnaroundChart({ buckets }: { buckets: Array<{ key: BucketKey; count: number }> }) {
  const { t } = useTranslation();
  const data = buckets.map((b) => ({ span: t(`charts.buckets.${b.key}`), count: b.count }));
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d5dae0" />
          <XAxis dataKey="span" stroke="#555d66" />
          <YAxis allowDecimals={false} stroke="#555d66" />
          <Tooltip />
          <Bar dataKey="count" name={t("charts.requests")} fill="#0b5c8a" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
