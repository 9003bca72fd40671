import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "../locales/en";
import { sv } from "../locales/sv";

export const LANGUAGES = ["sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = "spe.language";

/** The language someone chose before on this browser; Swedish for everyone else. */
function rememberedLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.find((l) => l === stored) ?? "sv";
  } catch {
    // Storage can be off (private modes, policies): the UI still works, in Swedish.
    return "sv";
  }
}

/** Screen readers pick their voice from <html lang> (the tab's title follows the page's heading: app/page-title). */
function applyToDocument(language: string) {
  if (typeof document === "undefined") return; // unit tests of pure functions run without a page
  document.documentElement.lang = language;
}

// Both languages are bundled: together they are a few kilobytes, less than a second request would cost.
void i18n.use(initReactI18next).init({
  resources: { sv: { translation: sv }, en: { translation: en } },
  lng: rememberedLanguage(),
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // React escapes what it renders; escaping here as well would show "&amp;" to people.
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyToDocument(i18n.language);
i18n.on("languageChanged", applyToDocument);

/** Switches the language and remembers it on this browser. */
export function chooseLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, but switched all the same.
  }
  void i18n.changeLanguage(language);
}

/** The locale for numbers and dates: Swedish formats in Swedish, British English ones (day month year) in English. */
export const intlLocale = () => (i18n.language === "en" ? "en-GB" : "sv-SE");

export { i18n };
