import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPCClient } from "../../lib/trpc";
import type { OutputFileType } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";
import { CheckReport } from "../../components/check-report";
import { formatBytes } from "../../lib/format";
import { readSdcReport } from "../../lib/sdc/sdc-report";

/** The query behind a precheck, shared so the form can see every picked file's outcome. */
export function precheckQuery(
  client: ReturnType<typeof useTRPCClient>,
  namespace: string,
  path: string,
  type: OutputFileType,
) {
  return {
    queryKey: ["exports.precheck", namespace, path, type],
    // A mutation in the API because it copies the file to run the checks; nothing is kept, so it reads like a query here.
    queryFn: () => client.exports.precheck.mutate({ namespace, path, type }),
    staleTime: 5 * 60_000,
    retry: false,
    refetchOnWindowFocus: false,
  };
}

/** The automated checks on one picked file as it is in the outbox now, before anything is submitted. */
export function Precheck({ namespace, path, type }: { namespace: string; path: string; type: OutputFileType }) {
  const { t } = useTranslation();
  const client = useTRPCClient();
  const check = useQuery(precheckQuery(client, namespace, path, type));
  return (
    <section className="file-card" aria-label={t("exports.precheck.of", { path })}>
      <h3>
        <code>{path}</code>
      </h3>
      <p className="muted">
        {t(`airlock.fileType.${type}`)}
        {check.data && ` · ${formatBytes(check.data.size)}`}
      </p>
      <div aria-live="polite">
        {check.isFetching && <p aria-busy="true">{t("exports.precheck.checking")}</p>}
        {check.isError && <ApiError error={check.error} lead={t("exports.precheck.failed")} />}
        {check.data && !check.isFetching && <CheckReport report={readSdcReport(check.data.report)} file={path} />}
      </div>
      <button type="button" className="secondary" onClick={() => void check.refetch()} disabled={check.isFetching}>
        {t("exports.precheck.again")}
      </button>
    </section>
  );
}
