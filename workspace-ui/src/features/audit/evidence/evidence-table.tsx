import type { ReactNode } from "react";

/**
 * A table of evidence: a caption, column headings and one row per item, or a sentence saying there is
 * none (an empty table proves nothing to a reader).
 */
export function EvidenceTable<T>({
  caption,
  columns,
  rows,
  empty,
  row,
}: {
  caption: string;
  columns: string[];
  rows: readonly T[];
  empty: string;
  row: (item: T) => ReactNode[];
}) {
  if (rows.length === 0)
    return (
      <p>
        <strong>{caption}:</strong> {empty}
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="table evidence">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((item, i) => (
            <tr key={i}>
              {row(item).map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A SHA-256 as evidence: whole, in a monospace font, breakable so that a printed page holds it. */
export const Hash = ({ value }: { value: string | null | undefined }) =>
  value ? <code className="hash">{value}</code> : <>–</>;
