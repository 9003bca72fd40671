import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";

/** On the start page: the way to my export requests, and how many wait for me to act. */
export function ExportsSummary() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const list = useQuery(trpc.exports.list.queryOptions());
  const waiting = list.data?.filter((r) => r.state === "changes_requested" || r.state === "draft").length ?? 0;
  const released = list.data?.filter((r) => r.state === "released").length ?? 0;
  return (
    <p>
      <Link to="/exports">{t("exports.mine")}</Link>
      {list.data && list.data.length > 0 && (
        <span className="muted">
          {" "}
          · {t("exports.summary.total", { count: list.data.length })}
          {released > 0 && t("exports.summary.released", { count: released })}
        </span>
      )}
      {waiting > 0 && (
        <>
          {" "}
          <strong className="state state-paused">{t("exports.summary.waiting", { count: waiting })}</strong>
        </>
      )}
    </p>
  );
}
