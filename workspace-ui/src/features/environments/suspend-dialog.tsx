import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";

/** Suspending stops a researcher's running workspace: the operator confirms, and Cancel has the focus. */
export function SuspendDialog({ namespace, onClose }: { namespace: string; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const suspend = useMutation(trpc.environments.suspend.mutationOptions({ onSuccess: onClose }));
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby={`${id}-h`} aria-describedby={`${id}-d`}>
      <h2 id={`${id}-h`}>{t("environments.suspendDialog.title")}</h2>
      <p id={`${id}-d`}>
        <Trans i18nKey="environments.suspendDialog.body" values={{ namespace }} components={{ code: <code /> }} />
      </p>
      {suspend.error && <ApiError error={suspend.error} />}
      <div className="actions">
        <button type="button" className="secondary" autoFocus onClick={onClose}>
          {t("app.cancel")}
        </button>
        <button type="button" disabled={suspend.isPending} onClick={() => suspend.mutate({ namespace })}>
          {t("environments.suspendDialog.confirm")}
        </button>
      </div>
    </dialog>
  );
}
