import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { chooseLanguage, LANGUAGES, type Language } from "../../lib/i18n";
import { useSaveSettings, useSettings } from "../../lib/use-settings";

type Choice = { language?: Language; emailNotifications?: boolean };

/** A person's own choices, kept on the server: the language of the UI and of e-mails, and whether e-mail comes. */
export function SettingsForm() {
  const { t } = useTranslation();
  const settings = useSettings();
  const save = useSaveSettings();
  const languageId = useId();
  const emailId = useId();
  // What the person chose shows at once, not when the server answers (a box that flips back meanwhile reads as
  // a click that did not take); a refused save shows the server's settings again.
  const [choice, setChoice] = useState<Choice>({});
  const change = (next: Choice) => {
    setChoice((before) => ({ ...before, ...next }));
    save.mutate(next, { onError: () => setChoice({}) });
  };
  if (settings.isPending) return <p aria-busy="true">{t("settings.loading")}</p>;
  if (settings.isError) return <ApiError error={settings.error} lead={t("settings.failed")} />;
  const { language, emailNotifications, email } = { ...settings.data, ...choice };
  return (
    <form className="stack" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={languageId}>{t("settings.language")}</label>
        <select
          id={languageId}
          value={language}
          onChange={(e) => {
            const chosen = LANGUAGES.find((l) => l === e.target.value) ?? "sv";
            chooseLanguage(chosen);
            change({ language: chosen });
          }}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {t(`app.languages.${l}`)}
            </option>
          ))}
        </select>
        <p className="small muted">{t("settings.languageHelp")}</p>
      </div>
      <div className="field">
        <label htmlFor={emailId}>
          <input
            id={emailId}
            type="checkbox"
            checked={emailNotifications}
            onChange={(e) => change({ emailNotifications: e.target.checked })}
          />{" "}
          {t("settings.email")}
        </label>
        <p className="small muted">{email ? t("settings.emailHelp", { email }) : t("settings.noAddress")}</p>
      </div>
      <p role="status" className="small">
        {save.isSuccess ? t("settings.saved") : ""}
      </p>
      {save.isError && <ApiError error={save.error} lead={t("settings.saveFailed")} />}
    </form>
  );
}
