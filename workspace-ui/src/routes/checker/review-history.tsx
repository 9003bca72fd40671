import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { MyDecisions } from "../../features/reviews/my-decisions";
import { RequireRole } from "../../features/session/require-role";

export default function ReviewHistoryPage() {
  const { t } = useTranslation();
  return (
    <RequireRole role="output-checker">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("app.start")}</Link> › <Link to="/reviews">{t("home.checker")}</Link>
      </nav>
      <h1>{t("reviews.history.heading")}</h1>
      <MyDecisions />
    </RequireRole>
  );
}
