import { CELL_STATUS_WORDS, CHECK_STATUS_WORDS, checkName } from "./airlock-words";
import { CheckStatusBadge } from "./check-status";
import type { SdcReport } from "./sdc-report";

/**
 * The automated disclosure check of one file: the outcome, every check in words, and the cells that did
 * not pass as a table (row, column, why). No cell values: the researcher sees this before anything has
 * left the environment.
 */
export function CheckReport({ report, file, headline = true }: { report: SdcReport | undefined; file: string; headline?: boolean }) {
  if (!report) return <p className="muted">Ingen automatisk kontroll finns för filen.</p>;
  return (
    <div className="check-report">
      {headline ? (
        <p>
          <CheckStatusBadge status={report.status} prefix="Automatisk kontroll" /> <span className="muted">regelprofil {report.profile}</span>
        </p>
      ) : (
        <p className="muted">Regelprofil {report.profile}</p>
      )}
      <ul className="checks">
        {report.checks.map((c) => (
          <li key={c.name} className={`check check-${c.status}`}>
            <span className="check-symbol" aria-hidden="true">{CHECK_STATUS_WORDS[c.status].symbol}</span>
            <span>
              <strong>{checkName(c.name)}</strong> <span className="visually-hidden">({CHECK_STATUS_WORDS[c.status].label})</span>— <span lang="en">{c.message}</span>
            </span>
          </li>
        ))}
      </ul>
      {report.cells.length > 0 && <FlaggedCells cells={report.cells} file={file} />}
    </div>
  );
}

function FlaggedCells({ cells, file }: { cells: SdcReport["cells"]; file: string }) {
  return (
    <div className="table-scroll">
      <table className="table flagged-cells">
        <caption>
          Flaggade celler i {file} ({cells.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">Rad</th>
            <th scope="col">Kolumn</th>
            <th scope="col">Bedömning</th>
            <th scope="col">Skäl</th>
          </tr>
        </thead>
        <tbody>
          {cells.map((c) => (
            <tr key={`${c.row}:${c.column}`} className={`flag-${c.status}`}>
              <td>{c.row}</td>
              <td>
                <code>{c.column}</code>
              </td>
              <td>
                <span aria-hidden="true">{CHECK_STATUS_WORDS[c.status].symbol} </span>
                {CELL_STATUS_WORDS[c.status]}
              </td>
              <td lang="en">{c.reasons.join("; ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
