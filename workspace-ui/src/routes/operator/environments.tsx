import { useTranslation } from "react-i18next";
import { EnvironmentsPage } from "../../features/environments/environments-page";
import { OperatorPage } from "./operator-page";

export default function Environments() {
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("environments.page.title")}>
      <EnvironmentsPage />
    </OperatorPage>
  );
}
