import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { useReturnFocus } from "../../lib/use-return-focus";
import { ReasonField, reasonGiven } from "./reason-field";

/** Tearing down deletes a researcher's work: the operator says why and types the namespace to confirm. */
export function TeardownDialog({ namespace, onClose }: { namespace: string; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const teardown = useMutation(trpc.environments.teardown.mutationOptions({ onSuccess: () => onClose(true) }));
  useReturnFocus();
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={() => onClose(false)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("environments.teardownDialog.title")}</h2>
      <p>
        <Trans i18nKey="environments.teardownDialog.body" values={{ namespace }} components={{ code: <code /> }} />
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          teardown.mutate({ namespace, confirm: typed, reason });
        }}
      >
        <ReasonField value={reason} onChange={setReason} />
        <label>
          {t("environments.teardownDialog.name")}
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        {teardown.error && <ApiError error={teardown.error} />}
        <div className="actions">
          <button type="button" onClick={() => onClose(false)}>
            {t("app.cancel")}
          </button>
          <button
            type="submit"
            className="danger"
            disabled={typed !== namespace || !reasonGiven(reason) || teardown.isPending}
          >
            {t("environments.teardownDialog.confirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
