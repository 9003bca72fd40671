import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { errorWords } from "../../lib/api-errors";
import { fieldIssues } from "./field-issues";

/**
 * An operator receives a signed permit that came as a file or in a message: pasted or picked, checked by
 * the same intake as the HDAB's push. A refusal lists each bad field of the permit on its own line.
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
          queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() }),
        ]),
    }),
  );
  const issues = fieldIssues(upload.error);
  // After a refusal, keyboard and screen reader users land on what went wrong, not on the button.
  useEffect(() => {
    if (upload.isError) summary.current?.focus();
  }, [upload.isError, upload.failureCount, upload.error]);

  const readFile = async (file: File | undefined) => {
    if (file) setJws((await file.text()).trim());
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setEmpty(jws.trim() === "");
        if (jws.trim()) upload.mutate({ jws: jws.trim() });
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
          onChange={(e) => setJws(e.target.value)}
          aria-invalid={empty || upload.isError}
          aria-describedby={`${id}-hint ${id}-error`}
        />
        <span id={`${id}-error`} className="field-error">
          {empty ? t("permits.upload.empty") : ""}
        </span>
      </div>
      {upload.isError && (
        <div ref={summary} tabIndex={-1}>
          {issues.length === 0 ? (
            <ApiError error={upload.error} lead={t("permits.upload.refused")} />
          ) : (
            <div role="alert" className="alert">
              <strong>{t("permits.upload.refused")}</strong> {errorWords(upload.error, t)}
              <table className="table field-errors">
                <caption>{t("permits.upload.fieldsTitle", { count: issues.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("permits.upload.field")}</th>
                    <th scope="col">{t("permits.upload.problem")}</th>
                  </tr>
                </thead>
                <tbody>
                  {issues.map((issue) => (
                    <tr key={`${issue.path}:${issue.message}`}>
                      <th scope="row">
                        <code>{issue.path}</code>
                      </th>
                      <td lang="en">{issue.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>{t("permits.upload.fixBy")}</p>
            </div>
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
      <button type="submit" disabled={upload.isPending}>
        {upload.isPending ? t("permits.upload.sending") : t("permits.upload.submit")}
      </button>
    </form>
  );
}
