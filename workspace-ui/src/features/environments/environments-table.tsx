import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";
import { ApiError } from "../../components/api-error";
import { formatDate } from "../../lib/format";
import { StateBadge } from "./state-badge";
import { TeardownDialog } from "./teardown-dialog";
import { useLiveEnvironments } from "./use-live-environments";

/**
 * Operators' start page: every environment, its state, and what they may do with it at a glance, kept current
 * by the same stream as the environments page rather than by polling.
 */
export function EnvironmentsTable() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { list } = useLiveEnvironments();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
  const suspend = useMutation(trpc.environments.suspend.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.environments.resume.mutationOptions({ onSuccess: refresh }));
  const [tearingDown, setTearingDown] = useState<string | undefined>();

  if (list.isPending) return <p aria-busy="true">{t("environments.loading")}</p>;
  if (list.isError) return <p role="alert">{t("environments.failed", { message: list.error.message })}</p>;
  const environments = list.data;
  if (environments.length === 0) return <p>{t("environments.none")}</p>;
  const error = suspend.error ?? resume.error;
  return (
    <>
      {error && <ApiError error={error} />}
      <table className="table">
        <caption className="visually-hidden">{t("environments.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("environments.permit")}</th>
            <th scope="col">{t("environments.state")}</th>
            <th scope="col">{t("environments.created")}</th>
            <th scope="col">{t("environments.validUntil")}</th>
            <th scope="col">{t("environments.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {environments.map((e) => (
            <tr key={e.namespace}>
              <td>
                {e.permitId}
                <br />
                <code className="muted">{e.namespace}</code>
              </td>
              <td>
                <StateBadge environment={e} />
              </td>
              <td>{formatDate(e.createdAt)}</td>
              <td>{formatDate(e.validUntil)}</td>
              <td>
                <div className="actions">
                  {e.desiredState === "active" && (
                    <button type="button" onClick={() => suspend.mutate({ namespace: e.namespace })}>
                      {t("environments.suspend")}
                    </button>
                  )}
                  {e.desiredState === "suspended" && (
                    <button type="button" onClick={() => resume.mutate({ namespace: e.namespace })}>
                      {t("environments.resume")}
                    </button>
                  )}
                  {e.desiredState !== "torn-down" && (
                    <button type="button" className="danger" onClick={() => setTearingDown(e.namespace)}>
                      {t("environments.teardown")}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link to="/operator/environments">{t("environments.allLink")}</Link>
      </p>
      {tearingDown && (
        <TeardownDialog
          namespace={tearingDown}
          onClose={() => {
            setTearingDown(undefined);
            void refresh();
          }}
        />
      )}
    </>
  );
}
