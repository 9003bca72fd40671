import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../features/session/language-switch";
import { SessionBar } from "../features/session/session-bar";
import { useServerLanguage } from "../lib/use-settings";

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  useServerLanguage();
  return (
    <>
      <header className="top">
        <span className="brand">{t("app.brand")}</span>
        <div className="top-right">
          <LanguageSwitch />
          <SessionBar />
        </div>
      </header>
      <main>{children}</main>
    </>
  );
}
