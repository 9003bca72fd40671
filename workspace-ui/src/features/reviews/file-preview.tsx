import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CheckerFile } from "../../lib/api-types";
import { extensionOf } from "../../lib/format";
import type { SdcCell } from "../../lib/sdc/sdc-report";
import { CsvPreview } from "./csv-preview";

/** SVG no longer leaves (output-file-type.ts), but requests from before may still hold one. */
const IMAGES = new Set(["png", "jpg", "jpeg", "svg"]);

/** Where a checker's browser reads one quarantined file version (inert: no scripts, audited on each read). */
export const previewUrl = (requestId: string, file: Pick<CheckerFile, "path" | "version">) =>
  `/reviews/${requestId}/file?path=${encodeURIComponent(file.path)}&version=${file.version}`;

/** The file as it was submitted: a CSV as a table with the flagged cells marked, an image inline, anything else as text. */
export function FilePreview({
  requestId,
  file,
  cells,
}: {
  requestId: string;
  file: CheckerFile;
  cells: readonly SdcCell[];
}) {
  const { t } = useTranslation();
  const url = previewUrl(requestId, file);
  const extension = extensionOf(file.path);
  const image = IMAGES.has(extension);
  const [asText, setAsText] = useState(false);
  // Each read of the file is an audit event: read it once per page, not on every focus.
  const content = useQuery({
    queryKey: ["reviews.file", requestId, file.path, file.version],
    queryFn: async () => {
      const res = await fetch(url, { credentials: "same-origin" });
      // An ended permit's files, and those of a person it no longer names, are no longer shown: say so in
      // words, not as a status number.
      if (res.status === 410) {
        const { error } = (await res.json().catch(() => ({}))) as { error?: string };
        throw new Error(
          error === "EXPORT_REQUESTER_REMOVED"
            ? t("errors.codes.EXPORT_REQUESTER_REMOVED")
            : t("errors.codes.EXPORT_PERMIT_ENDED"),
        );
      }
      if (!res.ok) throw new Error(t("reviews.preview.fetchFailed", { status: res.status }));
      return res.text();
    },
    enabled: !image && file.sha256 !== null,
    staleTime: Infinity,
    retry: false,
  });
  if (file.sha256 === null) return <p className="muted">{t("reviews.preview.notCopied")}</p>;
  if (image) return <img src={url} alt={t("reviews.preview.figure", { file: file.path })} className="preview-image" />;
  if (content.isPending) return <p aria-busy="true">{t("reviews.preview.fetching")}</p>;
  if (content.isError) return <p role="alert">{content.error.message}</p>;
  const csv = extension === "csv";
  return (
    <>
      {csv && (
        <button type="button" className="secondary small" aria-pressed={asText} onClick={() => setAsText(!asText)}>
          {t("reviews.preview.asText")}
        </button>
      )}
      {csv && !asText ? (
        <CsvPreview text={content.data} cells={cells} file={file.path} />
      ) : (
        <pre className="text-preview" tabIndex={0} aria-label={t("reviews.preview.contentOf", { file: file.path })}>
          {content.data}
        </pre>
      )}
    </>
  );
}
