import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { cellIndex, cellKey, type SdcCell } from "../../lib/sdc/sdc-report";
import { reasonsSaid } from "../../lib/sdc/sdc-words";
import { Words } from "../../lib/said";
import { parseCsv } from "./parse-csv";
import { summariseCsv } from "./csv-summary";
import { CsvSummaryTable } from "./csv-summary-table";

/** Numbers line up on the right, as in a printed table; "1 234,5" and "-3.2" count. */
const NUMBER = /^\s*[-+]?[\d\s]*[.,]?\d+\s*$/;
const alignment = (value: string) => (NUMBER.test(value) ? "num" : undefined);

/** Rows drawn at most at once; the flagged rows are always reachable through the filter. */
const MAX_ROWS = 500;

/** A quarantined CSV as a table, with the cells the checks flagged marked by colour, symbol and words. */
export function CsvPreview({ text, cells, file }: { text: string; cells: readonly SdcCell[]; file: string }) {
  const { t } = useTranslation();
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const table = useMemo(() => parseCsv(text), [text]);
  const summary = useMemo(() => summariseCsv(table), [table]);
  const flagged = useMemo(() => cellIndex(cells), [cells]);
  const flaggedRows = new Set(cells.map((c) => c.row));
  // Data rows are numbered from 1, as in the check report.
  const numbered = table.rows.map((cells, i) => ({ row: i + 1, cells }));
  const shown = (onlyFlagged ? numbered.filter((r) => flaggedRows.has(r.row)) : numbered).slice(0, MAX_ROWS);
  const hidden = (onlyFlagged ? flaggedRows.size : numbered.length) - shown.length;

  return (
    <div className="csv-preview">
      <CsvSummaryTable summary={summary} file={file} />
      {cells.length > 0 && (
        <label className="inline">
          <input type="checkbox" checked={onlyFlagged} onChange={(e) => setOnlyFlagged(e.target.checked)} />{" "}
          {t("reviews.preview.onlyFlagged", { count: flaggedRows.size })}
        </label>
      )}
      {table.damaged && <p className="notice">{t("reviews.preview.damaged")}</p>}
      <div
        className="table-scroll tall"
        tabIndex={0}
        role="region"
        aria-label={t("reviews.preview.contentOf", { file })}
      >
        <table className="table data">
          <caption className="visually-hidden">{t("reviews.preview.caption", { file })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("reviews.preview.row")}</th>
              {table.header.map((h, i) => (
                <th scope="col" key={i}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map(({ row, cells: values }) => (
              <tr key={row}>
                <th scope="row" className="row-number">
                  {row}
                </th>
                {values.map((value, i) => {
                  const flag = flagged.get(cellKey(row, table.header[i] ?? ""));
                  return flag ? (
                    <FlaggedCell key={i} value={value} flag={flag} />
                  ) : (
                    <td key={i} className={alignment(value)}>
                      {value}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hidden > 0 && <p className="muted small">{t("reviews.preview.hidden", { count: hidden })}</p>}
    </div>
  );
}

function FlaggedCell({ value, flag }: { value: string; flag: SdcCell }) {
  const { t } = useTranslation();
  const reasons = reasonsSaid(flag, t);
  return (
    <td className={[`flag-${flag.status}`, alignment(value)].filter(Boolean).join(" ")} title={reasons.text}>
      <span aria-hidden="true" className="flag-symbol">
        {t(`airlock.checkStatus.${flag.status}.symbol`)}{" "}
      </span>
      {value}
      <span className="visually-hidden">
        {" "}
        ({t(`airlock.cellStatus.${flag.status}`)}: <Words said={reasons} />)
      </span>
    </td>
  );
}
