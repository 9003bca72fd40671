import { useTranslation } from "react-i18next";
import { AllowlistForm } from "../../features/packages/allowlist-form";
import { OperatorPage } from "./operator-page";

export default function Packages() {
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("packages.title")}>
      <p className="muted">{t("packages.intro")}</p>
      <AllowlistForm />
    </OperatorPage>
  );
}
