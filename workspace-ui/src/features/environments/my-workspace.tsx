import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { errorWords } from "../../lib/api-errors";
import { useTRPC } from "../../lib/trpc";
import { myWorkspaceSaid, workspaceStateName } from "./workspace-words";

/**
 * The researcher's own workspace in an environment, beside the button that opens it: stopped, starting (how
 * far), running, stopped for idleness or by the operators (when, and their reason), or unable to start (why,
 * in words). Asked again every few seconds while it starts, and every half minute otherwise.
 */
export function MyWorkspace({ namespace }: { namespace: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const workspace = useQuery({
    ...trpc.environments.myWorkspace.queryOptions({ namespace }),
    refetchInterval: (query) => (query.state.data?.state === "starting" ? 2_000 : 30_000),
  });
  if (workspace.isPending) return <p aria-busy="true">{t("environments.workspace.mine.loading")}</p>;
  // The open button works without it: a failure to ask is not worth more than a line.
  if (workspace.isError)
    return <p className="muted">{t("environments.failed", { message: errorWords(workspace.error, t) })}</p>;
  const w = workspace.data;
  return (
    <p className="workspace-state" role="status" data-state={w.state}>
      <strong>
        {t("environments.workspace.mine.label")}: {workspaceStateName(w.state, t)}
      </strong>{" "}
      {myWorkspaceSaid(w, t)}
    </p>
  );
}
