import { useId } from "react";
import { useTranslation } from "react-i18next";
import { chooseLanguage, LANGUAGES } from "../../lib/i18n";
import { useMe } from "../../lib/use-me";
import { useSaveSettings } from "../../lib/use-settings";

/**
 * Swedish or English, for everyone, signed in or not; remembered on this browser, and for someone signed in
 * on the server too, so that their e-mails and other browsers follow.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const me = useMe();
  const save = useSaveSettings();
  return (
    <div className="language">
      <label htmlFor={id}>{t("app.language")}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(e) => {
          const language = LANGUAGES.find((l) => l === e.target.value) ?? "sv";
          chooseLanguage(language);
          if (me.data) save.mutate({ language });
        }}
      >
        {LANGUAGES.map((l) => (
          // Each language's name in itself, so that someone who cannot read the current one still finds theirs.
          <option key={l} value={l} lang={l}>
            {t(`app.languages.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
