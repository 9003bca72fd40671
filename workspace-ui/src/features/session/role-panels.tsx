import { AuditLog } from "../audit/audit-log";
import { EnvironmentsTable } from "../environments/environments-table";
import { MyEnvironments } from "../environments/my-environments";
import { ExportsSummary } from "../exports/exports-summary";
import { ReviewQueue } from "../reviews/review-queue";
import { SystemStatus } from "../system/system-status";

/** One panel per role the person has; later issues fill each with that role's work. */
export function RolePanels({ roles }: { roles: string[] }) {
  return (
    <div className="panels">
      {roles.includes("researcher") && (
        <section className="card" aria-labelledby="researcher-h">
          <h2 id="researcher-h">Mina miljöer</h2>
          <MyEnvironments />
          <ExportsSummary />
        </section>
      )}
      {roles.includes("operator") && (
        <section className="card" aria-labelledby="operator-h">
          <h2 id="operator-h">Drift</h2>
          <SystemStatus />
          <h3>Miljöer</h3>
          <EnvironmentsTable />
        </section>
      )}
      {roles.includes("output-checker") && (
        <section className="card" aria-labelledby="checker-h">
          <h2 id="checker-h">Granskningskö</h2>
          <ReviewQueue />
        </section>
      )}
      {roles.includes("auditor") && (
        <section className="card" aria-labelledby="auditor-h">
          <h2 id="auditor-h">Granskningslogg</h2>
          <AuditLog />
        </section>
      )}
    </div>
  );
}
