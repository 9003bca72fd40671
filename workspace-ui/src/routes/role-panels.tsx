import { useTranslation } from "react-i18next";
import { AuditLog } from "../features/audit/audit-log";
import { EnvironmentsTable } from "../features/environments/environments-table";
import { MyEnvironments } from "../features/environments/my-environments";
import { ExportsSummary } from "../features/exports/exports-summary";
import { UndeliveredNotifications } from "../features/notifications/undelivered-notifications";
import { OperatorNav } from "../features/operator/operator-nav";
import { ReviewQueue } from "../features/reviews/review-queue";
import { SystemStatus } from "../features/system/system-status";

/** One panel per role the person has; later issues fill each with that role's work. */
export function RolePanels({ roles }: { roles: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="panels">
      {roles.includes("researcher") && (
        <section className="card" aria-labelledby="researcher-h">
          <h2 id="researcher-h">{t("home.researcher")}</h2>
          <MyEnvironments />
          <ExportsSummary />
        </section>
      )}
      {roles.includes("operator") && (
        <section className="card" aria-labelledby="operator-h">
          <h2 id="operator-h">{t("home.operator")}</h2>
          <OperatorNav />
          <SystemStatus />
          <UndeliveredNotifications />
          <h3>{t("home.operatorEnvironments")}</h3>
          <EnvironmentsTable />
        </section>
      )}
      {roles.includes("output-checker") && (
        <section className="card" aria-labelledby="checker-h">
          <h2 id="checker-h">{t("home.checker")}</h2>
          <ReviewQueue />
        </section>
      )}
      {roles.includes("auditor") && (
        <section className="card" aria-labelledby="auditor-h">
          <h2 id="auditor-h">{t("home.auditor")}</h2>
          <AuditLog />
        </section>
      )}
    </div>
  );
}
