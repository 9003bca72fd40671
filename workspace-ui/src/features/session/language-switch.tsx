import { useId } from "react";
import { useTranslation } from "react-i18next";
import { chooseLanguage, LANGUAGES } from "../../lib/i18n";

/** Swedish or English, for everyone, signed in or not; the choice is remembered on this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="language">
      <label htmlFor={id}>{t("app.language")}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(e) => chooseLanguage(LANGUAGES.find((l) => l === e.target.value) ?? "sv")}
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
