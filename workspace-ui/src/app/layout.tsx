import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { LanguageSwitch } from "../features/session/language-switch";
import { SessionBar } from "../features/session/session-bar";
import { useServerLanguage } from "../lib/use-settings";
import { usePageTitle } from "./page-title";

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  useServerLanguage();
  usePageTitle();
  return (
    <>
      {/* The first stop for a keyboard: past the header, straight to the page's own content. */}
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          <img src="/logo.svg" alt="" width="28" height="28" />
          <span>{t("app.brand")}</span>
        </Link>
        <div className="top-right">
          <LanguageSwitch />
          <SessionBar />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
