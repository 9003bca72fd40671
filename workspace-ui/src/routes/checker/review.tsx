import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ReviewRequest } from "../../features/reviews/review-request";
import { RequireRole } from "../../features/session/require-role";

export default function Review() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  return (
    <RequireRole role="output-checker">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("app.start")}</Link> › <Link to="/reviews">{t("home.checker")}</Link>
      </nav>
      <ReviewRequest id={id} />
    </RequireRole>
  );
}
