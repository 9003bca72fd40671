import type { AppRouter } from "@spe/orchestrator/api";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferOutput, TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { EnvironmentDatasets } from "./environment-datasets";
import { formatDate } from "../../lib/format";
import { describeState } from "./environment-state";
import { StateBadge } from "./state-badge";
import { EndedEnvironments } from "./ended-environments";
import { errorWords } from "../../lib/api-errors";
import { ToolPicker } from "./tool-picker";
import { MyEnvironmentCost } from "./environment-cost";
import { MyWorkspace } from "./my-workspace";

/**
 * A researcher's environments: only those whose permit names them. The server sends the list again when it
 * changes (SSE); it is fetched when the stream (re)connects, and every ten seconds while the stream is not
 * up (connecting, reconnecting or failed: tRPC reports a dropped stream as "connecting", not "error").
 */
export function MyEnvironments() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mineKey = trpc.environments.mine.queryKey();
  const updates = useSubscription(
    trpc.environments.mineUpdates.subscriptionOptions(undefined, {
      onStarted: () => void queryClient.invalidateQueries({ queryKey: mineKey }),
      // A refetch started on (re)connect must not land after this newer list and overwrite it.
      onData: async (list) => {
        await queryClient.cancelQueries({ queryKey: mineKey });
        queryClient.setQueryData(mineKey, list);
      },
    }),
  );
  const mine = useQuery({
    ...trpc.environments.mine.queryOptions(),
    staleTime: Infinity,
    refetchInterval: updates.status === "pending" ? false : 10_000,
  });
  if (mine.isPending) return <p aria-busy="true">{t("environments.mine.loading")}</p>;
  if (mine.isError) return <p role="alert">{t("environments.failed", { message: errorWords(mine.error, t) })}</p>;
  if (mine.data.length === 0) return <p>{t("environments.mine.none")}</p>;
  // Ended environments go below the running ones: what someone can still work in comes first.
  const running = mine.data.filter((e) => e.desiredState !== "torn-down");
  const ended = mine.data.filter((e) => e.desiredState === "torn-down");
  return (
    <>
      {running.length === 0 ? (
        <p>{t("environments.mine.noneActive")}</p>
      ) : (
        <RunningEnvironments environments={running} />
      )}
      {ended.length > 0 && <EndedEnvironments environments={ended} />}
    </>
  );
}

type MyEnvironment = inferOutput<TRPCOptionsProxy<AppRouter>["environments"]["mine"]>[number];

/** The environments someone can work in, or soon can: state, permit, datasets and the ways in. */
function RunningEnvironments({ environments }: { environments: MyEnvironment[] }) {
  const { t } = useTranslation();
  return (
    <ul className="environment-list">
      {environments.map((e) => (
        <li key={e.namespace} className="environment">
          <div className="environment-head">
            <strong>
              <bdi>{e.purpose ?? e.permitId}</bdi>
            </strong>{" "}
            <StateBadge environment={e} audience="researcher" />
          </div>
          <p className="muted">{describeState(e, t, "researcher").detail}</p>
          <dl className="facts">
            <dt>{t("environments.permit")}</dt>
            <dd>
              <bdi>{e.permitId}</bdi>
            </dd>
            <dt>{t("environments.validUntil")}</dt>
            <dd>{formatDate(e.validUntil)}</dd>
            <dt>{t("environments.mine.datasets")}</dt>
            <dd>
              <EnvironmentDatasets datasets={e.datasets} />
            </dd>
          </dl>
          {e.desiredState === "active" && <ToolPicker environment={e} />}
          <MyEnvironmentCost namespace={e.namespace} />
          {e.desiredState === "active" && <MyWorkspace namespace={e.namespace} />}
          {e.desiredState === "active" && (
            <p className="environment-links">
              {/* Through the gateway: a full page load, not a route of this app. */}
              <a
                href={`/workspaces/${e.namespace}/`}
                aria-label={t("environments.mine.openWorkspaceFor", { name: e.purpose ?? e.permitId })}
              >
                {t("environments.mine.openWorkspace")}
              </a>{" "}
              <Link
                to={`/environments/${e.namespace}/outbox`}
                aria-label={t("environments.mine.outboxFor", { name: e.purpose ?? e.permitId })}
              >
                {t("environments.mine.outbox")}
              </Link>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
