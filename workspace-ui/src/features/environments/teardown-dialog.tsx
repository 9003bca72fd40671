import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "../../lib/trpc";

/** Tearing down deletes a researcher's work: the operator types the namespace to confirm. */
export function TeardownDialog({ namespace, onClose }: { namespace: string; onClose: () => void }) {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const teardown = useMutation(trpc.environments.teardown.mutationOptions({ onSuccess: onClose }));
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="teardown-h">
      <h2 id="teardown-h">Avveckla miljön?</h2>
      <p>
        Allt i <code>{namespace}</code> raderas och kan inte återställas. Skriv miljöns namn för att bekräfta.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          teardown.mutate({ namespace, confirm: typed });
        }}
      >
        <label>
          Miljöns namn
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        {teardown.error && <p role="alert">{teardown.error.message}</p>}
        <div className="actions">
          <button type="button" onClick={onClose}>Avbryt</button>
          <button type="submit" className="danger" disabled={typed !== namespace || teardown.isPending}>
            Avveckla
          </button>
        </div>
      </form>
    </dialog>
  );
}
