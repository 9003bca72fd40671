import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { OperatorNav } from "../../features/operator/operator-nav";
import { RequireRole } from "../../features/session/require-role";

/** The frame every operator page shares: only for operators, with the way home and to the other pages. */
export function OperatorPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <RequireRole role="operator">
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("app.start")}</Link>
      </nav>
      <OperatorNav />
      <h1>{title}</h1>
      {children}
    </RequireRole>
  );
}
