import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { errorWords, fieldProblems, problemWords } from "../../lib/api-errors";
import { fieldLabel } from "../../lib/field-labels";
import { claimedPermitId } from "./claimed-permit-id";
import { PermitPreview } from "./permit-preview";

/**
 * An operator receives a signed permit that came as a file or in a message: pasted or picked, checked by
 * the same intake as the HDAB's push, and shown in words before it is accepted. A refusal lists each bad
 * field of the permit on its own line.
 */
export function PermitUpload() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [jws, setJws] = useState("");
  const [empty, setEmpty] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const upload = useMutation(
    trpc.permits.upload.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.permits.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.environments.list.pathKey() }),
        ]),
    }),
  );
  const preview = useMutation(trpc.permits.preview.mutationOptions());
  const failed = preview.isError ? preview : upload.isError ? upload : undefined;
  const issues = fieldProblems(failed?.error);
  const permitId = claimedPermitId(jws.trim());
  const previewed = useRef<HTMLElement>(null);
  // After a refusal, keyboard and screen reader users land on what went wrong, not on the button; after a
  // preview, on the preview.
  useEffect(() => {
    if (failed) summary.current?.focus();
  }, [failed, failed?.failureCount, failed?.error]);
  useEffect(() => {
    if (preview.isSuccess) previewed.current?.focus();
  }, [preview.isSuccess, preview.data]);

  const change = (text: string) => {
    setJws(text);
    preview.reset();
    upload.reset();
  };
  const readFile = async (file: File | undefined) => {
    if (file) change((await file.text()).trim());
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setEmpty(jws.trim() === "");
        upload.reset();
        if (jws.trim()) preview.mutate({ jws: jws.trim() });
      }}
    >
      <p className="muted">{t("permits.upload.intro")}</p>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t("permits.upload.file")}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".jws,.jwt,.txt,application/jose"
          onChange={(e) => void readFile(e.target.files?.[0])}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-jws`}>{t("permits.upload.paste")}</label>
        <span id={`${id}-hint`} className="muted small">
          {t("permits.upload.pasteHint")}
        </span>
        <textarea
          id={`${id}-jws`}
          rows={5}
          spellCheck={false}
          value={jws}
          onChange={(e) => change(e.target.value)}
          aria-invalid={empty || failed !== undefined}
          aria-describedby={`${id}-hint ${id}-error`}
        />
        <span id={`${id}-error`} className="field-error">
          {empty ? t("permits.upload.empty") : ""}
        </span>
      </div>
      {failed && (
        <div ref={summary} tabIndex={-1} role="alert" className="alert">
          <strong>
            {permitId ? (
              <Trans i18nKey="permits.upload.refusedNamed" values={{ permitId }} components={{ bdi: <bdi /> }} />
            ) : (
              t("permits.upload.refused")
            )}
          </strong>{" "}
          {errorWords(failed.error, t)}
          {issues.length > 0 && (
            <>
              <table className="table field-errors">
                <caption>{t("permits.upload.fieldsTitle", { count: issues.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("permits.upload.field")}</th>
                    <th scope="col">{t("permits.upload.problem")}</th>
                  </tr>
                </thead>
                <tbody>
                  {issues.map((issue, i) => (
                    <tr key={i}>
                      <th scope="row">
                        {fieldLabel(issue.path, t)} <code className="muted small">{issue.path}</code>
                      </th>
                      <td>{problemWords(issue, t)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>{t("permits.upload.fixBy")}</p>
            </>
          )}
        </div>
      )}
      {upload.isSuccess && (
        <p role="status" className="notice">
          {t(`permits.upload.outcomes.${upload.data.outcome}`, {
            permitId: upload.data.permitId,
            namespace: upload.data.namespace,
            sequence: upload.data.sequence,
          })}{" "}
          <Link to="/operator/environments">{t("permits.upload.showEnvironments")}</Link>
        </p>
      )}
      {preview.isSuccess && !upload.isSuccess && (
        <section ref={previewed} tabIndex={-1} className="card" aria-labelledby={`${id}-preview`}>
          <h3 id={`${id}-preview`}>{t("permits.preview.title")}</h3>
          <PermitPreview preview={preview.data} />
          <div className="actions">
            <button type="button" disabled={upload.isPending} onClick={() => upload.mutate({ jws: jws.trim() })}>
              {upload.isPending ? t("permits.upload.sending") : t("permits.upload.submit")}
            </button>
            <button type="button" className="secondary" onClick={() => preview.reset()}>
              {t("app.cancel")}
            </button>
          </div>
        </section>
      )}
      {!preview.isSuccess && (
        <button type="submit" disabled={preview.isPending}>
          {preview.isPending ? t("permits.upload.sending") : t("permits.preview.submit")}
        </button>
      )}
    </form>
  );
}
