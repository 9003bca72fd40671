import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../components/api-error";
import { useTRPC } from "../../lib/trpc";
import { EnvironmentRows, type RowAction } from "./environment-rows";
import { searchFromQuery, TONES } from "./table-query";
import { useEnvironmentActions } from "./use-environment-actions";
import { useEnvironmentUpdates } from "./use-environment-updates";

const FIRST = { text: "", sort: "newest", page: 1, size: 25 } as const;

/**
 * Operators' start page: how many environments are in each state (each a link to the table filtered so), and
 * the newest, kept current by the same stream as the table rather than by polling.
 */
export function EnvironmentsTable() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const live = useEnvironmentUpdates();
  const list = useQuery({
    ...trpc.environments.list.queryOptions(FIRST),
    refetchInterval: live === "pending" ? false : 10_000,
  });
  const actions = useEnvironmentActions();

  if (list.isPending) return <p aria-busy="true">{t("environments.loading")}</p>;
  if (list.isError) return <ApiError error={list.error} />;
  const { rows, counts, all } = list.data;
  if (all === 0) return <p>{t("environments.none")}</p>;
  const act = ({ kind, environment }: RowAction) =>
    kind === "suspend"
      ? actions.suspend([environment.namespace])
      : kind === "resume"
        ? actions.resume([environment.namespace])
        : actions.teardown(environment.namespace);
  return (
    <>
      <ul className="tone-counts">
        {TONES.filter((tone) => counts[tone] > 0).map((tone) => (
          <li key={tone}>
            <Link to={`/operator/environments?${searchFromQuery({ ...FIRST, size: 50, tone }).toString()}`}>
              {t(`environments.page.tones.${tone}`)}: {counts[tone]}
            </Link>
          </li>
        ))}
      </ul>
      {actions.error && <ApiError error={actions.error} />}
      <EnvironmentRows rows={rows} onAction={act} busy={actions.resuming} />
      <p>
        <Link to="/operator/environments">{t("environments.allLink")}</Link>
      </p>
      {actions.dialogs}
    </>
  );
}
