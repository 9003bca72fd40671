import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { EnvironmentPage } from "../../features/environments/environment-page";
import { OperatorPage } from "./operator-page";

export default function Environment() {
  const { namespace = "" } = useParams();
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("environments.detail.title", { namespace })}>
      <p>
        <Link to="/operator/environments">{t("environments.detail.back")}</Link>
      </p>
      <EnvironmentPage namespace={namespace} />
    </OperatorPage>
  );
}
