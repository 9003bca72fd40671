import { useId } from "react";
import type { OutboxFile, OutputFileType } from "../airlock/airlock-api";
import { FILE_TYPE_WORDS } from "../airlock/airlock-words";
import { formatBytes, formatDateTime } from "../airlock/format";
import { typesFor } from "./file-types";

export type Picked = ReadonlyMap<string, OutputFileType>;

/** The outbox's files, each with a box to pick it and, once picked, what the researcher declares it to be. */
export function OutboxPicker({ files, picked, onPick, onType }: { files: OutboxFile[]; picked: Picked; onPick: (path: string, on: boolean) => void; onType: (path: string, type: OutputFileType) => void }) {
  if (files.length === 0) return <p>Utkorgen är tom. Lägg resultaten du vill ta ut i mappen <code>outbox</code> i din arbetsyta.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">Filer i utkorgen</caption>
        <thead>
          <tr>
            <th scope="col">Fil</th>
            <th scope="col">Storlek</th>
            <th scope="col">Ändrad</th>
            <th scope="col">Typ av utdata</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <OutboxRow key={f.path} file={f} type={picked.get(f.path)} onPick={onPick} onType={onType} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OutboxRow({ file, type, onPick, onType }: { file: OutboxFile; type: OutputFileType | undefined; onPick: (path: string, on: boolean) => void; onType: (path: string, type: OutputFileType) => void }) {
  const id = useId();
  const allowed = typesFor(file.path);
  return (
    <tr className={type ? "picked" : undefined}>
      <td>
        <label className="pick">
          <input type="checkbox" checked={type !== undefined} disabled={allowed.length === 0} onChange={(e) => onPick(file.path, e.target.checked)} aria-describedby={allowed.length === 0 ? `${id}-no` : undefined} />
          <code>{file.path}</code>
        </label>
        {allowed.length === 0 && (
          <span id={`${id}-no`} className="muted small">
            {" "}
            Filtypen får inte lämna miljön.
          </span>
        )}
      </td>
      <td>{formatBytes(file.size)}</td>
      <td>{formatDateTime(file.modified)}</td>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-type`}>
          Typ av {file.path}
        </label>
        <select id={`${id}-type`} value={type ?? ""} disabled={type === undefined} onChange={(e) => onType(file.path, e.target.value as OutputFileType)}>
          {type === undefined && <option value="">Välj filen först</option>}
          {allowed.map((t) => (
            <option key={t} value={t}>
              {FILE_TYPE_WORDS[t]}
            </option>
          ))}
        </select>
      </td>
    </tr>
  );
}
