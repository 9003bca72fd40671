import { useTranslation } from "react-i18next";
import { formatMoment } from "../../../lib/format";
import { EvidenceTable } from "./evidence-table";
import type { AccessEvidence } from "./evidence-types";

const REFUSAL_WORDS = {
  "workspace.websocket-refused": "audit.evidence.access.refusal.websocket-refused",
  "workspace.websocket-closed": "audit.evidence.access.refusal.websocket-closed",
  "workspace.transfer-refused": "audit.evidence.access.refusal.transfer-refused",
} as const;

/** Who the permit names, every workspace session opened in the environment, by whom and when, and what the gateway refused. */
export function AccessEvidenceView({ evidence }: { evidence: AccessEvidence }) {
  const { t } = useTranslation();
  const pi = evidence.principalInvestigator.subject;
  return (
    <>
      <p>{t("audit.evidence.access.rule")}</p>
      <EvidenceTable
        caption={t("audit.evidence.access.persons")}
        columns={[
          t("audit.evidence.access.name"),
          t("audit.evidence.access.subject"),
          t("audit.evidence.access.email"),
          t("audit.evidence.access.role"),
        ]}
        rows={evidence.authorisedPersons}
        empty={t("audit.evidence.none")}
        row={(p) => [
          p.name,
          <code key="s">{p.subject}</code>,
          p.email,
          p.subject === pi ? t("audit.evidence.access.principal") : t("audit.evidence.access.researcher"),
        ]}
      />
      <EvidenceTable
        caption={t("audit.evidence.access.sessions")}
        columns={[t("audit.evidence.when"), t("audit.evidence.access.who"), t("audit.evidence.access.kind")]}
        rows={evidence.workspaceSessions}
        empty={t("audit.evidence.access.noSessions")}
        row={(s) => [
          formatMoment(s.when),
          <code key="w">{s.who}</code>,
          s.action === "workspace.websocket-opened"
            ? t("audit.evidence.access.websocket")
            : t("audit.evidence.access.page"),
        ]}
      />
      <EvidenceTable
        caption={t("audit.evidence.access.refusals")}
        columns={[
          t("audit.evidence.when"),
          t("audit.evidence.access.who"),
          t("audit.evidence.access.kind"),
          t("audit.evidence.access.reason"),
        ]}
        rows={evidence.workspaceRefusals}
        empty={t("audit.evidence.access.noRefusals")}
        row={(r) => [
          formatMoment(r.when),
          <code key="w">{r.who}</code>,
          t(REFUSAL_WORDS[r.action]),
          <code key="r">{r.reason}</code>,
        ]}
      />
    </>
  );
}
