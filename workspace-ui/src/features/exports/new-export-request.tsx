import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useTRPC, useTRPCClient } from "../../lib/trpc";
import type { OutputFileType } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { AcroFolderCard, AcroFolderPicker, acroFoldersOf, inFolders } from "./acro-folders";
import { guessType } from "./file-types";
import { OutboxPicker, type Picked } from "./outbox-picker";
import { declarationInput, TableDeclarationFields, type TableDeclaration } from "./table-declaration";
import { Precheck, precheckQuery } from "./precheck";

const MIN_JUSTIFICATION = 10;

/**
 * A new export request from one environment's outbox: pick files, say what each is, see the automated
 * checks on each before sending, explain why the files may leave, then create and submit in one go.
 */
export function NewExportRequest({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const id = useId();
  const outbox = useQuery(trpc.exports.outbox.queryOptions({ namespace }));
  const [picked, setPicked] = useState<Picked>(new Map());
  const [title, setTitle] = useState("");
  const [justification, setJustification] = useState("");
  const [tried, setTried] = useState(false);
  const [draftId, setDraftId] = useState<string>();
  const [declarations, setDeclarations] = useState<Map<string, TableDeclaration>>(new Map());
  const create = useMutation(trpc.exports.create.mutationOptions());
  const submit = useMutation(trpc.exports.submit.mutationOptions());
  // An ACRO folder is checked as a whole when submitted; only single files are prechecked.
  const checks = useQueries({
    queries: [...picked]
      .filter(([, type]) => type !== "acro")
      .map(([path, type]) => precheckQuery(client, namespace, path, type)),
  });
  const acroFolders = acroFoldersOf(outbox.data ?? []);

  const pick = (path: string, on: boolean) => {
    const next = new Map(picked);
    const type = guessType(path);
    if (on && type) next.set(path, type);
    else next.delete(path);
    choose(next);
  };
  const pickFolder = (folder: string, on: boolean) => {
    const next = new Map(picked);
    if (on) next.set(folder, "acro");
    else next.delete(folder);
    choose(next);
  };
  const declare = (path: string, type: OutputFileType) => choose(new Map(picked).set(path, type));
  // A draft left by a failed submission holds the files picked then; other files need a draft of their own.
  const choose = (next: Picked) => {
    setPicked(next);
    setDraftId(undefined);
  };

  const problems = {
    files: picked.size === 0 ? t("exports.form.pickOne") : undefined,
    title: title.trim() === "" ? t("exports.form.needTitle") : undefined,
    justification:
      justification.trim().length < MIN_JUSTIFICATION
        ? t("exports.form.needJustification", { min: MIN_JUSTIFICATION })
        : undefined,
  };
  const declared = (path: string, type: OutputFileType) =>
    type === "frequency" ? declarationInput(declarations.get(path)) : {};
  const halfDeclared = [...picked].some(([path, type]) => declared(path, type) === undefined);
  const valid = !problems.files && !problems.title && !problems.justification && !halfDeclared;
  const flagged = checks.filter((c) => c.data && c.data.status !== "pass").length;
  const sending = create.isPending || submit.isPending;

  const send = async () => {
    setTried(true);
    if (!valid) return;
    const files = [...picked].map(([path, type]) => ({ path, type, ...declared(path, type) }));
    const draft = draftId ?? (await create.mutateAsync({ namespace, title, justification, files })).id;
    setDraftId(draft);
    await submit.mutateAsync({ id: draft });
    await queryClient.invalidateQueries({ queryKey: trpc.exports.list.queryKey() });
    await navigate(`/exports/${draft}`);
  };

  if (outbox.isPending) return <p aria-busy="true">{t("exports.outbox.reading")}</p>;
  if (outbox.isError) return <ApiError error={outbox.error} lead={t("exports.outbox.failed")} />;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        send().catch(() => undefined); // the mutations' errors are shown below
      }}
    >
      <section aria-labelledby={`${id}-files`}>
        <h2 id={`${id}-files`}>{t("exports.form.step1")}</h2>
        <AcroFolderPicker
          files={outbox.data}
          folders={acroFolders}
          picked={(folder) => picked.has(folder)}
          onPick={pickFolder}
        />
        <OutboxPicker
          files={outbox.data.filter((f) => !inFolders(f.path, acroFolders))}
          picked={picked}
          onPick={pick}
          onType={declare}
        />
        {tried && problems.files && (
          <p className="field-error" role="alert">
            {problems.files}
          </p>
        )}
      </section>

      {picked.size > 0 && (
        <section aria-labelledby={`${id}-checks`}>
          <h2 id={`${id}-checks`}>{t("exports.form.step2")}</h2>
          <p className="muted">{t("exports.form.step2Intro")}</p>
          <div className="file-cards">
            {[...picked].map(([path, type]) => (
              <div key={path}>
                {type === "acro" ? (
                  <AcroFolderCard folder={path} />
                ) : (
                  <Precheck namespace={namespace} path={path} type={type} />
                )}
                {type === "frequency" && (
                  <TableDeclarationFields
                    path={path}
                    value={declarations.get(path)}
                    showError={tried}
                    onChange={(next) => {
                      setDeclarations(new Map(declarations).set(path, next));
                      setDraftId(undefined);
                    }}
                  />
                )}
              </div>
            ))}
          </div>
        </section>
      )}

      <section aria-labelledby={`${id}-why`}>
        <h2 id={`${id}-why`}>{t("exports.form.step3")}</h2>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t("exports.form.title")}</label>
          <input
            id={`${id}-title`}
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={tried && !!problems.title}
            aria-describedby={`${id}-title-error`}
          />
          <span id={`${id}-title-error`} className="field-error">
            {tried && problems.title}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-justification`}>{t("exports.form.justification")}</label>
          <span id={`${id}-justification-hint`} className="muted small">
            {t("exports.form.justificationHint")}
          </span>
          <textarea
            id={`${id}-justification`}
            rows={5}
            maxLength={5000}
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
            aria-invalid={tried && !!problems.justification}
            aria-describedby={`${id}-justification-hint ${id}-justification-error`}
          />
          <span id={`${id}-justification-error`} className="field-error">
            {tried && problems.justification}
          </span>
        </div>
        {flagged > 0 && (
          <p className="notice">
            <span aria-hidden="true">! </span>
            {t("exports.form.flagged", { count: flagged })}
          </p>
        )}
        {create.isError && <ApiError error={create.error} lead={t("exports.form.createFailed")} />}
        {submit.isError && (
          <>
            <ApiError error={submit.error} lead={t("exports.form.submitFailed")} />
            {draftId && (
              <p>
                <Link to={`/exports/${draftId}`}>{t("exports.form.openDraft")}</Link>
              </p>
            )}
          </>
        )}
        <button type="submit" disabled={sending}>
          {sending
            ? t("exports.form.sending")
            : picked.size
              ? t("exports.form.submitFiles", { count: picked.size })
              : t("exports.form.submit")}
        </button>
      </section>
    </form>
  );
}
