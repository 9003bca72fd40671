import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { NewExportRequest } from "../../features/exports/new-export-request";
import { RequireRole } from "../../features/session/require-role";

/** An environment's outbox and a new export request from it. */
export default function Outbox() {
  const { t } = useTranslation();
  const { namespace = "" } = useParams();
  return (
    <RequireRole role="researcher">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("home.researcher")}</Link> › <Link to="/exports">{t("exports.mine")}</Link>
      </nav>
      <h1>{t("exports.newTitle")}</h1>
      <EnvironmentLine namespace={namespace} />
      <NewExportRequest namespace={namespace} />
    </RequireRole>
  );
}

function EnvironmentLine({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const mine = useQuery(trpc.environments.mine.queryOptions());
  const environment = mine.data?.find((e) => e.namespace === namespace);
  return (
    <p className="muted">
      {t("exports.fromOutbox")}{" "}
      {environment?.purpose ? (
        <strong>
          <bdi>{environment.purpose}</bdi>
        </strong>
      ) : null}{" "}
      <code>{namespace}</code>
      {environment && t("exports.permitNote", { permitId: environment.permitId })}
      {t("exports.copiedNote")}
    </p>
  );
}
