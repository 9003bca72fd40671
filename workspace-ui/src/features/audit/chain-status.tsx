import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { formatMoment } from "../../lib/format";
import { useTRPC } from "../../lib/trpc";
import { ChainVerdict } from "./chain-verdict";
import { errorWords } from "../../lib/api-errors";

/** Whether the audit log's hash chain is intact, and when that was checked: the first thing a supervisor wants to know. */
export function ChainStatus() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.verify.queryOptions());
  if (verify.isPending) return <p aria-busy="true">{t("audit.chain.checking")}</p>;
  if (verify.isError) return <p role="alert">{t("audit.chain.failed", { message: errorWords(verify.error, t) })}</p>;
  return (
    <>
      <ChainVerdict result={verify.data} />
      <p className="muted">{t("audit.chain.checked", { time: formatMoment(new Date(verify.dataUpdatedAt)) })}</p>
    </>
  );
}
