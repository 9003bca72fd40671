import { useId } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { OutboxFile, OutputFileType } from "../../lib/api-types";
import { formatBytes, formatMoment } from "../../lib/format";
import { typesFor } from "./file-types";
import { TableScroll } from "../../components/table-scroll";

export type Picked = ReadonlyMap<string, OutputFileType>;

/** The outbox's files, each with a box to pick it and, once picked, what the researcher declares it to be. */
export function OutboxPicker({
  files,
  picked,
  onPick,
  onType,
}: {
  files: OutboxFile[];
  picked: Picked;
  onPick: (path: string, on: boolean) => void;
  onType: (path: string, type: OutputFileType) => void;
}) {
  const { t } = useTranslation();
  if (files.length === 0)
    return (
      <p>
        <Trans i18nKey="exports.outbox.empty" components={{ code: <code /> }} />
      </p>
    );
  return (
    <TableScroll label={t("exports.outbox.caption")}>
      <table className="table">
        <caption className="visually-hidden">{t("exports.outbox.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("exports.outbox.file")}</th>
            <th scope="col">{t("exports.outbox.size")}</th>
            <th scope="col">{t("exports.outbox.modified")}</th>
            <th scope="col">{t("exports.outbox.type")}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <OutboxRow key={f.path} file={f} type={picked.get(f.path)} onPick={onPick} onType={onType} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function OutboxRow({
  file,
  type,
  onPick,
  onType,
}: {
  file: OutboxFile;
  type: OutputFileType | undefined;
  onPick: (path: string, on: boolean) => void;
  onType: (path: string, type: OutputFileType) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const allowed = typesFor(file.path);
  return (
    <tr className={type ? "picked" : undefined}>
      <td>
        <label className="pick">
          <input
            type="checkbox"
            checked={type !== undefined}
            disabled={allowed.length === 0}
            onChange={(e) => onPick(file.path, e.target.checked)}
            aria-describedby={allowed.length === 0 ? `${id}-no` : undefined}
          />
          <code>
            <bdi>{file.path}</bdi>
          </code>
        </label>
        {allowed.length === 0 && (
          <span id={`${id}-no`} className="muted small">
            {" "}
            {t("exports.outbox.notAllowed")}
          </span>
        )}
      </td>
      <td>{formatBytes(file.size)}</td>
      <td>{formatMoment(file.modified)}</td>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-type`}>
          {t("exports.outbox.typeOf", { path: file.path })}
        </label>
        <select
          id={`${id}-type`}
          value={type ?? ""}
          disabled={type === undefined}
          onChange={(e) => {
            const chosen = allowed.find((option) => option === e.target.value);
            if (chosen) onType(file.path, chosen);
          }}
        >
          {type === undefined && <option value="">{t("exports.outbox.pickFirst")}</option>}
          {allowed.map((option) => (
            <option key={option} value={option}>
              {t(`airlock.fileType.${option}`)}
            </option>
          ))}
        </select>
      </td>
    </tr>
  );
}
