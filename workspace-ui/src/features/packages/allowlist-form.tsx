import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { errorWords, fieldProblems } from "../../lib/api-errors";
import { useTRPC } from "../../lib/trpc";

/** The lines the server refused, by number and what they hold, from the input's issues. */
const refusedLines = (error: unknown) =>
  fieldProblems(error).flatMap(({ values }) =>
    values && typeof values.line === "number" ? [{ line: values.line, entry: String(values.entry ?? "") }] : [],
  );

/**
 * The package mirror's allowlist as text, one project a line: an operator edits and saves it whole. A list with a
 * bad line is refused with each such line named, and nothing of it is taken.
 */
export function AllowlistForm() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.packages.allowlist.queryOptions());
  const save = useMutation(
    trpc.packages.saveAllowlist.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.packages.allowlist.queryKey() }),
    }),
  );
  const textId = useId();
  const helpId = useId();
  const [text, setText] = useState<string | undefined>(undefined);
  if (list.isPending) return <p aria-busy="true">{t("packages.loading")}</p>;
  if (list.isError) return <ApiError error={list.error} lead={t("packages.failed")} />;
  const shown = text ?? list.data.entries.map((e) => e.name).join("\n");
  const lines = refusedLines(save.error);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ text: shown });
      }}
    >
      <div className="field">
        <label htmlFor={textId}>{t("packages.label")}</label>
        <textarea
          id={textId}
          aria-describedby={helpId}
          rows={16}
          spellCheck={false}
          value={shown}
          onChange={(e) => setText(e.target.value)}
        />
        <p id={helpId} className="small muted">
          {t("packages.help")}
        </p>
      </div>
      <p>
        <button type="submit" disabled={save.isPending}>
          {t("packages.save")}
        </button>
      </p>
      <p role="status" className="small">
        {save.isSuccess
          ? t("packages.saved", { added: save.data.added.length, removed: save.data.removed.length })
          : ""}
      </p>
      {save.isError &&
        (lines.length > 0 ? (
          // Each refused line by its number and what it holds, in our words.
          <div role="alert" className="alert">
            <strong>{t("packages.saveFailed")} </strong>
            {errorWords(save.error, t)}
            <ul aria-label={t("packages.refusedLines")}>
              {lines.map(({ line, entry }) => (
                <li key={line}>
                  <Trans i18nKey="errors.allowlistLine" values={{ line, entry }} components={{ bdi: <bdi /> }} />
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <ApiError error={save.error} lead={t("packages.saveFailed")} />
        ))}
    </form>
  );
}
