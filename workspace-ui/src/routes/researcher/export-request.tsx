import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { RequestDetail } from "../../features/exports/request-detail";
import { RequireRole } from "../../features/session/require-role";

export default function ExportRequest() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  return (
    <RequireRole role="researcher">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("home.researcher")}</Link> › <Link to="/exports">{t("exports.mine")}</Link>
      </nav>
      <RequestDetail id={id} />
    </RequireRole>
  );
}
