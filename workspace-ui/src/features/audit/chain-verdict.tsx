import { useTranslation } from "react-i18next";
import { formatMoment } from "../../lib/format";

/** The audit log's verification as the orchestrator answers it (audit/verify-audit-log.ts). */
export type ChainVerdictResult =
  | { intact: true; events: number; checkpoint?: { sequence: number; signedAt: string } | null }
  | { intact: false; brokenAt: number; problem: string; tampering: string };

/**
 * Whether the chain holds and, when it was checked against one, the signed checkpoint it holds; if not,
 * which kind of tampering (changed, rewritten, inserted, removed, cut off) and where.
 */
export function ChainVerdict({ result }: { result: ChainVerdictResult }) {
  const { t } = useTranslation();
  if (!result.intact)
    return (
      <div className="state state-problem" role="alert">
        <p>
          <strong>{t(`audit.chain.tampering.${result.tampering}`, t("audit.chain.tampering.other"))}</strong>
        </p>
        <p>{t("audit.chain.broken", { at: result.brokenAt, problem: result.problem })}</p>
      </div>
    );
  return (
    <div className="state state-ok">
      <p>{t("audit.chain.intact", { count: result.events })}</p>
      {result.checkpoint === undefined ? null : result.checkpoint ? (
        <p>
          {t("audit.chain.checkpoint", {
            sequence: result.checkpoint.sequence,
            time: formatMoment(result.checkpoint.signedAt),
          })}
        </p>
      ) : (
        <p>{t("audit.chain.noCheckpoint")}</p>
      )}
    </div>
  );
}
