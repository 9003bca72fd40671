import { Trans, useTranslation } from "react-i18next";
import { checkName } from "../lib/sdc/check-names";
import { CheckStatusBadge } from "./check-status";
import type { SdcReport } from "../lib/sdc/sdc-report";
import { Words } from "../lib/said";
import { checkSaid, reasonsSaid } from "../lib/sdc/sdc-words";
import { TableScroll } from "./table-scroll";

/**
 * The automated disclosure check of one file: the outcome, every check in words, and the cells that did
 * not pass as a table (row, column, why). The server gives a researcher the report without cell values
 * (they see it before anything has left the environment) and an output checker with them (the count below
 * the threshold, the share, the df), so the same words say as much as the reader may know.
 */
export function CheckReport({
  report,
  file,
  headline = true,
}: {
  report: SdcReport | undefined;
  file: string;
  headline?: boolean;
}) {
  const { t } = useTranslation();
  if (!report) return <p className="muted">{t("checks.none")}</p>;
  return (
    <div className="check-report">
      {headline ? (
        <p>
          <CheckStatusBadge status={report.status} prefix={t("checks.automatic")} />{" "}
          <span className="muted">{t("checks.profile", { profile: report.profile })}</span>
        </p>
      ) : (
        <p className="muted">{t("checks.profileHeading", { profile: report.profile })}</p>
      )}
      <ul className="checks">
        {report.checks.map((c) => (
          <li key={c.name} className={`check check-${c.status}`}>
            <span className="check-symbol" aria-hidden="true">
              {t(`airlock.checkStatus.${c.status}.symbol`)}
            </span>
            <span>
              <strong>{checkName(c.name, t)}</strong>{" "}
              <span className="visually-hidden">({t(`airlock.checkStatus.${c.status}.label`)})</span>—{" "}
              <Words said={checkSaid(c, t)} />
            </span>
          </li>
        ))}
      </ul>
      {report.cells.length > 0 && <FlaggedCells cells={report.cells} file={file} />}
    </div>
  );
}

function FlaggedCells({ cells, file }: { cells: SdcReport["cells"]; file: string }) {
  const { t } = useTranslation();
  return (
    <TableScroll label={t("checks.flagged", { file, count: cells.length }).replace(/<\/?bdi>/g, "")}>
      <table className="table flagged-cells">
        <caption>
          <Trans i18nKey="checks.flagged" values={{ file }} count={cells.length} components={{ bdi: <bdi /> }} />
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("checks.row")}</th>
            <th scope="col">{t("checks.column")}</th>
            <th scope="col">{t("checks.assessment")}</th>
            <th scope="col">{t("checks.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {cells.map((c) => (
            <tr key={`${c.row}:${c.column}`} className={`flag-${c.status}`}>
              <td>{c.row === 0 ? t("checks.headerRow") : c.row}</td>
              <td>
                <code>{c.column}</code>
              </td>
              <td>
                <span aria-hidden="true">{t(`airlock.checkStatus.${c.status}.symbol`)} </span>
                {t(`airlock.cellStatus.${c.status}`)}
              </td>
              <td>
                <Words said={reasonsSaid(c, t)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
