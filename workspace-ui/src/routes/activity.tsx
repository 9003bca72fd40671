import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ActivityTimeline } from "../features/audit/activity/activity-timeline";

/** Auditors: what each person did inside one environment's workspaces, as the gateway recorded it. */
export default function Activity() {
  const { namespace = "" } = useParams();
  const { t } = useTranslation();
  return (
    <article>
      <h1>{t("audit.activity.title")}</h1>
      <p>
        <code>{namespace}</code> · <Link to={`/evidence/${namespace}`}>{t("audit.activity.evidence")}</Link>
      </p>
      <ActivityTimeline namespace={namespace} />
    </article>
  );
}
