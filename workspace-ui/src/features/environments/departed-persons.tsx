import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import type { EnvironmentDetail } from "./environment-sections";
import { ReasonField, reasonGiven } from "./reason-field";

type Departed = EnvironmentDetail["departedPersons"][number];

/**
 * Persons an amendment removed from the permit: their workspace is gone, their home kept until teardown. An
 * operator may delete a home earlier, saying why; nothing shows when no one has left.
 */
export function DepartedPersons({ environment: e }: { environment: EnvironmentDetail }) {
  const { t } = useTranslation();
  const [deleting, setDeleting] = useState<Departed>();
  if (e.departedPersons.length === 0) return null;
  const active = e.desiredState !== "torn-down";
  return (
    <section className="card" aria-labelledby="env-departed-h">
      <h2 id="env-departed-h">{t("environments.departed.title")}</h2>
      <p className="muted">{t("environments.departed.lead")}</p>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">{t("environments.departed.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("environments.detail.person")}</th>
              <th scope="col">{t("environments.departed.home")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("environments.departed.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {e.departedPersons.map((p) => (
              <tr key={p.subject}>
                <th scope="row">
                  {p.name} <code className="muted small">{p.subject}</code>
                </th>
                <td>
                  {p.homeDeletedAt
                    ? t("environments.departed.deleted", { when: formatMoment(p.homeDeletedAt) })
                    : active
                      ? t("environments.departed.kept")
                      : t("environments.departed.tornDown")}
                </td>
                <td>
                  {active && !p.homeDeletedAt && (
                    <button type="button" className="danger small" onClick={() => setDeleting(p)}>
                      {t("environments.departed.delete", { name: p.name })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deleting && (
        <DeleteHomeDialog namespace={e.namespace} person={deleting} onClose={() => setDeleting(undefined)} />
      )}
    </section>
  );
}

/** Deleting a home cannot be undone: the operator says why (it goes into the audit log) and confirms. */
function DeleteHomeDialog({
  namespace,
  person,
  onClose,
}: {
  namespace: string;
  person: Departed;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const remove = useMutation(
    trpc.environments.deleteHome.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.environments.get.queryKey({ namespace }) });
        onClose();
      },
    }),
  );
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby={`${id}-h`} aria-describedby={`${id}-d`}>
      <h2 id={`${id}-h`}>{t("environments.departed.dialogTitle", { name: person.name })}</h2>
      <p id={`${id}-d`}>{t("environments.departed.dialogBody")}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate({ namespace, subject: person.subject, reason });
        }}
      >
        <ReasonField value={reason} onChange={setReason} />
        {remove.error && <ApiError error={remove.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            {t("app.cancel")}
          </button>
          <button type="submit" className="danger" disabled={!reasonGiven(reason) || remove.isPending}>
            {t("environments.departed.confirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
