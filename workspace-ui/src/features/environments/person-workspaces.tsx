import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { TableScroll } from "../../components/table-scroll";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { useReturnFocus } from "../../lib/use-return-focus";
import { ReasonField, reasonGiven } from "./reason-field";
import { workspaceStateName } from "./workspace-words";

/** A workspace that is running or trying to: what an operator can stop. */
const STOPPABLE = ["starting", "running", "failed"];

/**
 * Who runs what in an environment, for operators: each person's workspace with its state, since when, when it
 * was last used and why it stopped or cannot start (Kubernetes' own reason, which operators may read), and a
 * stop that asks for a reason. Asked again every ten seconds: it is read from the cluster, not streamed.
 */
export function PersonWorkspaces({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const workspaces = useQuery({
    ...trpc.environments.workspaces.queryOptions({ namespace }),
    refetchInterval: 10_000,
  });
  const [stopping, setStopping] = useState<{ subject: string; name: string }>();
  const title = t("environments.workspace.table.title");
  return (
    <section className="card" aria-labelledby="env-workspaces-h">
      <h2 id="env-workspaces-h">{title}</h2>
      {workspaces.isPending && <p aria-busy="true">{t("environments.workspace.table.loading")}</p>}
      {workspaces.isError && <ApiError error={workspaces.error} />}
      {workspaces.data && (
        <TableScroll label={title}>
          <table className="table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t("environments.detail.person")}</th>
                <th scope="col">{t("environments.workspace.table.state")}</th>
                <th scope="col">{t("environments.workspace.table.since")}</th>
                <th scope="col">{t("environments.workspace.table.lastActivity")}</th>
                <th scope="col">{t("environments.workspace.table.why")}</th>
                <th scope="col">{t("environments.workspace.table.action")}</th>
              </tr>
            </thead>
            <tbody>
              {workspaces.data.map((w) => (
                <tr key={w.subject} data-state={w.state}>
                  <th scope="row">
                    <bdi>{w.name}</bdi> <code className="muted small">{w.subject}</code>
                  </th>
                  <td>{workspaceStateName(w.state, t)}</td>
                  <td>{formatMoment(w.since)}</td>
                  <td>{w.lastActivityAt ? formatMoment(w.lastActivityAt) : t("environments.detail.never")}</td>
                  <td>
                    {w.state === "idle-stopped" ? (
                      t("environments.workspace.table.idle")
                    ) : w.state === "failed" ? (
                      <span lang="en">{[w.reason, w.detail].filter(Boolean).join(": ")}</span>
                    ) : (
                      w.reason && <bdi>{w.reason}</bdi>
                    )}
                  </td>
                  <td>
                    {STOPPABLE.includes(w.state) && (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t("environments.workspace.table.stopFor", { name: w.name })}
                        onClick={() => setStopping({ subject: w.subject, name: w.name })}
                      >
                        {t("environments.workspace.table.stop")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {stopping && (
        <StopWorkspaceDialog namespace={namespace} person={stopping} onClose={() => setStopping(undefined)} />
      )}
    </section>
  );
}

/** Stopping loses what is unsaved in the workspace: the operator says why (the audit log keeps it) and confirms. */
function StopWorkspaceDialog(props: {
  namespace: string;
  person: { subject: string; name: string };
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const stop = useMutation(
    trpc.environments.stopWorkspace.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.environments.workspaces.pathKey() });
        props.onClose();
      },
    }),
  );
  useReturnFocus();
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby={`${id}-h`} aria-describedby={`${id}-d`}>
      <h2 id={`${id}-h`}>{t("environments.workspace.stopDialog.title", { name: props.person.name })}</h2>
      <p id={`${id}-d`}>{t("environments.workspace.stopDialog.body")}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          stop.mutate({ namespace: props.namespace, subject: props.person.subject, reason });
        }}
      >
        <ReasonField value={reason} onChange={setReason} />
        {stop.error && <ApiError error={stop.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={props.onClose}>
            {t("app.cancel")}
          </button>
          <button type="submit" disabled={!reasonGiven(reason) || stop.isPending}>
            {t("environments.workspace.stopDialog.confirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
