import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { useReturnFocus } from "../../lib/use-return-focus";
import { ReasonField, reasonGiven } from "./reason-field";

/** Pausing stops workspaces: the operator says why (it goes into the audit log) and confirms. One or many. */
export function SuspendDialog({ namespaces, onClose }: { namespaces: string[]; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const suspend = useMutation(trpc.environments.suspendMany.mutationOptions({ onSuccess: () => onClose(true) }));
  useReturnFocus();
  useEffect(() => dialog.current?.showModal(), []);
  const one = namespaces.length === 1;
  return (
    <dialog ref={dialog} onClose={() => onClose(false)} aria-labelledby={`${id}-h`} aria-describedby={`${id}-d`}>
      <h2 id={`${id}-h`}>
        {one
          ? t("environments.suspendDialog.title")
          : t("environments.suspendDialog.titleMany", { count: namespaces.length })}
      </h2>
      <p id={`${id}-d`}>
        {one ? (
          <Trans
            i18nKey="environments.suspendDialog.body"
            values={{ namespace: namespaces[0] }}
            components={{ code: <code /> }}
          />
        ) : (
          t("environments.suspendDialog.bodyMany", { count: namespaces.length })
        )}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          suspend.mutate({ namespaces, reason });
        }}
      >
        <ReasonField value={reason} onChange={setReason} />
        {suspend.error && <ApiError error={suspend.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => onClose(false)}>
            {t("app.cancel")}
          </button>
          <button type="submit" disabled={!reasonGiven(reason) || suspend.isPending}>
            {one
              ? t("environments.suspendDialog.confirm")
              : t("environments.suspendDialog.confirmMany", { count: namespaces.length })}
          </button>
        </div>
      </form>
    </dialog>
  );
}
