import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { MyRequests } from "../../features/exports/my-requests";
import { RequireRole } from "../../features/session/require-role";

export default function MyExports() {
  const { t } = useTranslation();
  return (
    <RequireRole role="researcher">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("home.researcher")}</Link>
      </nav>
      <h1>{t("exports.mine")}</h1>
      <p className="muted">{t("exports.mineIntro")}</p>
      <MyRequests />
    </RequireRole>
  );
}
