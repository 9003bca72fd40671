import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../lib/trpc";
import { SuspendDialog } from "./suspend-dialog";
import { TeardownDialog } from "./teardown-dialog";

type Dialog = { kind: "suspend"; namespaces: string[] } | { kind: "teardown"; namespace: string };

/**
 * The lifecycle actions with their dialogs, for the table, the start page and an environment's page: pausing
 * and tearing down ask for a reason first; resuming does not. What was shown is fetched again afterwards.
 */
export function useEnvironmentActions(onDone?: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.environments.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.environments.get.pathKey() });
    onDone?.();
  };
  const resume = useMutation(trpc.environments.resumeMany.mutationOptions({ onSuccess: refresh }));
  const close = (done: boolean) => {
    setDialog(undefined);
    if (done) refresh();
  };
  return {
    suspend: (namespaces: string[]) => setDialog({ kind: "suspend", namespaces }),
    teardown: (namespace: string) => setDialog({ kind: "teardown", namespace }),
    resume: (namespaces: string[]) => resume.mutate({ namespaces }),
    resuming: resume.isPending,
    error: resume.error,
    dialogs: (
      <>
        {dialog?.kind === "suspend" && <SuspendDialog namespaces={dialog.namespaces} onClose={close} />}
        {dialog?.kind === "teardown" && <TeardownDialog namespace={dialog.namespace} onClose={close} />}
      </>
    ),
  };
}
