import { useTranslation } from "react-i18next";
import { PermitsList } from "../../features/permits/permits-list";
import { PermitUpload } from "../../features/permits/permit-upload";
import { OperatorPage } from "./operator-page";

export default function Permits() {
  const { t } = useTranslation();
  return (
    <OperatorPage title={t("permits.title")}>
      <section className="card" aria-labelledby="permit-upload-h">
        <h2 id="permit-upload-h">{t("permits.upload.title")}</h2>
        <PermitUpload />
      </section>
      <section aria-labelledby="permit-list-h">
        <h2 id="permit-list-h">{t("permits.list.caption")}</h2>
        <PermitsList />
      </section>
    </OperatorPage>
  );
}
