import { useTranslation } from "react-i18next";
import type { OutboxFile } from "../../lib/api-types";

/** Folders of the outbox that hold an ACRO output (a `results.json` written by `acro.finalise`). */
export function acroFoldersOf(files: readonly OutboxFile[]): string[] {
  return files
    .filter((f) => f.path.endsWith("/results.json"))
    .map((f) => f.path.slice(0, -"/results.json".length))
    .sort();
}

/** Whether a file lies in one of these folders: such files go as their folder, not one by one. */
export const inFolders = (path: string, folders: readonly string[]) => folders.some((d) => path.startsWith(`${d}/`));

/**
 * The outbox's ACRO output folders, each to be picked as a whole: its outputs become the request's files,
 * verified against ACRO's checksums when submitted, and ACRO's own files stay behind.
 */
export function AcroFolderPicker({
  files,
  folders,
  picked,
  onPick,
}: {
  files: readonly OutboxFile[];
  folders: readonly string[];
  picked: (folder: string) => boolean;
  onPick: (folder: string, on: boolean) => void;
}) {
  const { t } = useTranslation();
  if (folders.length === 0) return null;
  return (
    <fieldset className="acro-folders">
      <legend>{t("exports.acro.legend")}</legend>
      <p className="muted small">{t("exports.acro.hint")}</p>
      {folders.map((folder) => (
        <label key={folder} className="pick">
          <input type="checkbox" checked={picked(folder)} onChange={(e) => onPick(folder, e.target.checked)} />
          <code>{folder}</code>{" "}
          <span className="muted small">
            {t("exports.acro.files", { count: files.filter((f) => inFolders(f.path, [folder])).length })}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** A picked ACRO folder in the form's check step: it is verified as a whole on submission. */
export function AcroFolderCard({ folder }: { folder: string }) {
  const { t } = useTranslation();
  return (
    <section className="file-card" aria-label={t("exports.precheck.of", { path: folder })}>
      <h3>
        <code>{folder}</code>
      </h3>
      <p className="muted">{t("airlock.fileType.acro")}</p>
      <p>{t("exports.acro.onSubmit")}</p>
    </section>
  );
}
