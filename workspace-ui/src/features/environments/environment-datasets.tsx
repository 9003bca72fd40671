import { useTranslation } from "react-i18next";
import { formatCount } from "../../lib/format";

/** A dataset of the permit as the orchestrator reports it (environments.mine): awaited or delivered. */
export interface EnvironmentDataset {
  id: string;
  version: string;
  delivered: {
    rows: number;
    columns: Array<{ name: string; type: string; role: string; pseudonymOf?: string }>;
    stagedAt: string;
  } | null;
}

/** The permit's datasets in an environment: rows once delivered, and each column with its type and role. */
export function EnvironmentDatasets({ datasets }: { datasets: EnvironmentDataset[] }) {
  const { t } = useTranslation();
  return (
    <ul className="dataset-list">
      {datasets.map((d) => (
        <li key={`${d.id}@${d.version}`}>
          <strong>
            {d.id}@{d.version}
          </strong>{" "}
          {d.delivered
            ? t("environments.datasets.rows", { rows: formatCount(d.delivered.rows), count: d.delivered.rows })
            : t("environments.datasets.awaited")}
          {d.delivered && (
            <details>
              <summary>{t("environments.datasets.columns", { count: d.delivered.columns.length })}</summary>
              <table className="table compact">
                <caption className="visually-hidden">{t("environments.datasets.columnsOf", { dataset: d.id })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("environments.datasets.column")}</th>
                    <th scope="col">{t("environments.datasets.type")}</th>
                    <th scope="col">{t("environments.datasets.role")}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.delivered.columns.map((c) => (
                    <tr key={c.name}>
                      <td>
                        <code>{c.name}</code>
                      </td>
                      <td>{c.type}</td>
                      <td>
                        {c.pseudonymOf
                          ? t("environments.datasets.pseudonymOf", { column: c.pseudonymOf })
                          : t(
                              `environments.datasets.roles.${c.role === "quasi-identifier" ? "quasiIdentifier" : c.role === "direct-identifier" ? "directIdentifier" : "attribute"}`,
                            )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
