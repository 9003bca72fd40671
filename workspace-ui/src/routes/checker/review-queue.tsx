import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ReviewQueue } from "../../features/reviews/review-queue";
import { RequireRole } from "../../features/session/require-role";

export default function ReviewQueuePage() {
  const { t } = useTranslation();
  return (
    <RequireRole role="output-checker">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("app.start")}</Link>
      </nav>
      <h1>{t("home.checker")}</h1>
      <ReviewQueue />
    </RequireRole>
  );
}
