import { useTranslation } from "react-i18next";
import { DeliveriesTable } from "../../features/deliveries/deliveries-table";
import { OperatorPage } from "./operator-page";

export default function Deliveries() {
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("deliveries.title")}>
      <p className="muted">{t("deliveries.intro")}</p>
      <DeliveriesTable />
    </OperatorPage>
  );
}
