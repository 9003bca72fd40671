import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { SettingsForm } from "../features/settings/settings-form";
import { useMe } from "../lib/use-me";

export default function Settings() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <>
      <nav aria-label={t("app.crumbs")} className="crumbs">
        <Link to="/">{t("app.start")}</Link>
      </nav>
      <h1>{t("settings.title")}</h1>
      {me.isPending ? (
        <p aria-busy="true">{t("app.loading")}</p>
      ) : me.data ? (
        <SettingsForm />
      ) : (
        <p>
          <a href="/auth/login?next=%2Fsettings">{t("session.signIn")}</a> {t("session.signInToSee")}
        </p>
      )}
    </>
  );
}
