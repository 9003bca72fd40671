import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";

export function SystemStatus() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  if (status.isPending) return <p aria-busy="true">{t("system.loading")}</p>;
  if (status.isError) return <p role="alert">{t("system.failed", { message: status.error.message })}</p>;
  return (
    <dl className="facts">
      <dt>{t("system.kubernetes")}</dt>
      <dd>
        {status.data.kubernetes.version} · <code>{status.data.kubernetes.server}</code>
      </dd>
      <dt>{t("system.database")}</dt>
      <dd>{status.data.database.kind === "pglite" ? t("system.pglite") : t("system.postgres")}</dd>
    </dl>
  );
}
