import { useTranslation } from "react-i18next";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { intlLocale } from "../../lib/i18n";
import type { DayCount, EnvironmentCountState } from "./environment-series";

// At least 3:1 against white (WCAG 1.4.11), and told apart by the legend's words, not by colour alone.
const COLOURS: Record<EnvironmentCountState, string> = { active: "#0b5c8a", suspended: "#8a6100", tornDown: "#555d66" };
const STATES: EnvironmentCountState[] = ["active", "suspended", "tornDown"];

/** Environments by state per day, stacked: loaded only on the statistics page (recharts is large). */
export default function EnvironmentsChart({ days }: { days: DayCount[] }) {
  const { t } = useTranslation();
  const dayLabel = (day: string) =>
    new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(day));
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d5dae0" />
          <XAxis dataKey="day" tickFormatter={dayLabel} minTickGap={24} stroke="#555d66" />
          <YAxis allowDecimals={false} stroke="#555d66" />
          <Tooltip labelFormatter={(day) => dayLabel(String(day))} />
          <Legend />
          {STATES.map((s) => (
            <Area
              key={s}
              type="stepAfter"
              dataKey={s}
              name={t(`charts.states.${s}`)}
              stackId="states"
              stroke={COLOURS[s]}
              fill={COLOURS[s]}
              fillOpacity={0.35}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
