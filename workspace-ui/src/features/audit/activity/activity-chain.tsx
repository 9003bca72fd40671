import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { useTRPC } from "../../../lib/trpc";
import type { ActivityChain } from "./activity-types";
import { errorWords } from "../../../lib/api-errors";

/** Whether the record of activities' hash chain holds, and if not the first broken batch and how. */
export function ActivityChainVerdict({ result }: { result: ActivityChain }) {
  const { t } = useTranslation();
  if (!result.intact)
    return (
      <div className="state state-problem" role="alert">
        <p>
          <strong>{t(`audit.activity.tampering.${result.tampering}`)}</strong>
        </p>
        <p>{t("audit.activity.broken", { at: result.brokenAt, problem: result.problem })}</p>
      </div>
    );
  const checkpoint = "checkpoint" in result ? result.checkpoint : undefined;
  return (
    <div className="state state-ok">
      <p>{t("audit.activity.intact", { batches: result.batches, count: result.entries })}</p>
      {checkpoint === undefined ? null : checkpoint ? (
        <p>
          {t("audit.activity.checkpoint", { sequence: checkpoint.sequence, time: formatMoment(checkpoint.signedAt) })}
        </p>
      ) : (
        <p>{t("audit.activity.noCheckpoint")}</p>
      )}
    </div>
  );
}

/** The record's chain, verified now. */
export function ActivityChainStatus() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.activityVerify.queryOptions());
  if (verify.isPending) return <p aria-busy="true">{t("audit.chain.checking")}</p>;
  if (verify.isError) return <p role="alert">{t("audit.chain.failed", { message: errorWords(verify.error, t) })}</p>;
  return <ActivityChainVerdict result={verify.data} />;
}
